/**
 * One owner per dedicated server, through the REAL dynamic-provider host and the simulated Robot
 * (which keeps the server name as Robot does): a create records its owner in the Robot name; another
 * stack's resource is refused before anything changes (also with adopt) with a message naming both;
 * reinstallTrigger (delete, then create) and adopt after the owner's delete keep working; two creates
 * of one server at once never both install. Does not prove: Robot's real limit or charset for
 * server names beyond the 100 characters its doc gives.
 */
import * as assert from "assert";
import { HostCallError } from "../../../../provider/sim/pulumi/host-errors";
import { RobotServerWorld, argsFor, diskHashes, smallServer, urnOf } from "./world";

const N1 = 2321001;
const DEV = "talos-hetzner-hybrid/dev/hybrid-cp-0";
const PROD = "talos-hetzner-hybrid/prod/hybrid-cp-0";
const refusal = (n: number, robotName: string, other: string, self: string) =>
  `server ${n} belongs to ${other}, not to ${self}: its Robot name is "${robotName}". One dedicated server can be one node of one stack only; nothing was changed. ` +
  'Use another serverNumber, or release the server first: delete the resource that owns it, or, if that resource no longer exists, rename the server in Robot without the "@pulumi:…" suffix';

describe("engine: RobotServer records its owner in Robot and refuses a server another resource owns", function () {
  this.timeout(300_000);
  let w: RobotServerWorld;
  const robotName = (n: number) => w.robot.state.servers.get(n)!.name;

  before(async () => {
    w = await RobotServerWorld.start(() => [smallServer(1), smallServer(2)]);
  });
  after(async () => w?.stop());

  it("a create claims the server: its Robot name carries the owner", async () => {
    const rec = await w.up("dev-cp-0", argsFor(w, 1, { name: "hybrid-cp-0", owner: DEV }));
    assert.deepStrictEqual(
      [rec.outputs.serverName, robotName(N1), rec.outputs.talosState],
      [`hybrid-cp-0 @pulumi:${DEV}`, `hybrid-cp-0 @pulumi:${DEV}`, "maintenance"],
    );
  });

  it("another stack's resource is refused in preflight, before any reset or write, with and without adopt", async () => {
    await w.settled(1, "talos");
    const disks = diskHashes(w.machine(1));
    const from = w.robot.requests.length;
    for (const adopt of [false, true]) {
      const e = await w.upError("prod-cp-0", argsFor(w, 1, { name: "hybrid-cp-0", owner: PROD, adopt }));
      assert.strictEqual(
        e.details,
        `[hybrid-cp-0] step 1/12 (preflight: server, resets, addresses and image) failed: ${refusal(N1, `hybrid-cp-0 @pulumi:${DEV}`, DEV, PROD)}`,
      );
    }
    const preflight = [`GET /server/${N1}`, `GET /reset/${N1}`, `GET /ip/${w.net}.2`];
    assert.deepStrictEqual(
      [w.requests(from), diskHashes(w.machine(1)), robotName(N1), w.machine(1).status()],
      [[...preflight, ...preflight], disks, `hybrid-cp-0 @pulumi:${DEV}`, "talos"],
    );
  });

  it("reinstallTrigger still reinstalls: the delete releases the server and the new create claims it again", async () => {
    const old = w.h.state.get(urnOf("dev-cp-0"))!;
    await w.h.delete(old.id, urnOf("dev-cp-0"), old.outputs);
    assert.strictEqual(robotName(N1), "hybrid-cp-0");
    const again = await w.up("dev-cp-0", argsFor(w, 1, { name: "hybrid-cp-0", owner: DEV, reinstallTrigger: 2 }));
    assert.deepStrictEqual(
      [again.outputs.adopted, again.outputs.talosState, robotName(N1)],
      [false, "maintenance", `hybrid-cp-0 @pulumi:${DEV}`],
    );
    assert.ok(
      w.h.logs.includes('[hybrid-cp-0] released server 2321001: its Robot name is "hybrid-cp-0" again'),
      w.h.logs.join("\n"),
    );
  });

  it("once the owner is deleted, another stack may adopt the server", async () => {
    const old = w.h.state.get(urnOf("dev-cp-0"))!;
    await w.h.delete(old.id, urnOf("dev-cp-0"), old.outputs);
    await w.settled(1, "talos");
    const rec = await w.up("prod-cp-0", argsFor(w, 1, { name: "hybrid-cp-0", owner: PROD, adopt: true }));
    assert.deepStrictEqual([rec.outputs.adopted, robotName(N1)], [true, `hybrid-cp-0 @pulumi:${PROD}`]);
  });

  it("two creates of one server at once: one is refused as the other's, never both install", async () => {
    const other = diskHashes(w.machine(2)).nvme1n1;
    const from = w.robot.requests.length;
    const runs = await Promise.allSettled([
      w.up("a-cp-0", argsFor(w, 2, { name: "a-cp-0", owner: "p/a/a-cp-0" })),
      w.up("b-cp-0", argsFor(w, 2, { name: "b-cp-0", owner: "p/b/b-cp-0" })),
    ]);
    const refused = runs.filter(
      (r) =>
        r.status === "rejected" &&
        /belongs to p\/[ab]\/[ab]-cp-0, not to p\/[ab]\/[ab]-cp-0/.test((r.reason as HostCallError).details),
    );
    const installed = runs.filter((r) => r.status === "fulfilled");
    assert.strictEqual(
      refused.length,
      1,
      runs.map((r) => (r.status === "rejected" ? (r.reason as HostCallError).details : "installed")).join("\n"),
    );
    assert.ok(installed.length <= 1);
    const writes = w.requests(from).filter((r) => r.startsWith("POST /reset"));
    assert.ok(writes.length <= 2, writes.join(", "));
    assert.strictEqual(diskHashes(w.machine(2)).nvme1n1, other);
  });
});
