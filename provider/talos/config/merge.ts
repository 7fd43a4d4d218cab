/**
 * Strategic merge with Talos semantics (contract §5.5, `pkg/machinery/config/merge/merge.go` and the
 * custom `Merge` methods of the typed config): maps merge, lists append, except the keyed and replaced
 * lists below. Untyped: an empty string in a patch keeps the old value (Go's zero-value rule for
 * plain string fields); booleans and numbers in a patch always win (Talos uses pointers for those).
 */
import { deepEqual } from "../../internal/deep-equal";
import { cloneYaml, isMap, type YamlMap } from "./yaml-io";

/** A merge failed at `path` (dotted, list elements as `[]`). */
export class MergeError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${detail} at '${path}'`);
    this.name = "MergeError";
  }
}

type Matcher = (existing: unknown, incoming: YamlMap) => boolean;

const byField =
  (field: string): Matcher =>
  (e, i) =>
    isMap(e) && i[field] !== undefined && i[field] !== null && String(e[field]) === String(i[field]);

// NetworkDeviceList.Merge: by interface name, else by deep-equal deviceSelector; no key → appended.
const byInterface: Matcher = (e, i) => {
  if (!isMap(e)) return false;
  if (typeof i.interface === "string" && i.interface !== "") return e.interface === i.interface;
  return isMap(i.deviceSelector) && isMap(e.deviceSelector) && deepEqual(e.deviceSelector, i.deviceSelector);
};

/** Lists merged element-wise by a key (`scope:path`), from the typed configs' custom merges. */
const KEYED: Record<string, Matcher> = {
  "v1alpha1:machine.network.interfaces": byInterface,
  "v1alpha1:machine.network.interfaces[].vlans": byField("vlanId"),
  "v1alpha1:cluster.apiServer.admissionControl": byField("name"),
  "ExtensionServiceConfig:configFiles": byField("mountPath"),
};

/** Fields tagged `merge:"replace"` in Talos v1.13.9: a non-empty patch value replaces the old one. */
const REPLACED = new Set([
  "v1alpha1:cluster.network.podSubnets",
  "v1alpha1:cluster.network.serviceSubnets",
  "v1alpha1:cluster.apiServer.auditPolicy",
  "NetworkRuleConfig:ingress",
  "NetworkRuleConfig:portSelector.ports",
]);

/** Merges patch document `right` into config document `left` (returns a new document); `scope` is `v1alpha1` or the kind. */
export function mergeDocument(left: YamlMap, right: YamlMap, scope: string): YamlMap {
  return mergeMap(left, right, "", scope);
}

function mergeValue(left: unknown, right: unknown, path: string, scope: string): unknown {
  if (right === null || right === undefined) return left;
  if (left === null || left === undefined) return cloneYaml(right);
  if (Array.isArray(left) && Array.isArray(right)) return mergeList(left, right, path, scope);
  if (isMap(left) && isMap(right)) {
    if (REPLACED.has(`${scope}:${path}`) && Object.keys(right).length > 0) return cloneYaml(right);
    // Args.Merge: each extraArgs key of the patch replaces the old value wholesale.
    if (path === "extraArgs" || path.endsWith(".extraArgs")) return { ...left, ...cloneYaml(right) };
    return mergeMap(left, right, path, scope);
  }
  if (isContainer(left) || isContainer(right)) {
    throw new MergeError(path, `merge type mismatch left ${typeName(left)} right ${typeName(right)}`);
  }
  return right === "" ? left : right;
}

function mergeMap(left: YamlMap, right: YamlMap, path: string, scope: string): YamlMap {
  const out: YamlMap = { ...left };
  for (const [key, value] of Object.entries(right)) {
    if ((value === null || value === undefined) && !(key in left)) continue;
    out[key] = mergeValue(left[key], value, path === "" ? key : `${path}.${key}`, scope);
  }
  return out;
}

function mergeList(left: unknown[], right: unknown[], path: string, scope: string): unknown[] {
  if (right.length === 0) return left;
  if (REPLACED.has(`${scope}:${path}`)) return cloneYaml(right);
  const matcher = KEYED[`${scope}:${path}`];
  if (!matcher) return [...left, ...cloneYaml(right)];
  const out = [...left];
  for (const item of right) {
    const idx = isMap(item) ? out.findIndex((e) => matcher(e, item)) : -1;
    if (idx >= 0) out[idx] = mergeValue(out[idx], item, `${path}[]`, scope);
    else out.push(cloneYaml(item));
  }
  return out;
}

function isContainer(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? "list" : isMap(v) ? "map" : typeof v;
}
