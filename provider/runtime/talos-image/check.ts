/**
 * Preview-time validation of `TalosImage` inputs: every failure names the input it is about, so
 * `pulumi preview` stops before a builder server is ordered.
 */
import { errorMessage } from "../../internal/errors";
import { assertLabels } from "../../internal/labels";
import { normalizeSources } from "../../internal/cidr";
import { normalizeSchematic } from "../../talos/schematic";
import { parseTalosVersion } from "../../talos/versions";
import { CheckFailure, Props, isUnknown } from "../dispatch/types";
import { CloudArch, DEFAULT_SERVER_TYPE, DEFAULT_TIMEOUTS, TalosImageInputs } from "./types";

/** Label keys the resource sets itself to find the snapshot again; a user label may not override them. */
export const RESERVED_LABEL_KEYS = ["os", "talos-version", "arch", "talos-schematic", "created-by"] as const;

const NAME_RE = /^[a-z][a-z0-9-]*$/;
const RAW_IMAGE_RE = /\.raw(\.(xz|zst|bz2|gz))?$/;

/**
 * The architecture of a Hetzner Cloud server type known from its family (cax = Ampere arm; cx, cpx,
 * ccx = x86); undefined for a family this library does not know (the builder's type is checked again at run time).
 */
export function serverTypeArch(serverType: string): CloudArch | undefined {
  if (/^cax\d/.test(serverType)) return "arm";
  if (/^(cx|cpx|ccx)\d/.test(serverType)) return "x86";
  return undefined;
}

/** The error text for a builder whose architecture differs from the image's. */
export function archMismatch(serverType: string, typeArch: CloudArch, arch: CloudArch): string {
  return (
    `[serverType] "${serverType}" is an ${typeArch} server type, but arch is "${arch}": a snapshot takes the architecture of the server it was ` +
    `taken from, so an ${arch} image written on it would not boot; use an ${arch} type such as "${DEFAULT_SERVER_TYPE[arch]}" or leave serverType unset`
  );
}

type Rule = (v: unknown, i: Props) => string | undefined;

const RULES: [keyof TalosImageInputs, Rule][] = [
  ["resourceName", (v) => (typeof v === "string" ? undefined : "[resourceName] must be a string")],
  [
    "talosVersion",
    (v) =>
      typeof v !== "string"
        ? '[talosVersion] is required: a Talos version such as "v1.13.9"'
        : attempt(() => parseTalosVersion(v, "talosVersion")),
  ],
  ["schematic", (v) => attempt(() => normalizeSchematic(v))],
  ["schematicId", checkSchematicId],
  [
    "arch",
    (v) =>
      v === "x86" || v === "arm"
        ? undefined
        : `[arch] must be "x86" or "arm", got ${JSON.stringify(v)}${v === "amd64" ? ' (Hetzner calls amd64 "x86")' : v === "arm64" ? ' (Hetzner calls arm64 "arm")' : ""}`,
  ],
  ["imageUrl", checkImageUrl],
  [
    "location",
    (v) =>
      typeof v === "string" && NAME_RE.test(v)
        ? undefined
        : `[location] must be a Hetzner Cloud location name such as "fsn1", got ${JSON.stringify(v)}`,
  ],
  ["serverType", checkServerType],
  ["labels", checkUserLabels],
  [
    "description",
    (v) => (typeof v === "string" ? undefined : `[description] must be a string, got ${JSON.stringify(v)}`),
  ],
  [
    "retainOnDelete",
    (v) => (typeof v === "boolean" ? undefined : `[retainOnDelete] must be true or false, got ${JSON.stringify(v)}`),
  ],
  ["timeouts", checkTimeouts],
  [
    "adminCidrs",
    (v) =>
      Array.isArray(v) && v.length > 0
        ? v.some(isUnknown)
          ? undefined
          : attempt(() => normalizeSources("adminCidrs", v as string[]))
        : `[adminCidrs] must list at least one CIDR when set, got ${JSON.stringify(v)}`,
  ],
];

/** The inputs with defaults filled in (`arch` = "x86") and every failure, one per offending input. */
export function checkInputs(news: Props): { inputs: Props; failures: CheckFailure[] } {
  const inputs: Props = news.arch === undefined ? { ...news, arch: "x86" } : { ...news };
  const failures: CheckFailure[] = [];
  for (const [key, rule] of RULES) {
    const v = inputs[key];
    if ((v === undefined && key !== "talosVersion") || isUnknown(v)) continue;
    const reason = rule(v, inputs);
    if (reason) failures.push({ property: key, reason });
  }
  return { inputs, failures };
}

function attempt(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return errorMessage(e);
  }
}

function checkSchematicId(v: unknown, i: Props): string | undefined {
  if (i.schematic !== undefined) return "[schematicId] set either schematic or schematicId, not both";
  return typeof v === "string" && /^[0-9a-f]{64}$/.test(v)
    ? undefined
    : `[schematicId] must be 64 lowercase hex characters (an Image Factory schematic id), got ${JSON.stringify(v)}`;
}

function checkImageUrl(v: unknown, i: Props): string | undefined {
  let url: URL;
  try {
    url = new URL(String(v));
  } catch {
    return `[imageUrl] must be an absolute http(s) URL, got ${JSON.stringify(v)}`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `[imageUrl] must be an http(s) URL, got ${JSON.stringify(url.protocol)}`;
  const file = url.pathname.split("/").pop() ?? "";
  if (!RAW_IMAGE_RE.test(file))
    return `[imageUrl] must point at a raw disk image (.raw, .raw.xz, .raw.zst, .raw.bz2 or .raw.gz), not ${JSON.stringify(file)}`;
  const named = /-(amd64|arm64)\.raw/.exec(file)?.[1];
  const want = isUnknown(i.arch) ? undefined : i.arch === "arm" ? "arm64" : "amd64";
  if (named && want && named !== want)
    return `[imageUrl] names an ${named} image (${file}), but arch is ${JSON.stringify(i.arch)}`;
  return undefined;
}

function checkServerType(v: unknown, i: Props): string | undefined {
  if (typeof v !== "string" || !NAME_RE.test(v))
    return `[serverType] must be a Hetzner Cloud server type name such as "cx23", got ${JSON.stringify(v)}`;
  const typeArch = serverTypeArch(v);
  const arch = i.arch as CloudArch;
  if (typeArch && !isUnknown(arch) && (arch === "x86" || arch === "arm") && typeArch !== arch)
    return archMismatch(v, typeArch, arch);
  return undefined;
}

function checkUserLabels(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return "[labels] must be a map of label keys to string values";
  const entries = Object.entries(v as Props);
  const nonString = entries.find(([, x]) => typeof x !== "string");
  if (nonString)
    return `[labels] value of ${JSON.stringify(nonString[0])} must be a string, got ${JSON.stringify(nonString[1])}`;
  const reserved = entries.map(([k]) => k).filter((k) => (RESERVED_LABEL_KEYS as readonly string[]).includes(k));
  if (reserved.length)
    return `[labels] ${reserved.map((k) => JSON.stringify(k)).join(", ")} ${reserved.length > 1 ? "are" : "is"} set by TalosImage to find the snapshot again; use other keys`;
  return attempt(() => assertLabels(v as Record<string, string>, "labels"));
}

function checkTimeouts(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return "[timeouts] must be an object of numbers of seconds";
  for (const [k, x] of Object.entries(v as Props)) {
    if (!(k in DEFAULT_TIMEOUTS))
      return `[timeouts.${k}] is not a known timeout (known: ${Object.keys(DEFAULT_TIMEOUTS).join(", ")})`;
    if (isUnknown(x)) continue;
    if (typeof x !== "number" || !(x > 0) || x > 86_400)
      return `[timeouts.${k}] must be a number of seconds above 0 and at most 86400, got ${JSON.stringify(x)}`;
  }
  return undefined;
}
