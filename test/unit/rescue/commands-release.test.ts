/**
 * releaseDisksCommand's inputs: nothing to release is no command, and a device path must be
 * absolute (it reaches the rescue shell quoted, but a relative name would be resolved in /root).
 * What the command does to a busy stack is proven against the simulated rescue kernel in
 * test/integration/sim/machines/rescue/busy-disks.test.ts.
 */
import * as assert from "assert";
import { releaseDisksCommand } from "../../../provider/rescue/commands";

describe("rescue/commands: releaseDisksCommand", () => {
  it("returns no command for no disks", () => {
    assert.strictEqual(releaseDisksCommand([]), "");
  });

  it("refuses a relative device path, naming the field", () => {
    assert.throws(() => releaseDisksCommand(["/dev/sda", "sdb"]), {
      name: "InputError",
      message: '[disks] must be absolute device paths, got "sdb"',
    });
  });

  it("lists the stack of every disk given, quoting what needs it", () => {
    assert.match(
      releaseDisksCommand(["/dev/disk/by-id/nvme-A B_1", "/dev/sdb"]),
      /^stack=\$\(lsblk -lnpo KNAME,TYPE,NAME '\/dev\/disk\/by-id\/nvme-A B_1' \/dev\/sdb \| awk '!seen\[\$1\]\+\+'\)\n/,
    );
  });
});
