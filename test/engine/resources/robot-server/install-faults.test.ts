/**
 * RobotServer faults during and after the image write, through the real host against the
 * simulator: a rate limit hit mid-install is waited out, an SSH drop during dd and a truncated
 * download fail the write step and a second run completes, a checksum mismatch and Talos never
 * reaching maintenance mode fail the same way twice. The other disk stays byte-identical throughout.
 * Does not prove: real network behaviour (TCP resets mid-stream on the Internet, CDN truncation),
 * nor how long real rescue systems and Talos take to boot.
 */
import * as assert from "assert";
import { FAST, RobotServerWorld, argsFor, diskHashes, smallServer } from "./world";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";

const DISK = 64 * 1024 * 1024;

describe("engine: RobotServer faults while installing", function () {
  this.timeout(180_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [
      smallServer(1),
      smallServer(2, { faults: { dropSshAfterBytes: DISK + 10 * 1024 * 1024 } }),
      smallServer(3),
      smallServer(4),
      smallServer(5, { faults: { talosNeverBoots: true } }),
    ]);
  });
  after(async () => w?.stop());

  /** The target's by-id path and the write step's prefix for server `n`. */
  function writeStep(n: number): { path: string; prefix: string } {
    const path = `/dev/disk/by-id/nvme-${w.machine(n).spec.disks[0].wwn}`;
    return {
      path,
      prefix: `[node-${n}] step 9/12 (writing the image to ${path}) failed: writing the image to ${path} on rescue ${w.machine(n).spec.ipv4}:22 `,
    };
  }

  /** Runs `fn` and checks that server `n`'s second disk did not change. */
  async function otherDiskKept<T>(n: number, fn: () => Promise<T>): Promise<T> {
    const before = diskHashes(w.machine(n)).nvme1n1;
    const r = await fn();
    assert.strictEqual(diskHashes(w.machine(n)).nvme1n1, before, `second disk of server ${n}`);
    return r;
  }

  it("waits out a rate limit hit mid-install and completes", async () => {
    const m = w.machine(1);
    let armed = false;
    m.onStatus((s) => {
      if (s === "rescue" && !armed) [armed, w.robot.faults.rateLimitNext] = [true, 3];
    });
    const from = w.robot.requests.length;
    const rec = await otherDiskKept(1, () => w.up("node-1", argsFor(w, 1)));
    assert.deepStrictEqual([rec.outputs.talosState, await w.settled(1, "talos")], ["maintenance", "talos"]);
    const limited = w.robot.requests
      .slice(from)
      .filter((r) => r.status === 403)
      .map((r) => `${r.method} ${r.path}`);
    assert.deepStrictEqual(limited, Array(3).fill("DELETE /boot/2321001/rescue"));
    assert.strictEqual(
      w.h.logs.filter((l) =>
        l.startsWith(
          "Robot DELETE /boot/2321001/rescue: rate limited; Robot allows 500 requests per 0.72s; asking again in",
        ),
      ).length,
      3,
    );
  });

  it("an SSH connection lost during dd fails the write step; a second run completes", async () => {
    const { path } = writeStep(2);
    const err = await otherDiskKept(2, () => w.upError("node-2", argsFor(w, 2)));
    assert.strictEqual(
      err.details,
      `[node-2] step 9/12 (writing the image to ${path}) failed: SSH connection to rescue ${w.machine(2).spec.ipv4}:22 was lost during writing the image to ${path} (no exit status received)\n` +
        `what to do: ${path} now holds a partial image and the server is left in the rescue system (or off, if it lost power); run pulumi up again, which boots a fresh rescue system and writes the whole image again`,
    );
    const rec = await otherDiskKept(2, () => w.up("node-2", argsFor(w, 2)));
    assert.deepStrictEqual([rec.outputs.talosState, await w.settled(2, "talos")], ["maintenance", "talos"]);
  });

  it("a truncated download fails the write step (pipefail); a second run after the fault completes", async () => {
    const { prefix } = writeStep(3);
    w.factory.faults.truncateFraction = 0.5;
    let err;
    try {
      err = await otherDiskKept(3, () => w.upError("node-3", argsFor(w, 3)));
    } finally {
      w.factory.faults.truncateFraction = 1;
    }
    const url = `${w.factory.url}/image/${VANILLA_SCHEMATIC_ID}/v1.13.9/metal-amd64.raw.zst`;
    assert.strictEqual(
      err.details,
      `${prefix}exited with code 1:\n/*stdin*\\ : Read error (39) : premature end \n` +
        `what to do: the download of ${url} ended before the image was complete (a network or server problem; only ${writeStep(3).path} was written); run pulumi up again to download it again, and if it keeps failing check that the URL serves the whole file`,
    );
    const rec = await otherDiskKept(3, () => w.up("node-3", argsFor(w, 3)));
    assert.deepStrictEqual([rec.outputs.talosState, await w.settled(3, "talos")], ["maintenance", "talos"]);
  });

  it("a checksum mismatch fails the write step twice and erases what was written", async () => {
    const { path, prefix } = writeStep(4);
    const bad = "0".repeat(64);
    const errs = await otherDiskKept(4, () =>
      w.failTwice("node-4", argsFor(w, 4, { image: { version: "v1.13.9", sha256: bad } })),
    );
    const sha = (await w.up("node-4", argsFor(w, 4))).outputs.imageSha256;
    const text = `${prefix}exited with code 1:\nimage sha256 mismatch: expected ${bad}, got ${sha}; erasing signatures on ${path}`;
    assert.deepStrictEqual(errs, [text, text]);
  });

  it("Talos never reaching maintenance mode fails the last step twice, naming the node", async () => {
    const args = argsFor(w, 5, { deadlines: { ...FAST, maintenanceSeconds: 2 } });
    const errs = await otherDiskKept(5, () => w.failTwice("node-5", args));
    const ip = w.machine(5).spec.ipv4;
    const text = `[node-5] step 12/12 (waiting for Talos maintenance mode on ${ip}:50000) failed: timed out after 2s waiting for Talos maintenance mode on ${ip}:50000 (check the server's console: it may boot another disk, or fail in UEFI)`;
    assert.deepStrictEqual(errs, [text, text]);
    assert.deepStrictEqual([await w.settled(5, "no-os"), w.robot.state.keys.size], ["no-os", 0]);
  });

  it("keeps every secret out of state, logs and the transcript", () => {
    w.assertNoSecretsLeaked();
  });
});
