/** `talosctl gen config <cluster name> <cluster endpoint>` (contracts/talosctl.md §4). */
import * as path from "path";
import { generateBundle, withComments } from "../gen/config";
import { GenInput } from "../gen/v1alpha1";
import { SecretsBundle, generateSecrets, parseSecrets, validateSecrets } from "../gen/secrets";
import { multierror } from "../multierror";
import { TalosVersion, defaultKubernetesVersion } from "../versions";
import { Command, RunContext, exactArgs } from "./command";
import { contractFlag } from "./cmd-gen-secrets";
import { validateClusterEndpoint } from "./endpoint";
import { checkOverwrite, readFileGo, writeFileGo } from "./files";
import { FlagDef } from "./flags";
import { PatchLoadError, applyPatches, loadPatches } from "./patches";

const TYPES = ["controlplane", "worker", "talosconfig"] as const;
type OutputType = (typeof TYPES)[number];
const FILE_NAMES: Record<OutputType, string> = {
  controlplane: "controlplane.yaml",
  worker: "worker.yaml",
  talosconfig: "talosconfig",
};

function outputTypes(raw: string[]): OutputType[] {
  for (const t of raw)
    if (!(TYPES as readonly string[]).includes(t)) throw new Error(`invalid output type: ${JSON.stringify(t)}`);
  if (!raw.length) throw new Error("at least one output type must be specified");
  return TYPES.filter((t) => raw.includes(t));
}

function loadBundle(ctx: RunContext, contract: GenInput["contract"]): SecretsBundle {
  const file = ctx.flags.values["with-secrets"] as string;
  if (!file) return generateSecrets(contract);
  let bundle: SecretsBundle;
  try {
    bundle = parseSecrets(readFileGo(path.resolve(ctx.cwd, file)));
  } catch (e) {
    throw new Error(
      `failed to load secrets bundle: ${(e as Error).message.replace(path.resolve(ctx.cwd, file), file)}`,
    );
  }
  const problems = ctx.client.minor >= 11 ? validateSecrets(bundle) : [];
  if (problems.length) throw new Error(`failed to validate secrets bundle: ${multierror(problems)}`);
  return bundle;
}

function mirrors(specs: string[]): GenInput["registryMirrors"] {
  return specs.map((s) => {
    const i = s.indexOf("=");
    if (i <= 0) throw new Error(`invalid registry mirror spec: ${JSON.stringify(s)}`);
    return { host: s.slice(0, i), url: s.slice(i + 1) };
  });
}

function genInput(ctx: RunContext): GenInput {
  const f = ctx.flags.values;
  const contract = contractFlag(ctx);
  return {
    clusterName: ctx.args[0],
    endpoint: ctx.args[1],
    secrets: loadBundle(ctx, contract),
    contract,
    kubernetesVersion: ((f["kubernetes-version"] as string) || defaultKubernetesVersion(ctx.client)).replace(/^v/, ""),
    installDisk: f["install-disk"] as string,
    installImage: (f["install-image"] as string) || `ghcr.io/siderolabs/installer:${ctx.env.TAG || ctx.client.tag}`,
    dnsDomain: f["dns-domain"] as string,
    additionalSans: f["additional-sans"] as string[],
    discovery: f["with-cluster-discovery"] as boolean,
    kubespan: f["with-kubespan"] as boolean,
    registryMirrors: mirrors(f["registry-mirror"] as string[]),
  };
}

function patched(ctx: RunContext, outputs: Record<OutputType, string>): Record<OutputType, string> {
  const f = ctx.flags.values;
  let common: string[], cp: string[], worker: string[];
  try {
    [common, cp, worker] = ["config-patch", "config-patch-control-plane", "config-patch-worker"].map((k) =>
      loadPatches(f[k] as string[]),
    );
  } catch (e) {
    const msg = e instanceof PatchLoadError ? e.message : (e as Error).message;
    throw new Error(`failed to generate config bundle: error parsing config JSON patch: ${msg}`);
  }
  try {
    return {
      ...outputs,
      controlplane: applyPatches(outputs.controlplane, [...common, ...cp]),
      worker: applyPatches(outputs.worker, [...common, ...worker]),
    };
  } catch (e) {
    throw new Error(`failed to generate config bundle: error patching configs: ${(e as Error).message}`);
  }
}

function destinations(ctx: RunContext, types: OutputType[]): Record<string, string> {
  const f = ctx.flags.values;
  const out = f.output as string;
  const dir = f["output-dir"] as string;
  if (out && dir) throw new Error("can't use both output-dir and output");
  if (out === "-" && types.length > 1) throw new Error("can't use multiple output types with stdout");
  const dest: Record<string, string> = {};
  for (const t of types)
    dest[t] = out && !dir && types.length === 1 ? out : path.join(dir || out || ctx.cwd, FILE_NAMES[t]);
  return dest;
}

async function run(ctx: RunContext): Promise<void> {
  validateClusterEndpoint(ctx.args[1]);
  const f = ctx.flags.values;
  if (f.version !== "v1alpha1") throw new Error(`unknown config version: ${JSON.stringify(f.version)}`);
  const types = outputTypes(f["output-types"] as string[]);
  const dest = destinations(ctx, types);
  const input = genInput(ctx);
  // bundle.NewBundle with Verbose (pkg/machinery/config/bundle/bundle.go), also with --with-secrets and -o -.
  ctx.io.err("generating PKI and tokens\n");
  const outputs = patched(ctx, generateBundle(input, ctx.client));
  for (const t of types) {
    const text =
      t === "talosconfig"
        ? outputs.talosconfig
        : withComments(outputs[t], f["with-docs"] as boolean, f["with-examples"] as boolean);
    const content =
      f.persist === false && t !== "talosconfig" ? text.replace(/^persist: true$/m, "persist: false") : text;
    if (dest[t] === "-") {
      ctx.io.out(content);
      continue;
    }
    const abs = path.resolve(ctx.cwd, dest[t]);
    checkOverwrite(abs, f.force as boolean, dest[t]);
    let err: unknown;
    try {
      writeFileGo(abs, content, 0o644);
    } catch (e) {
      err = e;
    }
    ctx.io.err(`Created ${dest[t]}\n`);
    if (err) throw err;
  }
}

function flags(ctx: { client: TalosVersion }): FlagDef[] {
  const defs: FlagDef[] = [
    { name: "additional-sans", type: "strings", usage: "additional Subject-Alt-Names for the APIServer certificate" },
    {
      name: "config-patch",
      type: "stringArray",
      usage: "patch generated machineconfigs (applied to all node types), use @file to read a patch from file",
    },
    {
      name: "config-patch-control-plane",
      type: "stringArray",
      usage: "patch generated machineconfigs (applied to 'init' and 'controlplane' types)",
    },
    {
      name: "config-patch-worker",
      type: "stringArray",
      usage: "patch generated machineconfigs (applied to 'worker' type)",
    },
    { name: "dns-domain", type: "string", def: "cluster.local", usage: "the dns domain to use for cluster" },
    { name: "install-disk", type: "string", def: "/dev/sda", usage: "the disk to install to" },
    {
      name: "install-image",
      type: "string",
      def: `ghcr.io/siderolabs/installer:${ctx.client.tag}`,
      usage: "the image used to perform an installation",
    },
    {
      name: "kubernetes-version",
      type: "string",
      def: defaultKubernetesVersion(ctx.client),
      usage: "desired kubernetes version to run",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      usage:
        'destination to output generated files. when multiple output types are specified, it must be a directory. for a single output type, it must either be a file path, or "-" for stdout',
    },
    { name: "output-dir", type: "string", usage: "destination to output generated files", hidden: true },
    {
      name: "output-types",
      short: "t",
      type: "strings",
      def: [...TYPES],
      usage: 'types of outputs to be generated. valid types are: ["controlplane" "worker" "talosconfig"]',
    },
    {
      name: "registry-mirror",
      type: "strings",
      usage: "list of registry mirrors to use in format: <registry host>=<mirror URL>",
    },
    {
      name: "talos-version",
      type: "string",
      usage: "the desired Talos version to generate config for (backwards compatibility, e.g. v0.8)",
    },
    { name: "version", type: "string", def: "v1alpha1", usage: "the desired machine config version to generate" },
    { name: "with-cluster-discovery", type: "bool", def: true, usage: "enable cluster discovery feature" },
    {
      name: "with-docs",
      type: "bool",
      def: true,
      usage: "renders all machine configs adding the documentation for each field",
    },
    {
      name: "with-examples",
      type: "bool",
      def: true,
      usage: "renders all machine configs with the commented examples",
    },
    { name: "with-kubespan", type: "bool", usage: "enable KubeSpan feature" },
    { name: "with-secrets", type: "string", usage: "use a secrets file generated using 'gen secrets'" },
  ];
  if (ctx.client.minor <= 12)
    defs.push({ name: "persist", short: "p", type: "bool", def: true, usage: "the desired persist value for configs" });
  return defs;
}

/** The command definition for a client version. */
export function genConfigCommand(client: TalosVersion): Command {
  return {
    name: "config",
    useArgs: "<cluster name> <cluster endpoint>",
    short: "Generates a set of configuration files for Talos cluster",
    args: exactArgs(2),
    flags: flags({ client }),
    run,
  };
}
