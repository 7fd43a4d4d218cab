/**
 * UEFI boot variables as the rescue system shows them: efibootmgr lists and changes the machine's
 * entries, and the library's boot-order fix (ensureUefiBootOrderCommand) deletes an old OS's loader
 * and puts the network first; on legacy BIOS efibootmgr has nothing and the fix does nothing.
 * Does not prove: efivarfs files (not modelled) or real firmware quirks (entries it re-creates at boot).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureUefiBootOrderCommand } from "../../../../../provider/rescue/commands";
import { RescueSession } from "../../../../../provider/rescue/session";
import { LoopRescue, bootLoopRescue } from "../../../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../../../provider/sim/machines/rescue/support";
import { MachineSpec } from "../../../../../provider/sim/types";

const NET = `127.${200 + (process.pid % 50)}.3`;
const disk = (name: string, seed: "empty" | "old-linux-efi") => ({
  name,
  model: "SAMSUNG MZ7LH480HAHQ",
  serial: `S45P${name}`,
  wwn: null,
  sizeBytes: 64 * 2 ** 20,
  rotational: false,
  transport: "sata" as const,
  seed,
});
const spec = (n: number, o: Partial<MachineSpec>): MachineSpec => ({
  id: `efi-${n}`,
  kind: "robot",
  ipv4: `${NET}.${n}`,
  ipv4Prefix: 26,
  gateway: `${NET}.1`,
  ipv6Net: "2a01:4f8:10a:3003::/64",
  bootMode: "uefi",
  smbiosUuid: "4C4C4544-0051-3510-8052-B4C04F4E3333",
  arch: "amd64",
  memoryBytes: 8 * 2 ** 30,
  disks: [disk("sda", "empty"), disk("sdb", "old-linux-efi")],
  nics: [{ rescueName: "eth0", talosName: "enp9s0", mac: "a8:a1:59:0c:3d:4e" }],
  ...o,
});

describe("simulated rescue system: UEFI boot variables", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-efi-"));
  const booted: { rescue: LoopRescue; session: RescueSession }[] = [];
  const boot = async (s: MachineSpec) => {
    const rescue = await bootLoopRescue(s, { authorizedKeys: [], password: "efi-pw" }, dir);
    const session = await RescueSession.connect({ host: s.ipv4!, password: "efi-pw", deadlineMs: 10_000 });
    booted.push({ rescue, session });
    return { rescue, run: (script: string) => session.run(script, { timeoutMs: 30_000 }) };
  };

  before(function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
  });
  after(async () => {
    for (const b of booted) await b.session.close().then(() => b.rescue.stop());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("efibootmgr -v lists the machine's entries; the boot-order fix deletes the old loader and puts the network first", async () => {
    const { rescue, run } = await boot(spec(2, { efi: { oldOsEntry: true, order: "disks-first" } }));
    assert.strictEqual(
      (await run("efibootmgr -v")).stdout,
      [
        "Timeout: 1 seconds",
        "BootOrder: 0003,0001,0002",
        "Boot0001* UEFI: PXE IPv4 Intel(R) I210 Gigabit Network Connection\tPciRoot(0x0)/Pci(0x1c,0x0)/Pci(0x0,0x0)/MAC(a8a1590c3d4e,0)/IPv4(0.0.0.0,0,DHCP,0.0.0.0,0.0.0.0,0.0.0.0)",
        "Boot0002* UEFI: PXE IPv6 Intel(R) I210 Gigabit Network Connection\tPciRoot(0x0)/Pci(0x1c,0x0)/Pci(0x0,0x0)/MAC(a8a1590c3d4e,0)/IPv6([::]:<->[::]:,0,0)",
        "Boot0003* debian\tHD(1,GPT,1f2e3d4d-5b6a-4798-a0b1-c2d3e4f5a6b7,0x800,0x100000)/File(\\EFI\\debian\\shimx64.efi)",
        "",
      ].join("\n"),
    );
    const fix = await run(ensureUefiBootOrderCommand());
    assert.strictEqual(fix.stdout, "deleting UEFI boot entry Boot0003\n");
    assert.deepStrictEqual(
      [rescue.host.nvram!.entries.map((e) => e.id), rescue.host.nvram!.bootOrder],
      [
        ["0001", "0002"],
        ["0001", "0002"],
      ],
    );
  });

  it("sets BootOrder and BootNext; a network-only order is left alone; errors as efibootmgr words them", async () => {
    const { rescue, run } = await boot(spec(3, {}));
    await run("efibootmgr -q -o 0002,0001 && efibootmgr -q -n 0002");
    assert.match((await run("efibootmgr")).stdout, /^BootNext: 0002\nTimeout: 1 seconds\nBootOrder: 0002,0001\n/);
    assert.strictEqual(
      (await run(ensureUefiBootOrderCommand())).stdout,
      "",
      "both entries are network entries: the order stays",
    );
    const bad = await run("efibootmgr -b 0009 -B || echo rc=$?");
    assert.deepStrictEqual(
      [bad.stdout, bad.stderr],
      ["rc=1\n", "efibootmgr: Could not delete Boot0009: No such file or directory\n"],
    );
    assert.strictEqual(rescue.host.nvram!.bootNext, "0002");
  });

  it("legacy BIOS: efibootmgr has no variables and the boot-order fix does nothing", async () => {
    const { run } = await boot(spec(4, { bootMode: "bios" }));
    const r = await run("efibootmgr || echo rc=$?");
    assert.deepStrictEqual(
      [r.stdout, r.stderr],
      ["rc=2\n", "efibootmgr: EFI variables are not supported on this system.\n"],
    );
    assert.deepStrictEqual((await run(ensureUefiBootOrderCommand())).stdout, "");
  });
});
