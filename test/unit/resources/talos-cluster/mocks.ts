/**
 * The TalosCluster mock harness: runs a program under `pulumi.runtime.setMocks` with deterministic fake
 * outputs per child type and records every registration, its options and the stack outputs.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runProgramOnce, resolveOutput } from "../../../../provider/sim/pulumi/program";
import { pulumiFile } from "../../../../provider/sim/pulumi/pulumi-internals";
import { isSecret } from "../../../../provider/sim/pulumi/values";
import { pollUntil } from "../../../../provider/internal/poll";

export const EXAMPLE = path.resolve(__dirname, "../../../../../examples/hybrid-cluster");
export const PROJECT = "talos-hetzner-hybrid";
export const SECRETS_YAML = "cluster:\n  token: unit-secrets-bundle-8c1f2a\n";
export const KUBECONFIG = "kubeconfig: client-key-data unit-5d2e90";
export const TALOSCONFIG = "talosconfig: admin key unit-77aa31";
export const ADMIN = ["198.51.100.0/24"];
export const DYN = "pulumi-nodejs:dynamic/talos-hetzner:";
export const SERVER = "hcloud:index/server:Server";
export const FIREWALL = "hcloud:index/firewall:Firewall";
export const CLUSTER = "pulumi-talos-hetzner:index:TalosCluster";

export type Props = Record<string, any>;
export interface Recorded {
  type: string;
  name: string;
  inputs: Props;
}
/** A registration's resource options as the monitor received them (dependencies by child name). */
export interface Options {
  dependsOn: string[];
  ignoreChanges: string[];
}

export const POOL = { serverType: "cx33", location: "fsn1" };
/** The hybrid example's apply configs (two Cloud workers) in roll order. */
export const ROLL_CONFIGS = [
  "hybrid-cp-0-config",
  "hybrid-cp-1-config",
  "hybrid-cp-2-config",
  "hybrid-cloud-0-node",
  "hybrid-cloud-1-node",
];
/** What a config waits for in the roll: the snapshot and earlier configs (not its server or firewall). */
export const rollDepsOf = (options: Map<string, Options>, name: string): string[] =>
  options.get(name)!.dependsOn.filter((d) => /^hybrid-(image|cp-\d-config|cloud-\d-node)$/.test(d));
export const cpNumber = (i: number) => 2321001 + i;
export const cpIp = (i: number) => `10.0.0.${i + 2}`;
export const cloudIp = (name: string) => `203.0.113.${Number(name.split("-").pop()) + 10}`;
export const userDataOf = (name: string) => `#talos user-data of ${name} with keys unit-${name.length}`;

/** Fake outputs per child type, deterministic in the child's name or inputs (not in registration order). */
/** When the fake RobotServers were installed: long ago unless a test installs them in its own run. */
let installedAt: () => string = () => "2026-01-01T00:00:00.000Z";
/** Makes the fake RobotServers report an install time from `f` (reset with `undefined`). */
export function setInstalledAt(f: (() => string) | undefined): void {
  installedAt = f ?? (() => "2026-01-01T00:00:00.000Z");
}

export function outputsFor(r: Recorded): Props {
  const kind = r.type.startsWith(DYN) ? r.type.slice(DYN.length) : r.type;
  const i = Number(r.inputs.serverNumber) - 2321001;
  switch (kind) {
    case "RobotServer":
      return {
        ipv4: cpIp(i),
        installDiskPath: `/dev/disk/by-id/nvme-eui.${i}`,
        networkPatch: `# routes of ${cpIp(i)}\n`,
        installedAt: installedAt(),
      };
    case "TalosSecrets":
      return { secretsYaml: pulumi.secret(SECRETS_YAML) };
    case "TalosImage":
      return { imageId: 987654 };
    case "TalosMachineConfig":
      return r.inputs.delivery === "user-data"
        ? { userData: pulumi.secret(userDataOf(r.name.replace(/-config$/, ""))) }
        : {};
    case SERVER:
      return { ipv4Address: cloudIp(r.name) };
    case "TalosBootstrap":
      return { kubeconfig: pulumi.secret(KUBECONFIG), talosconfig: pulumi.secret(TALOSCONFIG) };
    case "KubeSpanMesh":
      return { mesh: [], table: "" };
    default:
      return {};
  }
}

export function idFor(r: Recorded): string {
  if (r.type === SERVER) return String(5000 + Number(r.name.split("-").pop()));
  if (r.type === FIREWALL) return "77";
  return r.type.endsWith(":RobotServer") ? String(r.inputs.serverNumber) : `${r.name}-id`;
}

/** Runs a program under mocks with stack config; returns every registration (providers excluded), the URNs and the resolved exports. */
export async function runUnderMocks(
  program: () => Promise<Record<string, unknown>>,
  config: Record<string, string>,
  expected: number,
): Promise<{ recorded: Recorded[]; urns: string[]; outputs: Props; options: Map<string, Options> }> {
  const recorded: Recorded[] = [];
  const options = new Map<string, Options>();
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        const r = { type: a.type, name: a.name, inputs: a.inputs };
        if (!a.type.startsWith("pulumi:providers:")) recorded.push(r);
        return { id: a.custom ? idFor(r) : "", state: { ...a.inputs, ...outputsFor(r) } };
      },
      call: (a) => a.inputs,
    },
    PROJECT,
    "dev",
    false,
  );
  recordOptions(pulumiFile("runtime/settings.js").getMonitor(), options);
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
  const exported = await program();
  const outputs: Props = {};
  for (const [k, v] of Object.entries(exported)) outputs[k] = await resolveOutput(v);
  await pollUntil(async () => (recorded.length >= expected ? true : undefined), {
    what: `${expected} registrations (have ${recorded.length})`,
    timeoutMs: 10000,
    initialMs: 5,
    maxMs: 50,
  });
  await new Promise((r) => setTimeout(r, 50));
  const monitor = pulumiFile("runtime/settings.js").getMonitor();
  return {
    recorded,
    urns: [...monitor.resources.keys()].filter((u: string) => !u.includes("pulumi:providers:")),
    outputs,
    options,
  };
}

/** Wraps the mock monitor's registerResource to keep each request's dependencies and ignoreChanges (the mocks' newResource sees neither). */
export function recordOptions(monitor: any, into: Map<string, Options>): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    const dependsOn = (req.getDependenciesList() as string[]).map((u) => u.split("::").pop()!).sort();
    into.set(req.getName(), { dependsOn, ignoreChanges: req.getIgnorechangesList() });
    return register(req, callback);
  };
}

/** Runs the unmodified hybrid example with `cloudWorkers` under mocks. */
export function runExample(cloudWorkers: number, expected: number): ReturnType<typeof runUnderMocks> {
  const cps = [0, 1, 2].map((i) => ({ serverNumber: cpNumber(i), installDisk: { wwn: `eui.00${i}` } }));
  return runUnderMocks(
    () => runProgramOnce(EXAMPLE),
    {
      controlPlanes: JSON.stringify(cps),
      adminCidrs: JSON.stringify(ADMIN),
      cloudWorkers: String(cloudWorkers),
      controlPlaneLabels: JSON.stringify({ "example.com/tier": "cp" }),
    },
    expected,
  );
}

/** The inputs with every secret wrapper replaced by "[secret]" and `__provider` dropped. */
export function masked(v: unknown): unknown {
  if (isSecret(v)) return "[secret]";
  if (Array.isArray(v)) return v.map(masked);
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "__provider")
        .map(([k, x]) => [k, masked(x)]),
    );
  return v;
}
export const plain = (v: unknown): unknown => (isSecret(v) ? plain(v.value) : v);
export const byName = (rs: Recorded[]) => new Map(rs.map((r) => [r.name, r]));
export const childUrn = (type: string, name: string) => `urn:pulumi:dev::${PROJECT}::${CLUSTER}$${type}::${name}`;
