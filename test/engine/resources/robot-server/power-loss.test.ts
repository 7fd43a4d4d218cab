/**
 * Issue 16, item 8 — faults whose recovery is a later `up`: the power fails in the middle of the
 * image write (the machine is off, the target holds a partial image), and a later run converges to
 * Talos in maintenance mode, with the server's other disk byte-identical throughout.
 * Does not prove: what a real disk's write cache loses in a power cut (the simulated disk keeps
 * every byte that reached it), or firmware that comes back on by itself after a power loss.
 */
import * as assert from "assert";
import { RobotServerWorld, argsFor, diskHashes, smallServer } from "./world";

const DISK = 64 * 1024 * 1024;

describe("engine: RobotServer recovers from a power loss during the image write", function () {
  this.timeout(240_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [
      smallServer(1, { faults: { powerLossAfterBytes: DISK + 8 * 1024 * 1024 } }),
    ]);
  });
  after(async () => w?.stop());

  it("fails the write step naming the lost connection, and a later up converges with the other disk intact", async () => {
    const m = w.machine(1);
    const other = diskHashes(m).nvme1n1;
    const path = `/dev/disk/by-id/nvme-${m.spec.disks[0].wwn}`;
    const err = await w.upError("node-1", argsFor(w, 1));
    assert.strictEqual(
      err.details,
      `[node-1] step 9/12 (writing the image to ${path}) failed: SSH connection to rescue ${m.spec.ipv4}:22 was lost during writing the image to ${path} (no exit status received)\n` +
        `what to do: ${path} now holds a partial image and the server is left in the rescue system (or off, if it lost power); run pulumi up again, which boots a fresh rescue system and writes the whole image again`,
    );
    assert.deepStrictEqual([m.status(), diskHashes(m).nvme1n1], ["off", other]);
    const rec = await w.up("node-1", argsFor(w, 1));
    assert.deepStrictEqual(
      [rec.outputs.talosState, await w.settled(1, "talos"), diskHashes(m).nvme1n1],
      ["maintenance", "talos", other],
    );
  });
});
