/** The talosconfig file (contracts/talosctl.md §4 talosconfig, §17): admin client cert signed by the os CA. */
import { b64, issue, unb64 } from "../pki/cert";
import { Data, DataMap, encodeYaml, isDataMap, parseDocs } from "../yaml";
import { B64Pair } from "./secrets";

const ONE_YEAR = 365 * 24 * 3600 * 1000;

/** One context of a talosconfig. */
export interface TalosContext {
  endpoints: string[];
  nodes?: string[];
  ca?: string;
  crt?: string;
  key?: string;
}

/** A parsed talosconfig. */
export interface TalosConfigFile {
  context: string;
  contexts: Record<string, TalosContext>;
}

/** Issues an `os:admin` client certificate (Ed25519, 1 year) from the Talos API CA (base64 PEMs). */
export function adminClientCert(osCA: B64Pair): B64Pair {
  const pair = issue({ crt: unb64(osCA.crt), key: unb64(osCA.key) }, "ed25519", {
    subject: { O: ["os:admin"] },
    validityMs: ONE_YEAR,
    clientAuth: true,
    serverAuth: false,
  });
  return { crt: b64(pair.crt), key: b64(pair.key) };
}

/** A new talosconfig with one context named after the cluster. */
export function newTalosconfig(clusterName: string, osCA: B64Pair, endpoints: string[]): TalosConfigFile {
  const admin = adminClientCert(osCA);
  return {
    context: clusterName,
    contexts: { [clusterName]: { endpoints, ca: osCA.crt, crt: admin.crt, key: admin.key } },
  };
}

/** Encodes a talosconfig like talosctl (4-space YAML, `endpoints` always present, others omitempty). */
export function encodeTalosconfig(cfg: TalosConfigFile): string {
  const contexts: DataMap = {};
  for (const [name, c] of Object.entries(cfg.contexts)) {
    const out: DataMap = { endpoints: c.endpoints ?? [] };
    if (c.nodes?.length) out.nodes = c.nodes;
    for (const k of ["ca", "crt", "key"] as const) if (c[k]) out[k] = c[k] as string;
    contexts[name] = out;
  }
  return encodeYaml({ context: cfg.context, contexts } as Data);
}

/** Parses a talosconfig text (an empty text is an empty config). */
export function parseTalosconfig(text: string): TalosConfigFile {
  const doc = parseDocs(text)[0];
  if (!isDataMap(doc)) return { context: "", contexts: {} };
  const contexts = isDataMap(doc.contexts) ? (doc.contexts as unknown as Record<string, TalosContext>) : {};
  return { context: typeof doc.context === "string" ? doc.context : "", contexts };
}
