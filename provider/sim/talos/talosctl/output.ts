/** `get` output writers (contracts/talosctl.md §12.1): JSON envelope, YAML, table, jsonpath. */
import { WireResource } from "../node/resources";
import { Data, DataMap, encodeYaml, isDataMap } from "../yaml";
import { tabwriter } from "./table";

/** A resource with the node it came from. */
export interface NodeResource {
  node: string;
  res: WireResource;
}

/** Metadata after talosctl's YAML round trip: empty owner → null, numeric-looking annotation values → numbers. */
function metadataMap(m: WireResource["metadata"]): DataMap {
  const out: DataMap = {
    namespace: m.namespace,
    type: m.type,
    id: m.id,
    version: m.version,
    owner: m.owner || null,
    phase: m.phase,
    created: m.created,
    updated: m.updated,
  };
  if (m.annotations && Object.keys(m.annotations).length) {
    const ann: DataMap = {};
    for (const [k, v] of Object.entries(m.annotations)) ann[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    out.annotations = ann;
  }
  return out;
}

/** Go `encoding/json` with SetIndent("", "    "): map keys sorted, HTML characters escaped. */
export function goJson(v: Data, indent = ""): string {
  const pad = indent + "    ";
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => pad + goJson(x, pad)).join(",\n")}\n${indent}]` : "[]";
  if (isDataMap(v)) {
    const keys = Object.keys(v).sort();
    return keys.length
      ? `{\n${keys.map((k) => `${pad}${goString(k)}: ${goJson(v[k], pad)}`).join(",\n")}\n${indent}}`
      : "{}";
  }
  return typeof v === "string" ? goString(v) : JSON.stringify(v);
}

function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** One JSON object per resource, each followed by a newline. */
export function jsonOutput(items: NodeResource[]): string {
  return items
    .map((i) => goJson({ metadata: metadataMap(i.res.metadata), node: i.node, spec: i.res.spec }) + "\n")
    .join("");
}

/** `node: <node>` + YAML of metadata/spec per resource, joined by `---`. */
export function yamlOutput(items: NodeResource[]): string {
  return items
    .map(
      (i) =>
        `node: ${i.node}\n` +
        encodeYaml({ metadata: metadataMap(i.res.metadata), spec: i.res.spec }).replace(/^( {4}owner:) null$/m, "$1"),
    )
    .join("---\n");
}

const COLUMNS: Record<string, [string, (s: DataMap) => string][]> = {
  "Members.cluster.talos.dev": [
    ["HOSTNAME", (s) => String(s.hostname)],
    ["MACHINE TYPE", (s) => String(s.machineType)],
    ["OS", (s) => String(s.operatingSystem)],
    ["ADDRESSES", (s) => JSON.stringify(s.addresses)],
  ],
  "Disks.block.talos.dev": [
    ["SIZE", (s) => String(s.pretty_size)],
    ["READ ONLY", (s) => String(s.readonly)],
    ["TRANSPORT", (s) => String(s.transport ?? "")],
    ["ROTATIONAL", (s) => (s.rotational ? "true" : "")],
    ["WWID", (s) => String(s.wwid ?? "")],
    ["MODEL", (s) => String(s.model ?? "")],
    ["SERIAL", (s) => String(s.serial ?? "")],
  ],
  "KubeSpanIdentities.kubespan.talos.dev": [
    ["ADDRESS", (s) => String(s.address)],
    ["PUBLICKEY", (s) => String(s.publicKey)],
  ],
  "KubeSpanPeerSpecs.kubespan.talos.dev": [
    ["LABEL", (s) => String(s.label)],
    ["ENDPOINTS", (s) => JSON.stringify(s.endpoints)],
  ],
  "KubeSpanPeerStatuses.kubespan.talos.dev": [
    ["LABEL", (s) => String(s.label)],
    ["ENDPOINT", (s) => String(s.endpoint)],
    ["STATE", (s) => String(s.state)],
    ["RX", (s) => String(s.receiveBytes)],
    ["TX", (s) => String(s.transmitBytes)],
  ],
};

/** The default table. */
export function tableOutput(items: NodeResource[], type: string): string {
  const cols = COLUMNS[type] ?? [];
  const rows = [["NODE", "NAMESPACE", "TYPE", "ID", "VERSION", ...cols.map((c) => c[0])]];
  for (const i of items) {
    const m = i.res.metadata;
    const spec = isDataMap(i.res.spec) ? i.res.spec : {};
    rows.push([
      i.node,
      m.namespace,
      m.type.split(".")[0].replace(/ies$/, "y").replace(/s$/, ""),
      m.id,
      String(m.version),
      ...cols.map((c) => c[1](spec)),
    ]);
  }
  return tabwriter(rows);
}

/** `jsonpath={.a.b}`: the value at a dotted path of each resource's envelope. */
export function jsonpathOutput(items: NodeResource[], expr: string): string {
  const p = /^\{(.*)\}$/.exec(expr)?.[1] ?? expr;
  return items
    .map((i) => {
      let cur: Data | undefined = { metadata: metadataMap(i.res.metadata), node: i.node, spec: i.res.spec };
      for (const part of p.split(".").filter(Boolean)) cur = isDataMap(cur) ? (cur as DataMap)[part] : undefined;
      return (typeof cur === "string" ? cur : cur === undefined ? "" : JSON.stringify(cur)) + "\n";
    })
    .join("");
}
