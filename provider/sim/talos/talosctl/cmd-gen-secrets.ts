/** `talosctl gen secrets` (contracts/talosctl.md §2). */
import * as path from "path";
import { loadConfig, str } from "../config-docs";
import { SecretsBundle, generateSecrets, secretsYaml } from "../gen/secrets";
import { TalosVersion, parseVersion } from "../versions";
import { Command, RunContext, noArgs } from "./command";
import { checkOverwrite, readFileGo, writeFileGo } from "./files";

/** `--talos-version` as a version contract; talosctl's exact parse error. */
export function contractFlag(ctx: RunContext): TalosVersion {
  const raw = ctx.flags.values["talos-version"] as string;
  if (!raw) return ctx.client;
  const v = raw.startsWith("v") ? raw : `v${raw}`;
  const parsed = /^v(\d+)\.(\d+)($|\.)/.test(v) ? parseVersion(v) : null;
  if (!parsed) throw new Error(`invalid talos-version: error parsing version ${JSON.stringify(v)}`);
  return parsed;
}

function fromControlplane(file: string): SecretsBundle {
  let cfg;
  try {
    cfg = loadConfig(readFileGo(file));
  } catch (e) {
    throw new Error(`failed to load controlplane config: ${(e as Error).message}`);
  }
  const s = (p: string) => str(cfg, p);
  return {
    cluster: { id: s("cluster.id"), secret: s("cluster.secret") },
    secrets: s("cluster.aescbcEncryptionSecret")
      ? { bootstraptoken: s("cluster.token"), aescbcencryptionsecret: s("cluster.aescbcEncryptionSecret") }
      : { bootstraptoken: s("cluster.token"), secretboxencryptionsecret: s("cluster.secretboxEncryptionSecret") },
    trustdinfo: { token: s("machine.token") },
    certs: {
      etcd: { crt: s("cluster.etcd.ca.crt"), key: s("cluster.etcd.ca.key") },
      k8s: { crt: s("cluster.ca.crt"), key: s("cluster.ca.key") },
      k8saggregator: { crt: s("cluster.aggregatorCA.crt"), key: s("cluster.aggregatorCA.key") },
      k8sserviceaccount: { key: s("cluster.serviceAccount.key") },
      os: { crt: s("machine.ca.crt"), key: s("machine.ca.key") },
    },
  };
}

async function run(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const contract = contractFlag(ctx);
  if (f["from-kubernetes-pki"])
    throw new Error("failed to create secrets bundle: --from-kubernetes-pki is not supported by the simulator");
  const bundle = f["from-controlplane-config"]
    ? fromControlplane(f["from-controlplane-config"] as string)
    : generateSecrets(contract);
  const out = f["output-file"] as string;
  const yaml = secretsYaml(bundle);
  if (out === "-" && ctx.client.minor >= 12) return void ctx.io.out(yaml);
  const file = path.resolve(ctx.cwd, out);
  checkOverwrite(file, f.force as boolean, out);
  writeFileGo(file, yaml, 0o600);
}

/** The command definition. */
export const genSecretsCommand: Command = {
  name: "secrets",
  short: "Generates a secrets bundle file which can later be used to generate a config",
  args: (a) => noArgs(a, "", "talosctl gen secrets"),
  flags: [
    {
      name: "output-file",
      short: "o",
      type: "string",
      def: "secrets.yaml",
      usage: 'path of the output file, or "-" for stdout',
    },
    {
      name: "talos-version",
      type: "string",
      usage: "the desired Talos version to generate secrets bundle for (backwards compatibility, e.g. v0.8)",
    },
    {
      name: "from-controlplane-config",
      type: "string",
      usage: "use the provided controlplane Talos machine configuration as input",
    },
    {
      name: "from-kubernetes-pki",
      short: "p",
      type: "string",
      usage: "use a Kubernetes PKI directory (e.g. /etc/kubernetes/pki) as input",
    },
    {
      name: "kubernetes-bootstrap-token",
      short: "t",
      type: "string",
      usage: "use the provided bootstrap token as input",
    },
  ],
  run,
};
