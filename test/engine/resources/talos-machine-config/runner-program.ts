/**
 * The program the runner tests of this folder run (program.test.ts, redaction.test.ts): TalosSecrets
 * "cluster" feeding TalosMachineConfig "cp-1" on the world's first node, and the runner options they share.
 */
import { TalosMachineConfig } from "../../../../provider/resources/talos-machine-config";
import { TalosSecrets } from "../../../../provider/resources/talos-secrets";
import { RunOptions } from "../../../../provider/sim/pulumi";
import { NodeWorld } from "./world";

/** The program with `nodePatches`; `outputs` picks the stack outputs (a test scanning them for secrets keeps them few). */
export function secretsAndConfig(
  w: NodeWorld,
  clusterName: string,
  nodePatches: string[],
  outputs: (mc: TalosMachineConfig, secrets: TalosSecrets) => Record<string, unknown>,
): () => Promise<Record<string, unknown>> {
  const n = w.nodes[0];
  return async () => {
    const secrets = new TalosSecrets("cluster", { talosVersion: n.version });
    const mc = new TalosMachineConfig("cp-1", {
      secretsYaml: secrets.secretsYaml,
      clusterName,
      endpoint: `https://${n.ip}:6443`,
      role: "controlplane",
      talosVersion: n.version,
      installDisk: n.installDisk,
      hostname: "cp-1",
      node: n.ip,
      nodePatches,
    });
    return outputs(mc, secrets);
  };
}

/** Runner options of one test file: state and working directory in `dir`, every line into `lines`. */
export function runnerBase(w: NodeWorld, dir: string, lines: string[]): Omit<RunOptions, "program" | "operation"> {
  return {
    stateFile: `${dir}/state.json`,
    passphrase: "pass",
    cwd: dir,
    log: (l) => lines.push(l),
    config: { "talos-hetzner:talosctl": w.sim.talosctl },
  };
}
