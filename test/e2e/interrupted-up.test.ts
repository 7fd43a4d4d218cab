/**
 * An `up` of examples/hybrid-cluster killed (SIGKILL: the CLI and its plugin processes) while the
 * RobotServers install, then `up` run again as a user would, under the real engine (`.tools/bin/pulumi`).
 * Proves: the engine's message about the pending operations, that the second `up` clears them and the
 * install converges to three Ready control planes, that the machines' second disks (user data) stay
 * byte-identical, that only the killed run's own Robot keys stay behind (seconds old, so a re-run cannot tell
 * them from a concurrent install's and keeps them until they are older than a whole run), and that no secret shows in any
 * output or state. Does not prove a kill at every point of the install (one point: a machine in rescue).
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { KubeClient } from "../../provider/kube/client";
import { startSimulator, Simulator } from "../../provider/sim";
import { HYBRID_CREDENTIALS, hybridScenario } from "../../provider/sim/scenarios/hybrid";
import { SimMachine } from "../../provider/sim/types";
import { E2eStack, TOOLS_BIN } from "./harness/stack";
import { CONTROL_PLANES, HYBRID_EXAMPLE, hybridStackConfig, withDiskSize } from "./harness/hybrid";
import { killTree } from "./harness/kill";
import { plaintextHits, secretValues } from "./harness/secrets";

const FIRST = 731; // own 127.10.x addresses, apart from the other e2e suites and the unit suite's simulators
const DISK_BYTES = 256 * 1024 * 1024; // the synthetic Talos image fits; small enough to hash whole
const PULUMI = `${TOOLS_BIN}/pulumi`;

function sha256(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** A user's data on each machine's second disk: random bytes at its start and end (no signature blkid knows). */
function seedUserData(m: SimMachine): string {
  const fd = fs.openSync(m.diskFile(1), "r+");
  try {
    for (const at of [0, DISK_BYTES - 1024 * 1024])
      fs.writeSync(fd, crypto.randomBytes(1024 * 1024), 0, 1024 * 1024, at);
  } finally {
    fs.closeSync(fd);
  }
  return sha256(m.diskFile(1));
}

/** URN → op of the checkpoint's pending operations. */
function pendingOps(exported: string): string[] {
  const ops = (JSON.parse(exported).deployment.pending_operations ?? []) as {
    type: string;
    resource: { urn: string };
  }[];
  return ops.map((o) => `${o.type} ${o.resource.urn.split("::").pop()}`).sort();
}

describe("e2e: an up killed mid-install, then run again, under the real pulumi CLI", function () {
  this.timeout(300_000);
  let sim: Simulator;
  let e2e: E2eStack;
  let machines: SimMachine[];
  const userData = new Map<string, string>();
  let killedRunKeys: string[] = [];
  let serverNumbers: number[] = [];

  before(async () => {
    const scenario = withDiskSize(hybridScenario({ firstServer: FIRST }), DISK_BYTES);
    sim = await startSimulator({ scenario });
    machines = scenario.robot!.servers.map((s) => sim.world.machines.get(s.machine.id)!);
    serverNumbers = scenario.robot!.servers.map((s) => s.number).sort();
    for (const m of machines) userData.set(m.id, seedUserData(m));
    e2e = await E2eStack.create(HYBRID_EXAMPLE, hybridStackConfig(sim, scenario));
  });

  after(async () => {
    await sim?.stop();
    e2e?.removeWorkDir();
  });

  it("a kill while the first server is in rescue leaves the RobotServer creates pending", async () => {
    let killed: string[] = [];
    machines[0].onStatus((s) => {
      if (s === "rescue" && killed.length === 0) killed = killTree(PULUMI);
    });
    const err = await e2e.upError();
    assert.match(err, /killed with SIGKILL/);
    assert.ok(killed.includes("pulumi") && killed.includes("node"), `killed: ${killed.join(" ")}`);
    // The killed run's ephemeral keys stay in Robot: one per server.
    killedRunKeys = [...sim.services.robot.state.keys.values()].map((k) => k.name).sort();
    assert.deepStrictEqual(
      killedRunKeys.map((n) => n.replace(/-\d+$/, "")),
      serverNumbers.map((n) => `talos-hetzner-ephemeral-${n}`),
    );
    const pending = pendingOps(e2e.cli(["stack", "export"]));
    assert.deepStrictEqual(
      pending.filter((p) => p.startsWith("creating hybrid-cp-") && !p.includes("-config") && !p.includes("-firewall")),
      CONTROL_PLANES.map((n) => `creating ${n}`),
    );
  });

  it("up again is refused while the killed run's lock file remains; `pulumi cancel` removes it", async () => {
    const err = await e2e.upError();
    assert.match(
      err,
      /error: the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\.\n\s+file:\/\/\S+\/\.pulumi\/locks\/organization\/talos-hetzner-hybrid\/e2e\/[\w-]+\.json\S*: created by \S+ \(pid \d+\) at /,
    );
    assert.match(e2e.cli(["cancel", "--yes"]), /The currently running update for 'e2e' has been canceled!/);
  });

  it("up again warns about the pending operations and converges; the creates stay pending in state", async () => {
    const before = pendingOps(e2e.cli(["stack", "export"]));
    const r = await e2e.up();
    assert.ok(
      r.stdout.includes(
        `Attempting to deploy or update resources with ${before.length} pending operations from previous deployment.`,
      ),
      r.stdout,
    );
    for (const p of before) assert.match(r.stdout, new RegExp(`::${p.split(" ")[1]}, interrupted while creating\\n`));
    // The sweep keeps keys younger than the longest run: a concurrent install of the server may hold one.
    assert.strictEqual(
      r.stdout.match(
        /kept ephemeral key talos-hetzner-ephemeral-\d+-\d+: \d+ s old, so another run may still be installing this server with it/g,
      )?.length,
      3 * 2, // live progress and Diagnostics each print the line once per server
    );
    // v3.276.0 copies pending operations into every new checkpoint; only a refresh clears them.
    assert.deepStrictEqual(pendingOps(e2e.cli(["stack", "export"])), before);
    const nodes = await new KubeClient(String(r.outputs.kubeconfig.value)).listNodes();
    assert.deepStrictEqual(
      nodes.map((n) => [n.name, n.ready]),
      CONTROL_PLANES.map((n) => [n, true]),
    );
  });

  it("refresh --clear-pending-creates drops them and finds nothing else to change", async () => {
    assert.match(
      await e2e.refresh({ clearPendingCreates: true, expectNoChanges: true }),
      /Resources:\n\s+14 unchanged\b/,
    );
    assert.deepStrictEqual(pendingOps(e2e.cli(["stack", "export"])), []);
  });

  it("the second disks are byte-identical, Robot holds only the killed run's keys, no secret in any output", async () => {
    for (const m of machines) assert.strictEqual(sha256(m.diskFile(1)), userData.get(m.id), `${m.id} nvme1n1`);
    assert.deepStrictEqual([...sim.services.robot.state.keys.values()].map((k) => k.name).sort(), killedRunKeys);
    const plain = JSON.parse(e2e.cli(["stack", "export", "--show-secrets"]));
    const exported = e2e.cli(["stack", "export"]);
    const secrets = secretValues(JSON.parse(exported), plain);
    const texts = [
      { name: "stack export", text: exported },
      ...e2e.rawState().map((text, i) => ({ name: `backend file ${i}`, text })),
      ...e2e.output.map((text, i) => ({ name: `CLI output ${i}`, text })),
    ];
    assert.deepStrictEqual(
      plaintextHits(texts, secrets, [HYBRID_CREDENTIALS.robotPassword, HYBRID_CREDENTIALS.hcloudToken]),
      [],
    );
  });
});
