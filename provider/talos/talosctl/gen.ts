/** Typed helpers for talosctl's local commands: `gen secrets`, `gen config`, `validate`. */
import * as fs from "fs";
import * as path from "path";
import type { Talosctl } from ".";
import { TalosConfigInvalidError, errorFromRun } from "./errors";
import { withTempDir, writePrivate } from "./exec";

/** Inputs of `genConfig`. */
export interface GenConfigOptions {
  clusterName: string;
  /** `https://host:port` of the Kubernetes API. */
  endpoint: string;
  secretsYaml: string;
  /** Version contract (`v1.13.9` / `v1.13`): decides the document layout. */
  talosVersion: string;
  /** Without leading `v`. */
  kubernetesVersion: string;
  installImage: string;
  /** Install disk; omitted → talosctl's default `/dev/sda`, `""` → none. */
  installDisk?: string;
  withKubespan?: boolean;
  additionalSans?: string[];
}

/** The three outputs of one `gen config` run. */
export interface GeneratedConfigs {
  controlplane: string;
  worker: string;
  talosconfig: string;
}

/** `gen secrets` (stdout with `-o -` from client v1.12, a private temp file before). */
export async function genSecrets(t: Talosctl, talosVersion: string): Promise<string> {
  if ((await t.clientMinor()) >= 12)
    return (await t.run(["gen", "secrets", "-o", "-", "--talos-version", talosVersion])).stdout;
  return withTempDir(async (dir) => {
    const file = path.join(dir, "secrets.yaml");
    await t.run(["gen", "secrets", "-o", file, "--talos-version", talosVersion]);
    return fs.readFileSync(file, "utf8");
  });
}

/** `gen config` into a private temp dir; returns all three files' content. */
export async function genConfig(t: Talosctl, o: GenConfigOptions): Promise<GeneratedConfigs> {
  return withTempDir(async (dir) => {
    const secrets = writePrivate(path.join(dir, "secrets.yaml"), o.secretsYaml);
    const out = path.join(dir, "out");
    const args = [
      "gen",
      "config",
      o.clusterName,
      o.endpoint,
      "--with-secrets",
      secrets,
      "--talos-version",
      o.talosVersion,
      "--kubernetes-version",
      o.kubernetesVersion,
      "--install-image",
      o.installImage,
      "--with-docs=false",
      "--with-examples=false",
      "-o",
      out,
    ];
    if (o.installDisk !== undefined) args.push("--install-disk", o.installDisk);
    if (o.withKubespan) args.push("--with-kubespan");
    if (o.additionalSans?.length) args.push("--additional-sans", o.additionalSans.join(","));
    await t.run(args);
    const read = (name: string) => fs.readFileSync(path.join(out, name), "utf8");
    return { controlplane: read("controlplane.yaml"), worker: read("worker.yaml"), talosconfig: read("talosconfig") };
  });
}

/** Talos's problems from validate's multierror text (`\t* v1alpha1.Config: ...` nesting flattened). */
export function validationProblems(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("\t* "))
    .map((l) => l.slice(3))
    .map((l) => l.replace(/^v1alpha1\.Config: \d+ errors? occurred:$/, ""))
    .filter(Boolean);
}

/** `validate -m <mode>`: returns warnings; throws TalosConfigInvalidError. */
export async function validate(
  t: Talosctl,
  config: string,
  mode: "metal" | "cloud",
  strict: boolean,
): Promise<string[]> {
  return withTempDir(async (dir) => {
    const file = writePrivate(path.join(dir, "config.yaml"), config);
    const res = await t.run(["validate", "-c", file, "-m", mode, ...(strict ? ["--strict"] : [])], {
      allowFailure: true,
    });
    const warnings = res.stderr
      .split("\n")
      .filter((l) => l.startsWith("WARNING: "))
      .map((l) => l.slice(9));
    if (res.exitCode === 0) return warnings;
    const problems = validationProblems(res.stderr);
    if (!problems.length) throw errorFromRun("validate", res.exitCode, res.stderr);
    throw new TalosConfigInvalidError(mode, problems);
  });
}

// gen config needs some cluster endpoint; the talosconfig does not depend on it.
const ANY_ENDPOINT = "https://talosconfig.invalid:6443";

/** `gen config <cluster> <any endpoint> --with-secrets <file> -t talosconfig -o -`: only the admin talosconfig, on stdout. */
export function talosconfigArgs(clusterName: string, secretsFile: string): string[] {
  return ["gen", "config", clusterName, ANY_ENDPOINT, "--with-secrets", secretsFile, "-t", "talosconfig", "-o", "-"];
}
