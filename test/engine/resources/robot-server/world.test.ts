/** The RobotServer engine tests' world helpers (world.ts) checked on their own. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SimMachine } from "../../../../provider/sim/types";
import { DISK_BYTES, diskHashes, smallServer } from "./world";

// Does not prove: anything about RobotServer itself; only the helpers above.
describe("RobotServer test world helpers", () => {
  it("builds small servers with seeds and faults, and hashes disk files", async () => {
    const s = smallServer(7, { seeds: ["empty", "old-linux-efi"], faults: { talosNeverBoots: true } });
    assert.deepStrictEqual(
      [s.number, s.machine.disks.map((d) => [d.sizeBytes, d.seed]), s.machine.faults],
      [
        2321007,
        [
          [DISK_BYTES, "empty"],
          [DISK_BYTES, "old-linux-efi"],
        ],
        { talosNeverBoots: true },
      ],
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rs-hash-"));
    try {
      fs.writeFileSync(path.join(dir, "d0"), "abc");
      const fake = {
        spec: { disks: [{ name: "sda" }] },
        diskFile: () => path.join(dir, "d0"),
      } as unknown as SimMachine;
      assert.deepStrictEqual(diskHashes(fake), {
        sda: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
