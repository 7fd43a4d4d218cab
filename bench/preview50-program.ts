/** The 50-node program both preview benchmarks run, and a talosctl wrapper that counts its processes. */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { TalosMachineConfig } from "../provider/resources/talos-machine-config";

/** `nodes` TalosMachineConfigs (3 control planes, the rest workers, user-data delivery); node `changed` gets another label. */
export function previewProgram(nodes: number, changed?: number): () => void {
  return () => {
    const secretsYaml = new pulumi.Config().requireSecret("secretsYaml");
    for (let i = 0; i < nodes; i++) {
      new TalosMachineConfig(`node-${i}`, {
        secretsYaml,
        clusterName: "bench",
        endpoint: "https://10.0.0.1:6443",
        role: i < 3 ? "controlplane" : "worker",
        talosVersion: "v1.13.9",
        delivery: "user-data",
        hostname: `node-${i}`,
        nodePatches: [`machine:\n  nodeLabels:\n    rack: r${i === changed ? "changed" : i % 4}\n`],
      });
    }
  };
}

/** A script in `dir` that records each run, then runs `talosctl`; `spawns()` counts the runs so far. */
export function countingTalosctl(dir: string, talosctl: string): { wrapper: string; spawns: () => number } {
  const count = path.join(dir, "spawns");
  const wrapper = path.join(dir, "talosctl");
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$1" >> '${count}'\nexec '${talosctl}' "$@"\n`, { mode: 0o755 });
  const spawns = () => (fs.existsSync(count) ? fs.readFileSync(count, "utf8").split("\n").filter(Boolean).length : 0);
  return { wrapper, spawns };
}
