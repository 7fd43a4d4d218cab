/**
 * Field checks of `TalosMachineConfig` inputs that need no process: each problem names its input.
 * Values still unknown during preview are skipped; rendering checks the rest.
 */
import { InputError, errorMessage, isError } from "../../internal/errors";
import { validateClusterEndpoint, validateRole } from "../../talos/config";
import { kubernetesSupportProblem, upgradePathProblem } from "../../talos/support-matrix";
import { defaultKubernetesVersion, parseTalosVersion } from "../../talos/versions";
import { CheckFailure, Props, UNKNOWN_VALUE } from "../dispatch/types";

const APPLY_MODES = ["auto", "no-reboot", "reboot", "staged", "try"];

/** True when the value is, or holds anywhere inside it, the engine's unknown placeholder (preview). */
export function containsUnknown(v: unknown): boolean {
  if (typeof v === "string") return v.includes(UNKNOWN_VALUE);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

type Rule = (v: unknown, i: Props) => string | undefined;

const nonEmpty: Rule = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : "must be a non-empty string");
const optionalString: Rule = (v) => (v === undefined || typeof v === "string" ? undefined : "must be a string");
const oneOf =
  (values: string[]): Rule =>
  (v) =>
    v === undefined || values.includes(v as string)
      ? undefined
      : `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}, got ${JSON.stringify(v)}`;
const positive: Rule = (v) =>
  v === undefined || (typeof v === "number" && Number.isFinite(v) && v > 0)
    ? undefined
    : `must be a positive number of seconds, got ${JSON.stringify(v)}`;
const bool: Rule = (v) => (v === undefined || typeof v === "boolean" ? undefined : "must be true or false");
const patchList: Rule = (v) =>
  v === undefined || Array.isArray(v)
    ? undefined
    : "must be a list of patches (YAML text, objects or RFC 6902 operation lists)";

/** Turns a thrown check into a message (InputError's message already carries the field). */
function thrown(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return isError(e, "InputError") ? (e as InputError).message.replace(/^\[[^\]]+\] /, "") : errorMessage(e);
  }
}

const RULES: Record<string, Rule> = {
  secretsYaml: nonEmpty,
  clusterName: nonEmpty,
  role: (v) => thrown(() => validateRole(v)),
  endpoint: (v) => thrown(() => validateClusterEndpoint(v as string)),
  talosVersion: (v) => thrown(() => parseTalosVersion(v as string)),
  kubernetesVersion: (v) =>
    v === undefined || (typeof v === "string" && /^v?\d+\.\d+\.\d+/.test(v))
      ? undefined
      : `must look like "1.36.3", got ${JSON.stringify(v)}`,
  installImage: optionalString,
  installDisk: (v) =>
    v === undefined || (typeof v === "string" && v.startsWith("/dev/"))
      ? undefined
      : `must be a device path like "/dev/nvme0n1", got ${JSON.stringify(v)}`,
  hostname: optionalString,
  clusterPatches: patchList,
  rolePatches: patchList,
  nodePatches: patchList,
  variables: (v) =>
    v === undefined ||
    (typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      Object.values(v).every((x) => ["string", "number", "boolean"].includes(typeof x)))
      ? undefined
      : "must map names to strings, numbers or booleans",
  platform: oneOf(["metal", "cloud"]),
  delivery: oneOf(["apply", "user-data"]),
  node: (v, i) => (i.delivery === "user-data" ? optionalString(v, i) : nodeAddress(v)),
  endpoints: (v) =>
    v === undefined || (Array.isArray(v) && v.every((e) => typeof e === "string" && e !== "" && !e.includes("://")))
      ? undefined
      : "must be a list of host or host:port strings without a scheme (the Talos API, port 50000 by default)",
  applyMode: oneOf(APPLY_MODES),
  tryTimeoutSeconds: (v, i) =>
    positive(v, i) ?? (v !== undefined && i.applyMode !== "try" ? 'only applies with applyMode "try"' : undefined),
  timeoutSeconds: positive,
  resetOnDelete: bool,
  configVersion: (v) => (v === undefined ? undefined : thrown(() => parseTalosVersion(v as string, "configVersion"))),
  drain: bool,
  drainTimeoutSeconds: positive,
  upgradeTimeoutSeconds: positive,
  allowQuorumLoss: bool,
  kubernetesUpgrade: oneOf(["upgrade-k8s", "apply"]),
  rollPosition: optionalString,
};

function nodeAddress(v: unknown): string | undefined {
  if (typeof v !== "string" || v.trim() === "")
    return 'is required for delivery "apply": the address of the node\'s Talos API';
  if (v.includes("://")) return `must be an address without a scheme (the node's Talos API), got ${JSON.stringify(v)}`;
  return undefined;
}

/** Field-named failures of the inputs (unknown values skipped). */
export function inputFailures(i: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [field, rule] of Object.entries(RULES)) {
    if (containsUnknown(i[field])) continue;
    const problem = rule(i[field], i);
    if (problem) failures.push({ property: field, reason: new InputError(field, problem).message });
  }
  return failures;
}

/**
 * Talos's support matrix, checked in preview before any node refuses it: the Kubernetes version (given,
 * else the config contract's default) must run on `talosVersion`, and a changed `talosVersion` must be
 * installable over the previous one (Talos's installer refuses too long an upgrade jump).
 */
export function supportFailures(olds: Props, i: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const talos = i.talosVersion as string;
  const given = typeof i.kubernetesVersion === "string";
  const k8s = given
    ? (i.kubernetesVersion as string)
    : thrownValue(() => defaultKubernetesVersion((i.configVersion as string | undefined) ?? talos));
  const k = k8s === undefined ? undefined : kubernetesSupportProblem(talos, k8s);
  if (k)
    failures.push({
      property: given ? "kubernetesVersion" : "talosVersion",
      reason: new InputError(given ? "kubernetesVersion" : "talosVersion", given ? k : `${k}; set kubernetesVersion`)
        .message,
    });
  const from = olds.talosVersion;
  const jump =
    typeof from === "string" && !containsUnknown(from) && from !== talos
      ? thrownValue(() => upgradePathProblem(from, talos))
      : undefined;
  if (jump) failures.push({ property: "talosVersion", reason: new InputError("talosVersion", jump).message });
  return failures;
}

function thrownValue<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
