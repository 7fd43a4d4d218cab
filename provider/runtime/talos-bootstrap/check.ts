/** `TalosBootstrap` check: field-named problems of the inputs, before anything talks to a node. */
import { isIP } from "net";
import { errorMessage } from "../../internal/errors";
import { CheckFailure, Props, isUnknown } from "../dispatch/types";
import { withEndpoints } from "./credentials";
import { formatProblem, normalizeK8sVersion, parseK8sVersion, upgradePathProblem } from "./k8s-version";
import { validateBundle } from "../shared/bundle";

type Add = (property: string, reason: string) => void;

function nonEmptyString(v: unknown): boolean {
  return typeof v === "string" && v.trim() !== "";
}

/** Checks an IP list; returns the known addresses (unknown entries skipped). */
function ipList(field: string, v: unknown, add: Add, flag: string): string[] | undefined {
  if (v === undefined || isUnknown(v)) return undefined;
  if (!Array.isArray(v)) return void add(field, `[${field}] must be a list of IP addresses`);
  v.forEach((x, i) => {
    if (!isUnknown(x) && (typeof x !== "string" || isIP(x) === 0))
      add(
        field,
        `[${field}[${i}]] must be an IP address (talosctl health ${flag} takes IPs), got ${JSON.stringify(x)}`,
      );
  });
  return v.filter((x): x is string => typeof x === "string" && !isUnknown(x));
}

function checkNodes(i: Props, add: Add): void {
  const cps = ipList("controlPlaneNodes", i.controlPlaneNodes, add, "--control-plane-nodes");
  const workers = ipList("workerNodes", i.workerNodes, add, "--worker-nodes") ?? [];
  if (i.controlPlaneNodes === undefined || (Array.isArray(i.controlPlaneNodes) && i.controlPlaneNodes.length === 0)) {
    add(
      "controlPlaneNodes",
      "[controlPlaneNodes] must list at least one control-plane node IP: bootstrap and the health check need them all",
    );
  }
  workers.forEach((w, n) => {
    if (cps?.includes(w))
      add(
        "workerNodes",
        `[workerNodes[${n}]] ${w} is also in controlPlaneNodes: a node is either a control plane or a worker`,
      );
  });
  const node = i.bootstrapNode;
  if (isUnknown(node)) return;
  if (!nonEmptyString(node)) return add("bootstrapNode", "[bootstrapNode] must be the IP of one control-plane node");
  if (cps === undefined || cps.includes(node as string)) return;
  const choose = cps.length ? `pick one of controlPlaneNodes (${cps.join(", ")})` : "list it in controlPlaneNodes";
  if (workers.includes(node as string))
    return add(
      "bootstrapNode",
      `[bootstrapNode] ${node} is a worker (listed in workerNodes); etcd is bootstrapped on a control-plane node: ${choose}`,
    );
  add(
    "bootstrapNode",
    `[bootstrapNode] ${node} is not in controlPlaneNodes; etcd is bootstrapped on a control-plane node: ${choose}`,
  );
}

function checkMaterial(i: Props, add: Add): void {
  if (!isUnknown(i.clusterName) && !nonEmptyString(i.clusterName))
    add("clusterName", "[clusterName] must be a non-empty string");
  const has = (k: string) => i[k] !== undefined && i[k] !== null && i[k] !== "";
  if (!has("secretsYaml") && !has("baseTalosconfig"))
    add(
      "secretsYaml",
      "[secretsYaml] is required: pass TalosSecrets.secretsYaml (or an existing talosconfig as baseTalosconfig)",
    );
  if (has("secretsYaml") && has("baseTalosconfig"))
    add("baseTalosconfig", "[baseTalosconfig] give either secretsYaml or baseTalosconfig, not both");
  const material = (k: string, validate: (text: string) => unknown) => {
    if (!has(k) || isUnknown(i[k])) return;
    try {
      validate(String(i[k]));
    } catch (e) {
      add(k, errorMessage(e));
    }
  };
  material("secretsYaml", validateBundle);
  material("baseTalosconfig", (t) => withEndpoints("baseTalosconfig", t, []));
  const eps = i.endpoints;
  if (
    eps !== undefined &&
    !isUnknown(eps) &&
    (!Array.isArray(eps) || eps.some((e) => !isUnknown(e) && !nonEmptyString(e)))
  ) {
    add("endpoints", "[endpoints] must be a list of Talos API addresses (host or host:port)");
  }
}

// One rule for every deadline: seconds above 0, at most a day.
function checkSeconds(v: unknown, label: string, fail: (reason: string) => void): void {
  if (v !== undefined && !isUnknown(v) && (typeof v !== "number" || !(v > 0) || v > 86400))
    fail(`[${label}] must be a number of seconds above 0 and at most 86400, got ${JSON.stringify(v)}`);
}

function checkNumbers(i: Props, add: Add): void {
  const d = i.deadlines as Props | undefined;
  if (d !== undefined && !isUnknown(d)) {
    if (typeof d !== "object" || d === null) add("deadlines", "[deadlines] must be an object of seconds");
    else
      for (const k of ["bootstrapSeconds", "healthSeconds", "refreshHealthSeconds"])
        checkSeconds(d[k], `deadlines.${k}`, (reason) => add("deadlines", reason));
  }
  checkSeconds(i.kubernetesUpgradeTimeoutSeconds, "kubernetesUpgradeTimeoutSeconds", (reason) =>
    add("kubernetesUpgradeTimeoutSeconds", reason),
  );
  const r = i.kubeconfigRenewBeforeDays;
  if (r !== undefined && !isUnknown(r) && (typeof r !== "number" || !(r >= 0)))
    add(
      "kubeconfigRenewBeforeDays",
      `[kubeconfigRenewBeforeDays] must be a number of days, 0 or more, got ${JSON.stringify(r)}`,
    );
}

// Without the network: the format, and (when the old inputs set a version) the paths upgrade-k8s refuses.
function checkKubernetesVersion(i: Props, olds: Props, add: Add): void {
  const v = i.kubernetesVersion;
  if (v === undefined || isUnknown(v)) return;
  if (typeof v !== "string" || !parseK8sVersion(v)) return add("kubernetesVersion", formatProblem(v));
  const old = olds.kubernetesVersion;
  if (typeof old !== "string" || !parseK8sVersion(old)) return;
  const p = upgradePathProblem(normalizeK8sVersion(old), normalizeK8sVersion(v));
  if (p) add("kubernetesVersion", `[kubernetesVersion] ${p}`);
}

/** Every problem of the inputs (`olds`: the previous inputs, for the Kubernetes upgrade path), each naming its field. */
export function checkBootstrap(i: Props, olds: Props = {}): CheckFailure[] {
  const out: CheckFailure[] = [];
  const add: Add = (property, reason) => void out.push({ property, reason });
  checkMaterial(i, add);
  checkNodes(i, add);
  checkNumbers(i, add);
  checkKubernetesVersion(i, olds, add);
  return out;
}

/** The inputs as stored: `kubernetesVersion` without its leading `v`. */
export function normalizeBootstrapInputs(i: Props): Props {
  const v = i.kubernetesVersion;
  return typeof v === "string" && !isUnknown(v) ? { ...i, kubernetesVersion: normalizeK8sVersion(v) } : i;
}
