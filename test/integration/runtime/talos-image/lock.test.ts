/**
 * The TalosImage build lock against the Cloud API simulator (instant in-memory machines): one of two
 * concurrent runs builds while the other waits and adopts its snapshot, an abandoned lock is taken over
 * with its server removed, a live lock makes a waiter time out with a clear error, and the stale rule
 * itself on an injected clock.
 * Does not prove: the build steps (engine tests), or lock behaviour with an API whose ids are not increasing.
 */
import * as assert from "assert";
import { CloudClient, SshKey } from "../../../../provider/hetzner/cloud";
import { isError } from "../../../../provider/internal/errors";
import { StepLogger, setLogSink } from "../../../../provider/internal/log";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import {
  BEAT_LABEL,
  BEAT_MS_LABEL,
  LockOutcome,
  StaleTracker,
  acquireOrAdopt,
  lockLabels,
  tempLabels,
} from "../../../../provider/runtime/talos-image/lock";
import { RunContext, planFor } from "../../../../provider/runtime/talos-image/plan";
import { timingOf } from "../../../../provider/runtime/talos-image/types";
import { generateEd25519KeyPair } from "../../../../provider/rescue/session-keys";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";
import { FakeWorld } from "../../../helpers/fake-world";

describe("TalosImage build lock ↔ Cloud sim", function () {
  this.timeout(30_000);
  let world: FakeWorld;
  let sim: CloudSim;
  let client: CloudClient;
  const lines: string[] = [];
  let prevSink: (l: string) => void;

  const ctx = (name: string, timeouts = {}): RunContext => ({
    deps: {
      cloud: client,
      factoryUrl: "http://factory.invalid",
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: Date.now,
    },
    plan: planFor({ resourceName: name, talosVersion: "v1.13.9" }, VANILLA_SCHEMATIC_ID, "http://factory.invalid"),
    timing: timingOf({ heartbeatSeconds: 0.05, actionSeconds: 5, lockWaitSeconds: 10, ...timeouts }),
    log: new StepLogger(name, 1),
  });
  const snapshotOf = async (c: RunContext) => {
    const s = await client.servers.create({
      name: `src-${Date.now()}`,
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "fsn1",
      startAfterCreate: false,
    });
    await client.actions.waitFor([s.action], { timeoutMs: 5000 });
    const img = await client.servers.createImage(s.server.id, { labels: c.plan.snapshotLabels });
    await client.actions.waitFor([img.action], { timeoutMs: 5000 });
    await client.actions.waitFor([await client.servers.delete(s.server.id)], { timeoutMs: 5000 });
    return img.image.id;
  };

  before(async () => {
    world = new FakeWorld(0.0001);
    sim = await startCloudSim(world, { token: "sim-token" }, "127.0.0.1", "http://127.0.0.1:1");
    client = new CloudClient({ endpoint: sim.endpoint, token: sim.token, pollIntervalMs: 2 });
    prevSink = setLogSink((l) => lines.push(l));
  });
  afterEach(async () => {
    for (const i of sim.state.images.values()) if (i.type === "snapshot") await client.images.delete(i.id);
    for (const k of await client.sshKeys.list()) await client.sshKeys.delete(k.id);
  });
  after(async () => {
    setLogSink(prevSink);
    assert.deepStrictEqual(sim.violations, [], "every response must match the OpenAPI document");
    await sim.stop();
  });

  it("lets exactly one of two concurrent runs build; the other waits and adopts its snapshot", async () => {
    const [a, b] = [ctx("a"), ctx("b")];
    const runs = [acquireOrAdopt(a), acquireOrAdopt(b)];
    const first = await Promise.race(runs.map((p, i) => p.then((o) => [i, o] as const)));
    assert.strictEqual(first[1].kind, "build");
    const holder = (first[1] as Extract<LockOutcome, { kind: "build" }>).lock;
    const waiter = runs[1 - first[0]];
    await new Promise((r) => setTimeout(r, 400)); // 8 heartbeats: a waiter that misread the live lock as stale would take over now
    assert.deepStrictEqual(
      (await client.sshKeys.list()).map((k) => k.id),
      [holder.key.id],
    );
    const beat = Number((await client.sshKeys.get(holder.key.id))!.labels[BEAT_LABEL]);
    assert.ok(beat >= 3, `the heartbeat advanced (beat ${beat})`);
    const image = await snapshotOf(a);
    await holder.stopHeartbeat();
    await client.sshKeys.delete(holder.key.id);
    const adopted = await waiter;
    assert.deepStrictEqual([adopted.kind, adopted.kind === "adopt" && adopted.image.id], ["adopt", image]);
    assert.strictEqual(sim.requests.filter((r) => r.method === "POST" && r.path === "/ssh_keys").length >= 2, true);
  });

  it("takes over an abandoned lock, removing its server and key, and then holds the lock itself", async () => {
    const c = ctx("c");
    const run = "0badc0de";
    const pub = generateEd25519KeyPair("abandoned").public;
    const key = await client.sshKeys.create({
      name: "talos-image-0badc0de",
      publicKey: pub,
      labels: lockLabels(run, c.plan.imageKey, 7, 50),
    });
    const srv = await client.servers.create({
      name: "talos-image-0badc0de",
      serverType: "cx23",
      image: "ubuntu-24.04",
      startAfterCreate: false,
      sshKeys: [key.id],
      labels: tempLabels(run, c.plan.imageKey),
    });
    await client.actions.waitFor([srv.action], { timeoutMs: 5000 });
    const from = lines.length;
    const out = await acquireOrAdopt(c);
    assert.strictEqual(out.kind, "build");
    const lock = (out as Extract<LockOutcome, { kind: "build" }>).lock;
    await lock.stopHeartbeat();
    assert.deepStrictEqual(
      lines.slice(from).filter((l) => l.includes("Cleanup:")),
      [
        `[c] Cleanup: the build lock of run ${run} (SSH key ${key.id}) missed 5 heartbeats: removing that abandoned build`,
        `[c] Cleanup: deleted temporary server ${srv.server.id}`,
        `[c] Cleanup: deleted temporary SSH key ${key.id}`,
      ],
    );
    assert.deepStrictEqual(
      [(await client.servers.list()).length, (await client.sshKeys.list()).map((k) => k.id)],
      [0, [lock.key.id]],
    );
    assert.deepStrictEqual(
      [lock.key.labels["talos-hetzner/temp"], lock.key.labels[BEAT_MS_LABEL], lock.key.name],
      ["true", "50", `talos-image-${lock.runId}`],
    );
  });

  it("gives up waiting for a live build after lockWaitSeconds, naming the image", async () => {
    const holder = await acquireOrAdopt(ctx("h"));
    const lock = (holder as Extract<LockOutcome, { kind: "build" }>).lock;
    try {
      const c = ctx("w", { lockWaitSeconds: 0.3 });
      const e = await acquireOrAdopt(c).then(
        () => assert.fail("expected a timeout"),
        (x) => x,
      );
      assert.ok(isError(e, "DeadlineError"));
      assert.strictEqual(
        e.message,
        `timed out after 0s waiting for a snapshot of Talos v1.13.9 x86 (image key ${c.plan.imageKey}) from the build another run holds the lock for`,
      );
    } finally {
      await lock.stopHeartbeat();
    }
  });

  it("adopts an available snapshot without touching any lock", async () => {
    const c = ctx("d");
    const image = await snapshotOf(c);
    const from = sim.requests.length;
    const out = await acquireOrAdopt(c);
    assert.deepStrictEqual([out.kind, out.kind === "adopt" && out.image.id], ["adopt", image]);
    assert.deepStrictEqual(
      sim.requests.slice(from).map((r) => `${r.method} ${r.path.split("?")[0]}`),
      ["GET /images"],
    );
  });
});

describe("TalosImage StaleTracker", () => {
  it("counts a lock stale only after its beat stayed the same for 5 of its holder's intervals on the waiter's clock", () => {
    let t = 1_000;
    const tracker = new StaleTracker(() => t);
    const key = (beat: string, ms = "100") =>
      ({ id: 1, labels: { [BEAT_LABEL]: beat, [BEAT_MS_LABEL]: ms } }) as unknown as SshKey;
    assert.strictEqual(tracker.isStale(key("0")), false);
    t += 500;
    assert.strictEqual(tracker.isStale(key("0")), false, "exactly 5 intervals is not yet stale");
    t += 1;
    assert.strictEqual(tracker.isStale(key("0")), true);
    assert.strictEqual(tracker.isStale(key("1")), false, "a new beat makes it live again");
    t += 10_000;
    const legacy = { id: 2, labels: {} } as unknown as SshKey;
    assert.strictEqual(tracker.isStale(legacy), false);
    t += 150_001;
    assert.strictEqual(tracker.isStale(legacy), true, "without a beat-ms label the default 30 s interval applies");
  });
});
