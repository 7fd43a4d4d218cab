/**
 * Building blocks of the shared hybrid cluster world (talos-bootstrap-world.test.ts): Robot server
 * scenarios on addresses no other test uses, node configs with the KubeSpan patch, and a Talos
 * snapshot in the Cloud simulator. Contains no tests of its own.
 */
import { CloudClient } from "../../../../provider/hetzner/cloud";
import { seedTalos } from "../../../../provider/sim/machines/disk/seed-talos";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { SimWorld } from "../../../../provider/sim/types";
import { kubeSpanPatch, renderMachineConfig, RenderedConfig } from "../../../../provider/talos/config";
import { Talosctl } from "../../../../provider/talos/talosctl";

/** Talos version of every node. */
export const TALOS = "v1.13.9";
/** Where the admins sit (the test process talks from loopback). */
export const ADMIN = ["127.0.0.1/32"];
/** The cluster name. */
export const CLUSTER = "hybrid";
/**
 * Scenario numbers of the Robot servers: far from the 1..n other tests use, because every simulated
 * node binds its own loopback address and other test runs may be live on this machine.
 */
export const ROBOT_N = [4001, 4002, 4003, 4004];
/** Cloud addresses skipped for the same reason (127.20.0.<offset+2> onwards). */
export const CLOUD_ADDRESS_OFFSET = 170;
const MiB = 1024 * 1024;

/** Robot server `n` with 64 MiB disks; `talos` seeds the first with a metal image in maintenance mode, else it stays off. */
export function robotServer(n: number, o: { talos: boolean }) {
  const base = robotServerScenario(n);
  const seed = { talos: { version: TALOS, arch: "amd64" as const, platform: "metal" as const, configured: false } };
  const disks = base.machine.disks.map((d, i) => ({
    ...d,
    sizeBytes: 64 * MiB,
    seed: i === 0 && o.talos ? seed : ("empty" as const),
  }));
  return robotServerScenario(n, { machine: { disks, ...(o.talos ? {} : { power: "off" as const }) } });
}

/** Renders one node config of the cluster with the project's config engine (KubeSpan patch unless `kubespan` is false). */
export function renderNode(
  t: Talosctl,
  secretsYaml: string,
  endpointIp: string,
  role: "controlplane" | "worker",
  hostname: string,
  kubespan: boolean,
): Promise<RenderedConfig> {
  return renderMachineConfig(
    {
      clusterName: CLUSTER,
      endpoint: `https://${endpointIp}:6443`,
      role,
      talosVersion: TALOS,
      kubernetesVersion: "1.36.3",
      installImage: `ghcr.io/siderolabs/installer:${TALOS}`,
      installDisk: role === "controlplane" ? "/dev/nvme0n1" : undefined,
      hostname,
      secretsYaml,
      clusterPatches: kubespan ? [kubeSpanPatch({ talosVersion: TALOS })] : [],
      mode: role === "controlplane" ? "metal" : "cloud",
    },
    { generator: { genConfig: (o) => t.genConfig(o), validate: (c, m, s) => t.validate(c, m, s) } },
  );
}

/**
 * A snapshot of a Talos hcloud image: a builder server (never started) gets the image written onto
 * its disk — what TalosImage does through rescue and dd — then create_image, then the builder is deleted.
 */
export async function talosSnapshot(cloud: CloudClient, world: SimWorld): Promise<number> {
  const b = await cloud.servers.create({
    name: "talos-image-builder",
    serverType: "cx23",
    image: "ubuntu-24.04",
    location: "fsn1",
    startAfterCreate: false,
  });
  await cloud.actions.waitFor([b.action, ...b.nextActions], { timeoutMs: 30_000 });
  const m = world.machines.get(`cloud-${b.server.id}`)!;
  await seedTalos(
    {
      file: m.diskFile(0),
      disk: m.spec.disks[0],
      machine: m.spec,
      registerImage: (k, img) => world.servedImages.set(k, img),
    },
    { version: TALOS, arch: "amd64", platform: "hcloud", configured: false },
  );
  const img = await cloud.servers.createImage(b.server.id, {
    description: `talos ${TALOS} amd64`,
    labels: { os: "talos" },
  });
  await cloud.actions.waitFor([img.action], { timeoutMs: 30_000 });
  await cloud.actions.waitFor([await cloud.servers.delete(b.server.id)], { timeoutMs: 30_000 });
  return img.image.id;
}

/** Keys of a talosconfig or kubeconfig that must stay secret (client key and certificate data). */
export function credentialValues(text: string): string[] {
  return [...text.matchAll(/(?:^|\s)(?:key|crt|client-key-data|client-certificate-data): (\S+)/gm)].map((m) => m[1]);
}
