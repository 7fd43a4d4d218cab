/**
 * RobotServer over a previous installimage with SWRAID 1 + LVM (seed raid1-lvm-swap on both disks):
 * the simulated rescue assembles md0 and md1 at boot, activates vg0 on md1 and has both swap
 * partitions in use, so the member partitions are busy as on Hetzner's rescue. The install's
 * release step turns off the target's swap, deactivates vg0 and stops both arrays before the wipe;
 * the default otherDisks policy refuses the array the disks share, naming it.
 * Does not prove: how Hetzner's rescue names foreign arrays (md127...) or whether it turns swap on.
 */
import * as assert from "assert";
import { RobotServerScenario } from "../../../../provider/sim/scenario";
import { RobotServerWorld, argsFor, diskHashes, smallServer } from "./world";

function previousInstall(n: number): RobotServerScenario {
  const s = smallServer(n, { seeds: ["raid1-lvm-swap", "raid1-lvm-swap"] });
  s.machine.rescueSwapOn = true;
  return s;
}

describe("engine: RobotServer over busy disks (md RAID1 + LVM + swap in use)", function () {
  this.timeout(300_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [previousInstall(1), previousInstall(2)]);
  });
  after(async () => w?.stop());

  it("otherDisks ignore: swap off, vg0 deactivated, md1 and md0 stopped, then the target is written and the other disk stays byte-identical", async () => {
    const before = diskHashes(w.machine(1));
    const ok = await w.up("node-1", argsFor(w, 1, { otherDisks: "ignore" }));
    const after = diskHashes(w.machine(1));
    const lines = w.h.logs.filter((l) => /^\[node-1\] {3}(swapoff|deactivating|stopping) /.test(l));
    assert.deepStrictEqual(
      [ok.outputs.talosState, after.nvme1n1 === before.nvme1n1, after.nvme0n1 === before.nvme0n1, lines],
      [
        "maintenance",
        true,
        false,
        [
          "[node-1]   swapoff /dev/nvme0n1p3",
          "[node-1]   deactivating volume group vg0",
          "[node-1]   stopping /dev/md1",
          "[node-1]   stopping /dev/md0",
        ],
      ],
    );
  });

  it("otherDisks refuse (the default): the arrays both disks share stop the install before anything is written", async () => {
    const before = diskHashes(w.machine(2));
    const e = await w.upError("node-2", argsFor(w, 2));
    assert.match(
      e.details,
      /^\[node-2\] step 7\/12 \(choosing the install disk \(otherDisks: refuse\)\) failed: refusing to install to nvme0n1: .*\n {2}- nvme1n1: md RAID \/dev\/md0, \/dev\/md1 spans this disk and the target nvme0n1/,
    );
    assert.deepStrictEqual(diskHashes(w.machine(2)), before);
  });
});
