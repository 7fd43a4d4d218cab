/**
 * A simulated Talos v1.13.9 cluster configured, bootstrapped and with a kubeconfig, all through the
 * real talosctl (for the upgrade-k8s suites): control planes first, then workers.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl, TalosctlRun } from "../../../../helpers/real-talosctl";
import { SimTalosRuntime, installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";
import { missingRealApi, untilValue } from "./support";

/** Why the suite cannot run here (the resources upgrade-k8s reads need a newer npm run tools), or null. */
export const missing = (): string | null => missingRealApi("StaticPods.kubernetes.talos.dev");

/** The running cluster: talosctl as admin through the first control plane, the machines, the runtime. */
export interface K8sCluster {
  rt: SimTalosRuntime;
  /** The real talosctl and the directory with the cluster's talosconfig. */
  bin: string;
  dir: string;
  machines: TalosTestMachine[];
  admin(...args: string[]): Promise<TalosctlRun>;
  destroy(): Promise<void>;
}

async function machine(world: FakeWorld, id: string, ip: string): Promise<TalosTestMachine> {
  const m = new TalosTestMachine(world, testMachineSpec(id, ip), {
    version: "v1.13.9",
    arch: "amd64",
    platform: "metal",
    schematic: "s",
  });
  world.machines.set(id, m);
  await m.start();
  return m;
}

/** Builds the cluster at Kubernetes `kubernetes` (gen config --kubernetes-version). */
export async function k8sCluster(
  name: string,
  cps: string[],
  workers: string[],
  kubernetes: string,
): Promise<K8sCluster> {
  const bin = realTalosctlPath() as string;
  const world = new FakeWorld(0.01);
  const rt = installTalosRuntime(world);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `grpc-${name}-`));
  const talosctl = (args: string[]): Promise<TalosctlRun> => runTalosctl(bin, args, dir);
  const admin = (...args: string[]) => talosctl(["--talosconfig", "talosconfig", "-e", cps[0], "-n", cps[0], ...args]);
  const machines: TalosTestMachine[] = [];
  const gen = ["gen", "config", name, `https://${cps[0]}:6443`, "--kubernetes-version", kubernetes];
  assert.strictEqual((await talosctl(gen)).code, 0);
  const nodes = [...cps.map((ip) => [ip, "controlplane.yaml"]), ...workers.map((ip) => [ip, "worker.yaml"])];
  for (const [i, [ip, file]] of nodes.entries()) {
    const m = await machine(world, `${name}-${i}`, ip);
    machines.push(m);
    const apply = await talosctl(["apply-config", "--insecure", "-n", ip, "-f", file]);
    assert.strictEqual(apply.code, 0, apply.stderr);
    await untilValue(
      `${ip} configured`,
      async () => rt.node(m.id)?.maintenance,
      (x) => x === false,
    );
    if (i === 0)
      await untilValue(
        "bootstrapped",
        () => admin("bootstrap"),
        (r) => r.code === 0,
      );
  }
  await untilValue(
    "kubeconfig",
    () => admin("kubeconfig", "."),
    (r) => r.code === 0,
  );
  return {
    rt,
    bin,
    dir,
    machines,
    admin,
    destroy: async () => {
      for (const m of machines) await m.destroy();
    },
  };
}
