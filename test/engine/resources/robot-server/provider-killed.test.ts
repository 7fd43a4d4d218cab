/**
 * Issue 16, item 8 — the provider process killed during an install: the dynamic-provider host dies
 * as the server boots the rescue system (Ctrl-C twice, a closed laptop, a cancelled CI job). The next `up`
 * from a new host converges to Talos in maintenance mode with the server's other disk byte-identical;
 * the dead run's ephemeral Robot key is young, so the sweep keeps it (it may belong to a run still
 * installing elsewhere) and says so. Does not prove: what the Pulumi CLI records for the interrupted
 * create (pending operations are the e2e suite's subject).
 */
import * as assert from "assert";
import { pollUntil } from "../../../../provider/internal/poll";
import { talosctlPath } from "../../../../provider/sim/talos/runtime";
import { EngineHarness, secret } from "../../harness";
import { ROBOT_PASSWORD, RobotServerWorld, argsFor, diskHashes, smallServer, urnOf } from "./world";

describe("engine: RobotServer after the provider was killed mid-install", function () {
  this.timeout(240_000);
  let w: RobotServerWorld;
  let second: EngineHarness | undefined;

  before(async () => {
    w = await RobotServerWorld.start(() => [smallServer(1)]);
  });
  after(async () => {
    await second?.stop();
    await w?.stop();
  });

  async function newHost(): Promise<EngineHarness> {
    const h = await EngineHarness.start({
      env: {
        HETZNER_ROBOT_URL: w.robot.url,
        TALOSCTL: talosctlPath(),
        TALOS_IMAGE_FACTORY_URL: w.factory.url,
        TALOS_HETZNER_TIME_SCALE: String(w.world.timeScale),
      },
      callTimeoutMs: 300_000,
    });
    await h.configure({
      "talos-hetzner:robotUser": secret("robot-ws-user"),
      "talos-hetzner:robotPassword": secret(ROBOT_PASSWORD),
    });
    return h;
  }

  it("converges on the next up from a new host, keeping the other disk and the dead run's young key", async () => {
    const m = w.machine(1);
    const other = diskHashes(m).nvme1n1;
    // Killed as the rescue system comes up: the install is under way and cannot have finished.
    let killed: Promise<void> | undefined;
    m.onStatus((status) => {
      if (status === "rescue") killed ??= w.h.stop();
    });
    const pending = w.up("node-1", argsFor(w, 1)).then(
      () => "finished",
      () => "failed",
    );
    await pollUntil(async () => (killed ? true : undefined), {
      what: "the rescue boot",
      timeoutMs: 60_000,
      initialMs: 10,
    });
    await killed;
    assert.strictEqual(await pending, "failed");
    const dead = [...w.robot.state.keys.values()].map((k) => k.name);
    assert.strictEqual(dead.length, 1, "the dead run's ephemeral key is still registered");
    second = await newHost();
    const urn = urnOf("node-1");
    const checked = await second.check(urn, {}, { __provider: w.provider, ...argsFor(w, 1) });
    const created = await second.create(urn, checked.inputs);
    assert.deepStrictEqual(
      [created.properties.talosState, await w.settled(1, "talos"), diskHashes(m).nvme1n1],
      ["maintenance", "talos", other],
    );
    assert.ok(
      second.logs.some((l) =>
        new RegExp(
          `^\\[node-1\\]   kept ephemeral key ${dead[0]}: \\d+ s old, so another run may still be installing`,
        ).test(l),
      ),
      second.logs.join("\n"),
    );
    assert.deepStrictEqual(
      [...w.robot.state.keys.values()].map((k) => k.name),
      dead,
    );
  });
});
