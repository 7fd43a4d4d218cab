/** `gen config` output per role: documents, optional doc comments, and the bundle of all outputs. */
import { TalosVersion, atLeast } from "../versions";
import { Data, DataMap, encodeDocs } from "../yaml";
import { GenInput, Role, extraDocs, v1alpha1Doc } from "./v1alpha1";
import { encodeTalosconfig, newTalosconfig } from "./talosconfig";

export { GenInput, Role } from "./v1alpha1";

/** Field documentation used when `--with-docs` is on (a short subset of Talos's docs). */
const DOCS: Record<string, string> = {
  version: "Indicates the schema used to decode the contents.",
  debug: "Enable verbose logging to the console.",
  "machine.type": "Defines the role of the machine within the cluster.",
  "machine.token": "The `token` is used by a machine to join the PKI of the cluster.",
  "machine.certSANs": "Extra certificate subject alternative names for the machine's certificate.",
  "cluster.clusterName": "Configures the cluster's name.",
  "cluster.token":
    "The [bootstrap token](https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/) used to join the cluster.",
};
const SECTIONS: Record<string, string> = {
  machine: "Provides machine specific configuration options.",
  cluster: "Provides cluster specific configuration options.",
};
const EXAMPLES: Record<string, string> = {
  "machine.install":
    "# # Allows for supplying extra kernel args via the bootloader.\n# extraKernelArgs:\n#     - talos.platform=metal\n#     - reboot=k",
};

/** The documents of one role. */
export function roleDocs(g: GenInput, role: Role): DataMap[] {
  return [v1alpha1Doc(g, role), ...extraDocs(g)];
}

/** Adds `# doc` comments (and commented examples) to the v1alpha1 part of an encoded config. */
export function withComments(yaml: string, docs: boolean, examples: boolean): string {
  if (!docs && !examples) return yaml;
  const path: string[] = [];
  const out: string[] = [];
  for (const line of yaml.split("\n")) {
    const m = /^( *)([A-Za-z][\w.-]*):/.exec(line);
    if (line === "---") path.length = 0;
    if (!m || m[1].length % 4 !== 0) {
      out.push(line);
      continue;
    }
    const depth = m[1].length / 4;
    path.length = depth;
    path[depth] = m[2];
    const key = path.join(".");
    if (docs && SECTIONS[key]) out.push(`${m[1]}# ${SECTIONS[key]}`);
    out.push(docs && DOCS[key] ? `${line} # ${DOCS[key]}` : line);
    if (examples && EXAMPLES[key]) out.push(...EXAMPLES[key].split("\n").map((l) => `${m[1]}    ${l}`));
  }
  return out.join("\n");
}

/** Encoded controlplane/worker configs and talosconfig of one `gen config` run. */
export interface GeneratedBundle {
  controlplane: string;
  worker: string;
  talosconfig: string;
}

/** Generates all three outputs without comments; `client` decides the talosconfig endpoints default (v1.7+: none). */
export function generateBundle(g: GenInput, client: TalosVersion): GeneratedBundle {
  const render = (role: Role) => encodeDocs(roleDocs(g, role) as Data[]);
  const tc = newTalosconfig(g.clusterName, g.secrets.certs.os, atLeast(client, 1, 7) ? [] : ["127.0.0.1"]);
  return { controlplane: render("controlplane"), worker: render("worker"), talosconfig: encodeTalosconfig(tc) };
}
