/**
 * The runner's `@pulumi/hcloud` stand-in against the Cloud API simulator, mixed with a dynamic
 * resource that consumes a server's output: getImage, Firewall, Server (firewallIds), FirewallAttachment,
 * unknown outputs in a preview, dependency-ordered create and reverse-ordered destroy. Does not prove
 * fidelity to every argument of the real hcloud provider (only the ones the examples use).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { EchoResource } from "../../../../provider/resources/example-echo";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { FakeWorld } from "../../../helpers/fake-world";

const TOKEN = "hcloud-runner-token";
const URN = (type: string, name: string) => `urn:pulumi:dev::project::${type}::${name}`;
const SERVER = URN("hcloud:index/server:Server", "worker-1");
const FIREWALL = URN("hcloud:index/firewall:Firewall", "kubespan");
const ATTACH = URN("hcloud:index/firewallAttachment:FirewallAttachment", "attach");
const NOTE = URN("pulumi-nodejs:dynamic/talos-hetzner:Echo", "note");

interface Variant {
  label: string;
  port: string;
  attach: boolean;
}

function program(v: Variant) {
  return async () => {
    const image = hcloud.getImageOutput({ name: "ubuntu-24.04", withArchitecture: "x86" });
    const fw = new hcloud.Firewall("kubespan", {
      name: "kubespan",
      rules: [{ direction: "in", protocol: "udp", port: v.port, sourceIps: ["0.0.0.0/0", "::/0"] }],
    });
    const server = new hcloud.Server("worker-1", {
      name: "worker-1",
      serverType: "cpx21",
      image: image.apply((i) => String(i.id)),
      location: "fsn1",
      userData: "#talos",
      labels: { role: v.label },
      firewallIds: v.attach ? [] : [fw.id.apply(Number)],
    });
    if (v.attach)
      new hcloud.FirewallAttachment("attach", {
        firewallId: fw.id.apply(Number),
        serverIds: [server.id.apply(Number)],
      });
    const note = new EchoResource("note", { message: pulumi.interpolate`${server.name} at ${server.ipv4Address}` });
    return { ip: server.ipv4Address, status: server.status, note: note.echoed, imageId: image.id };
  };
}

describe("runner: hcloud resources against the Cloud simulator", function () {
  this.timeout(60000);
  let sim: CloudSim;
  let dir: string;
  let lines: string[];
  let base: Omit<RunOptions, "program" | "operation">;
  const run = (operation: RunOptions["operation"], v: Variant) =>
    runProgram({ ...base, program: program(v), operation });
  const opsOf = (plan: { urn: string; op: string }[]) => Object.fromEntries(plan.map((p) => [p.urn, p.op]));

  before(async () => {
    sim = await startCloudSim(new FakeWorld(0.0001), { token: TOKEN }, "127.0.0.1", "");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-hcloud-"));
  });
  beforeEach(() => {
    lines = [];
    base = {
      stateFile: path.join(dir, "state.json"),
      passphrase: "pp",
      cwd: dir,
      log: (l) => lines.push(l),
      pollIntervalMs: 5,
      config: { "hcloud:endpoint": sim.endpoint },
      env: {},
    };
    process.env.HCLOUD_TOKEN = TOKEN; // the runner falls back to the environment like the hcloud provider
  });
  after(async () => {
    delete process.env.HCLOUD_TOKEN;
    assert.deepStrictEqual(sim.violations, []);
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("previews with the server's outputs unknown to the dynamic resource that consumes them", async () => {
    const r = await run("preview", { label: "a", port: "51820", attach: false });
    assert.deepStrictEqual(opsOf(r.plan), { [FIREWALL]: "create", [SERVER]: "create", [NOTE]: "create" });
    assert.ok(lines.includes("      message: output<unknown>"), lines.join("\n"));
    assert.deepStrictEqual([sim.state.servers.size, sim.state.firewalls.size], [0, 0]);
    assert.strictEqual(r.outputs.imageId, 161547269);
  });

  it("creates in dependency order and feeds real outputs to dependents", async () => {
    const r = await run("up", { label: "a", port: "51820", attach: false });
    const [server] = [...sim.state.servers.values()];
    const [fw] = [...sim.state.firewalls.values()];
    const ip = r.outputs.ip as string;
    assert.match(ip, /^127\.20\.\d+\.\d+$/);
    assert.deepStrictEqual([r.outputs.note, r.outputs.status], [`worker-1 at ${ip}`, "running"]);
    assert.deepStrictEqual(fw.applied_to, [{ type: "server", server: { id: server.id } }]);
    assert.deepStrictEqual(
      r.plan.map((p) => p.urn).filter((u) => u !== NOTE),
      [FIREWALL, SERVER],
    );
  });

  it("updates labels and firewall rules in place, then moves the firewall to a FirewallAttachment", async () => {
    const r = await run("up", { label: "b", port: "51821", attach: false });
    assert.deepStrictEqual(opsOf(r.plan), { [FIREWALL]: "update", [SERVER]: "update", [NOTE]: "same" });
    assert.deepStrictEqual([...sim.state.servers.values()][0].labels, { role: "b" });
    assert.strictEqual([...sim.state.firewalls.values()][0].rules[0].port, "51821");
    const moved = await run("up", { label: "b", port: "51821", attach: true });
    assert.deepStrictEqual(opsOf(moved.plan), {
      [FIREWALL]: "same",
      [SERVER]: "update",
      [ATTACH]: "create",
      [NOTE]: "same",
    });
    assert.deepStrictEqual(moved.plan.find((p) => p.urn === SERVER)?.diffKeys, ["firewallIds"]);
    assert.strictEqual([...sim.state.firewalls.values()][0].applied_to.length, 1);
  });

  it("destroys everything in reverse dependency order", async () => {
    const r = await run("destroy", { label: "b", port: "51821", attach: true });
    const order = r.plan.map((p) => p.urn);
    assert.ok(
      order.indexOf(ATTACH) < order.indexOf(SERVER) && order.indexOf(SERVER) < order.indexOf(FIREWALL),
      order.join("\n"),
    );
    assert.deepStrictEqual([sim.state.servers.size, sim.state.firewalls.size, r.counts.delete], [0, 0, 4]);
  });
});
