/**
 * Typed fields Talos's decoder parses while it decodes (yaml "construct errors"): netip prefixes and
 * addresses of LinkConfig and ResolverConfig, and the v1alpha1 control-plane endpoint URL. Texts of Go's
 * net/netip and net/url as the real talosctl v1.13.9 prints them; IPv6 parse errors are reduced to
 * `unable to parse IP` (Go names the offending field).
 */
import * as net from "net";
import * as YAML from "yaml";

/** Go's netip.ParseAddr error for an invalid address. */
function addrError(s: string): string {
  if (/^[0-9.]+$/.test(s)) {
    const fields = s.split(".");
    if (fields.some((f) => f !== "" && Number(f) > 255)) return "IPv4 field has value >255";
    if (fields.length < 4) return "IPv4 address too short";
    if (fields.length > 4) return "IPv4 address too long";
  }
  return "unable to parse IP";
}

function addrProblem(s: string): string | null {
  return net.isIP(s) ? null : `ParseAddr(${JSON.stringify(s)}): ${addrError(s)}`;
}

function prefixProblem(s: string): string | null {
  const slash = s.lastIndexOf("/");
  if (slash < 0) return `netip.ParsePrefix(${JSON.stringify(s)}): no '/'`;
  const addr = s.slice(0, slash);
  if (!net.isIP(addr)) return `netip.ParsePrefix(${JSON.stringify(s)}): ${addrProblem(addr)}`;
  const bits = s.slice(slash + 1);
  const max = net.isIP(addr) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max
    ? null
    : `netip.ParsePrefix(${JSON.stringify(s)}): bad bits after slash: ${JSON.stringify(bits)}`;
}

function urlProblem(s: string): string | null {
  const colon = s.indexOf(":");
  const slash = s.indexOf("/");
  if (colon > 0 && (slash < 0 || colon < slash) && !/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(s.slice(0, colon)))
    return `parse ${JSON.stringify(s)}: first path segment in URL cannot contain colon`;
  return null;
}

type Check = [path: (string | number)[], problem: (s: string) => string | null];

function checksOf(doc: YAML.Document, kind: string): Check[] {
  const list = (key: string) => {
    const v = doc.get(key);
    return YAML.isSeq(v) ? v.items.map((_, i) => i) : [];
  };
  if (kind === "LinkConfig") {
    return [
      ...list("addresses").map((i): Check => [["addresses", i, "address"], prefixProblem]),
      ...list("routes").flatMap((i): Check[] => [
        [["routes", i, "destination"], prefixProblem],
        [["routes", i, "gateway"], addrProblem],
        [["routes", i, "source"], addrProblem],
      ]),
    ];
  }
  if (kind === "ResolverConfig")
    return list("nameservers").map((i): Check => [["nameservers", i, "address"], addrProblem]);
  if (kind === "") return [[["cluster", "controlPlane", "endpoint"], urlProblem]];
  return [];
}

const GO_TYPES: Record<string, string> = {
  LinkConfig: "*network.LinkConfigV1Alpha1",
  ResolverConfig: "*network.ResolverConfigV1Alpha1",
  "": "*v1alpha1.Config",
};

/** `error decoding <kind> to <type>: yaml: construct errors:` with one `line N: …` per bad value, or null. */
export function constructProblem(doc: YAML.Document, kind: string, lines: YAML.LineCounter): string | null {
  const found: string[] = [];
  for (const [path, problem] of checksOf(doc, kind)) {
    const node = doc.getIn(path, true);
    if (!YAML.isScalar(node) || typeof node.value !== "string" || node.value === "") continue;
    const p = problem(node.value);
    if (p) found.push(`  line ${node.range ? lines.linePos(node.range[0]).line : 0}: ${p}`);
  }
  return found.length
    ? `error decoding ${kind} to ${GO_TYPES[kind]}: yaml: construct errors:\n${found.join("\n")}`
    : null;
}
