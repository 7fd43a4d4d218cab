/**
 * Talos's config decoder rules (pkg/machinery/config/configloader/internal/decoder/decoder.go at
 * v1.13.9), as `validate` and a node's apply report them: every document gets an id
 * `<apiVersion>/<kind or "v1alpha1">/<name>`; a repeated id is `duplicate document … is not allowed
 * (line N)`; a kind/apiVersion pair outside Talos's registry is `"<kind>" "<apiVersion>": not
 * registered`. N is the line where the document's mapping starts. Null documents are skipped.
 * Unknown keys of the v1alpha1 document are checked two levels deep (decoder-keys.ts), a few typed
 * values as Go parses them (decoder-types.ts); not modelled: other documents' unknown keys and types.
 */
import * as YAML from "yaml";
import { unknownKeysProblem } from "./decoder-keys";
import { constructProblem } from "./decoder-types";
import { Data } from "./yaml";

// Kinds registered by pkg/machinery/config/types/* (registry.Register), all with apiVersion v1alpha1.
const REGISTERED = new Set([
  "BlackholeRouteConfig",
  "BondConfig",
  "BridgeConfig",
  "DHCPv4Config",
  "DHCPv6Config",
  "DummyLinkConfig",
  "EnvironmentConfig",
  "EthernetConfig",
  "EventSinkConfig",
  "ExistingVolumeConfig",
  "ExtensionServiceConfig",
  "ExternalVolumeConfig",
  "HCloudVIPConfig",
  "HostnameConfig",
  "ImageVerificationConfig",
  "KmsgLogConfig",
  "KubeSpanConfig",
  "KubeSpanEndpointsConfig",
  "Layer2VIPConfig",
  "LinkAliasConfig",
  "LinkConfig",
  "NetworkDefaultActionConfig",
  "NetworkRuleConfig",
  "OOMConfig",
  "PCIDriverRebindConfig",
  "RawVolumeConfig",
  "RegistryAuthConfig",
  "RegistryMirrorConfig",
  "RegistryTLSConfig",
  "ResolverConfig",
  "RoutingRuleConfig",
  "SideroLinkConfig",
  "StaticHostConfig",
  "SwapVolumeConfig",
  "TCPProbeConfig",
  "TimeSyncConfig",
  "TrustedRootsConfig",
  "UserVolumeConfig",
  "VLANConfig",
  "VRFConfig",
  "VolumeConfig",
  "WatchdogTimerConfig",
  "WireguardConfig",
  "ZswapConfig",
]);

const LEGACY_KEYS = ["machine", "cluster", "debug", "persist"];

const scalar = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** decode()'s verdict on one mapping: null when Talos's registry knows the document. */
function decodeProblem(doc: Record<string, unknown>): string | null {
  let version = scalar(doc.apiVersion);
  const kind = scalar(doc.kind);
  if (LEGACY_KEYS.some((k) => k in doc)) version = "v1alpha1";
  if (version === "v1alpha1" && kind === "") return null;
  if (kind === "") return "missing kind";
  if (version === "") return "missing apiVersion";
  return version === "v1alpha1" && REGISTERED.has(kind)
    ? null
    : `${JSON.stringify(kind)} ${JSON.stringify(version)}: not registered`;
}

/** Checks the documents of `text` as Talos's decoder does; throws its error text. Returns the non-null documents. */
export function decodeDocuments(text: string): Data[] {
  const lines = new YAML.LineCounter();
  const seen = new Set<string>();
  const out: Data[] = [];
  for (const d of YAML.parseAllDocuments(text, { version: "1.2", lineCounter: lines }) as YAML.Document[]) {
    if (d.errors.length) throw new Error(d.errors[0].message.split("\n")[0]);
    const v = d.toJS({ maxAliasCount: 100 }) as Data | undefined;
    if (v === null || v === undefined) continue;
    const line = d.contents?.range ? lines.linePos(d.contents.range[0]).line : 1;
    if (typeof v !== "object" || Array.isArray(v)) throw new Error(`expected a YAML document at line ${line}`);
    const doc = v as Record<string, unknown>;
    const id = `${scalar(doc.apiVersion)}/${scalar(doc.kind) || "v1alpha1"}/${scalar(doc.name)}`;
    if (seen.has(id)) throw new Error(`duplicate document ${id} is not allowed (line ${line})`);
    seen.add(id);
    const problem =
      decodeProblem(doc) ??
      constructProblem(d, scalar(doc.kind), lines) ??
      (scalar(doc.kind) === "" ? unknownKeysProblem(d) : null);
    if (problem) throw new Error(`error decoding document ${id} (line ${line}): ${problem}`);
    out.push(v);
  }
  return out;
}
