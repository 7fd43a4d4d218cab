/**
 * RobotServer bad input and faults that stop the run before the image is written, through the real
 * host against the simulator: each error names the field or step exactly, a second run stops at the
 * same error, and no disk changes (sha256 of every simulated disk file before and after).
 * Does not prove: how real Hetzner hardware fails (the simulator's faults are models of the
 * failures in contracts/hetzner-robot.md §2–§3), nor the timing of real rescue boots.
 */
import * as assert from "assert";
import { EngineHarness } from "../../harness";
import { chooseTalosctl } from "../../../../provider/sim/talos/talosctl-binary";
import { HostCallError } from "../../../../provider/sim/pulumi/host-errors";
import { RobotServerWorld, argsFor, diskHashes, diskLine, smallServer, urnOf } from "./world";

const PREFLIGHT = "step 1/12 (preflight: server, resets, addresses and image) failed: ";
const RESET = "step 5/12 (resetting into the rescue system (hw, escalation power_long+power)) failed: ";
const CHOOSE = "step 7/12 (choosing the install disk (otherDisks: refuse)) failed: ";
const SHORT_RESCUE = { rescueSeconds: 1.5, installSeconds: 60, maintenanceSeconds: 6 };

describe("engine: RobotServer bad input and early faults", function () {
  this.timeout(180_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [
      smallServer(1),
      smallServer(2, { rescue: false }),
      smallServer(3, { faults: { resetIgnored: true } }),
      smallServer(4, { faults: { rescueNeverBoots: true } }),
      smallServer(5, { seeds: ["empty", "old-linux-efi"] }),
      smallServer(6, { smbiosUuid: "00000000-0000-0000-0000-000000000000" }),
      smallServer(7),
      smallServer(8, { seeds: ["empty", "old-linux-efi"], efi: { oldOsEntry: true } }),
      smallServer(9, { bootMode: "bios" }),
    ]);
  });
  after(async () => w?.stop());

  /** Runs `fn` and checks that no disk of server `n` changed. */
  async function untouched<T>(n: number, fn: () => Promise<T>): Promise<T> {
    const before = diskHashes(w.machine(n));
    const r = await fn();
    assert.deepStrictEqual(diskHashes(w.machine(n)), before, `disks of server ${n}`);
    return r;
  }

  it("a selector matching no disk, then two disks, lists the disks; a fixed selector then installs", async () => {
    const m = w.machine(1);
    const list = m.spec.disks.map((d) => diskLine(d)).join("\n");
    const none = await untouched(1, () => w.failTwice("node-1", argsFor(w, 1, { installDisk: { serial: "NOPE" } })));
    const noneText = `[node-1] ${CHOOSE}[installDisk] {"serial":"NOPE"} matched no disk on node-1; disks:\n${list}`;
    assert.deepStrictEqual(none, [noneText, noneText]);
    const two = await untouched(1, () => w.upError("node-1", argsFor(w, 1, { installDisk: { type: "nvme" } })));
    assert.strictEqual(
      two.details,
      `[node-1] ${CHOOSE}[installDisk] {"type":"nvme"} matched 2 disks on node-1 (nvme0n1, nvme1n1), add wwn or serial to pick one; disks:\n${list}`,
    );
    const other = diskHashes(m).nvme1n1;
    const ok = await w.up("node-1", argsFor(w, 1, { installDisk: { serial: m.spec.disks[0].serial } }));
    assert.deepStrictEqual(
      [ok.outputs.talosState, diskHashes(m).nvme1n1, w.robot.state.keys.size],
      ["maintenance", other, 0],
    );
  });

  it("an unknown server number and a server without rescue stop in preflight, before any change", async () => {
    const from = w.robot.requests.length;
    const unknown = await w.failTwice("ghost", { ...argsFor(w, 1), name: "ghost", serverNumber: 2399999 });
    const text = `[ghost] ${PREFLIGHT}[serverNumber] Robot has no server 2399999 on this account (SERVER_NOT_FOUND); check the number in Robot's server list`;
    assert.deepStrictEqual(unknown, [text, text]);
    const noRescue = await untouched(2, () => w.failTwice("node-2", argsFor(w, 2)));
    const text2 = `[node-2] ${PREFLIGHT}[serverNumber] server 2321002 (AX41-NVMe) does not offer the rescue system, so Talos cannot be installed on it from here`;
    assert.deepStrictEqual(noRescue, [text2, text2]);
    assert.deepStrictEqual(w.requests(from), [
      "GET /server/2399999",
      "GET /server/2399999",
      "GET /server/2321002",
      "GET /server/2321002",
    ]);
  });

  it("wrong Robot credentials (from the environment) fail the first request with what to fix, naming no secret", async () => {
    const h = await EngineHarness.start({
      env: {
        HETZNER_ROBOT_URL: w.robot.url,
        HETZNER_ROBOT_USER: "robot-ws-user",
        HETZNER_ROBOT_PASSWORD: "wrong-Password-42",
        TALOSCTL: chooseTalosctl().path,
      },
    });
    try {
      await h.configure({});
      const args = { __provider: w.provider, ...argsFor(w, 1) };
      const errs: string[] = [];
      for (let i = 0; i < 2; i++)
        errs.push(
          await h.create(urnOf("node-1"), args).then(
            () => "created",
            (e: HostCallError) => e.details,
          ),
        );
      const text =
        "[node-1] step 1/12 (preflight: server, resets, addresses and image) failed: Robot GET /server/2321001 failed: UNAUTHORIZED (401): Unauthorized: the Robot webservice user or password is wrong; set talos-hetzner:robotUser and talos-hetzner:robotPassword (or HETZNER_ROBOT_USER and HETZNER_ROBOT_PASSWORD) to a webservice user from Robot's settings, not the Robot login (3 failed logins block your IP for 10 minutes)";
      assert.deepStrictEqual(errs, [text, text]);
      assert.ok(!JSON.stringify([h.logs, h.transcript]).includes("wrong-Password-42"));
    } finally {
      await h.stop();
    }
  });

  it("a 404 image stops in preflight, before the server is reset", async () => {
    const from = w.robot.requests.length;
    const errs = await untouched(1, () => w.failTwice("node-1", argsFor(w, 1, { image: { version: "v1.10.0" } })));
    const url = `${w.factory.url}/image/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba/v1.10.0/metal-amd64.raw.zst`;
    const text = `[node-1] ${PREFLIGHT}Talos v1.10.0 image for schematic 376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba not found at ${url} (404): the version or schematic does not exist on this factory`;
    assert.deepStrictEqual(errs, [text, text]);
    assert.deepStrictEqual(
      w.requests(from).filter((r) => !r.startsWith("GET")),
      [],
    );
  });

  it("a reset the server ignores: escalation to a power cycle reports that the reset had no effect", async () => {
    const errs = await untouched(3, () => w.failTwice("node-3", argsFor(w, 3, { deadlines: SHORT_RESCUE })));
    const text = `[node-3] ${RESET}reset power_long did not take effect: Robot still reports the server as running 1s later (a reset the server ignores needs Hetzner support)`;
    assert.deepStrictEqual(errs, [text, text]);
    assert.deepStrictEqual(
      [w.robot.state.servers.get(2321003)!.machine.rescueArmed(), w.robot.state.keys.size],
      [false, 0],
    );
    assert.ok(
      w.h.logs.includes(
        "[node-3] Cleanup: deactivated the rescue activation this run armed, so the next reboot does not land in rescue",
      ),
    );
  });

  it("a server that never boots rescue: escalated once, then told to fix the boot order", async () => {
    const from = w.robot.requests.length;
    const errs = await untouched(4, () => w.failTwice("node-4", argsFor(w, 4, { deadlines: SHORT_RESCUE })));
    const text = `[node-4] ${RESET}the rescue system never booted: after resets hw, power_long, power Robot still shows the rescue activation armed, so the server did not boot from the network; make sure network boot (PXE) comes before the disks in the boot order (Hetzner support can change it)`;
    assert.deepStrictEqual(errs, [text, text]);
    const resets = w.robot.requests.slice(from).filter((r) => r.method === "POST" && r.path.startsWith("/reset"));
    assert.strictEqual(resets.length, 6, "hw, power_long, power per run");
  });

  it("another disk holding an EFI system partition stops the install, naming the disk", async () => {
    const errs = await untouched(5, () => w.failTwice("node-5", argsFor(w, 5)));
    const text = `[node-5] ${CHOOSE}refusing to install to nvme0n1: disks hold data that can win the boot, share an array with the target or belong to a live cluster (set otherDisks to "wipe" to wipe them, or "ignore" to leave them):\n  - nvme1n1: EFI system partition /dev/nvme1n1p1; Linux filesystem ext4 on /dev/nvme1n1p2 that looks like an installed OS`;
    assert.deepStrictEqual(errs, [text, text]);
  });

  it("an all-zero SMBIOS UUID stops at the inventory with the support advice", async () => {
    const errs = await untouched(6, () => w.failTwice("node-6", argsFor(w, 6)));
    const text =
      "[node-6] step 6/12 (reading the inventory (disks, NIC, SMBIOS UUID, boot mode)) failed: SMBIOS system UUID 00000000-0000-0000-0000-000000000000 is all zero: the board was not initialised, so Talos node identities would collide; open a Hetzner support ticket asking them to set a unique system UUID for this server";
    assert.deepStrictEqual(errs, [text, text]);
  });

  it("BOOT_BLOCKED stops at arming rescue, saying where in Robot to cancel the other boot configuration", async () => {
    w.robot.faults.bootBlocked = [2321007];
    try {
      const errs = await untouched(7, () => w.failTwice("node-7", argsFor(w, 7)));
      const text =
        "[node-7] step 4/12 (arming the rescue system (delete, then activate with the key)) failed: Robot refuses to arm the rescue system of server 2321007 (BOOT_BLOCKED): " +
        "another boot configuration (an installimage/Linux, VNC or Windows installation ordered in Robot) holds the server; cancel it under Servers → 2321007 → Boot in Robot, then run again";
      assert.deepStrictEqual(errs, [text, text]);
    } finally {
      w.robot.faults.bootBlocked = [];
    }
  });

  it("RESET_FAILED (the server was not reset) is sent again after a pause, and the install completes", async () => {
    w.robot.faults.resetFailNext = 2;
    const from = w.robot.requests.length;
    const ok = await w.up("node-7", argsFor(w, 7));
    const resets = w.robot.requests
      .slice(from)
      .filter((r) => r.method === "POST" && r.path === "/reset/2321007")
      .map((r) => r.status);
    assert.deepStrictEqual([ok.outputs.talosState, resets], ["maintenance", [500, 500, 200]]);
    assert.ok(
      w.h.logs.some((l) =>
        l.startsWith(
          "[node-7] WARNING: Robot answered RESET_FAILED to reset hw (the server was not reset); sending it again in",
        ),
      ),
      w.h.logs.join("\n"),
    );
  });

  it("UEFI: an old OS's boot entry on a disk left alone is deleted by the boot-order fix, so Talos boots; legacy BIOS installs without it", async () => {
    const m = w.machine(8) as unknown as { efiVariables(): { entries: { id: string }[]; bootOrder: string[] } };
    assert.deepStrictEqual(m.efiVariables().bootOrder, ["0001", "0002", "0003"]);
    const ok = await w.up("node-8", argsFor(w, 8, { otherDisks: "ignore" }));
    assert.deepStrictEqual(
      [ok.outputs.talosState, m.efiVariables().entries.map((e) => e.id), m.efiVariables().bootOrder],
      ["maintenance", ["0001", "0002"], ["0001", "0002"]],
    );
    assert.ok(
      w.h.logs.includes("[node-8]   deleting UEFI boot entry Boot0003"),
      w.h.logs.filter((l) => l.startsWith("[node-8]")).join("\n"),
    );
    const bios = await w.up("node-9", argsFor(w, 9));
    assert.strictEqual(bios.outputs.talosState, "maintenance");
  });

  // Runs a failure of its own after the rescue login, so it has a rescue password and an ephemeral key
  // to look for even when it runs alone (and checks every run before it too).
  it("leaves no ephemeral key behind and keeps every secret out of state, logs and the transcript", async () => {
    const before = w.rescuePasswords.length;
    await untouched(6, () => w.upError("node-6", argsFor(w, 6)));
    assert.strictEqual(w.rescuePasswords.length - before, 1, "the run logged into one rescue system");
    assert.deepStrictEqual(
      [...w.robot.state.keys.values()].map((k) => k.name),
      [],
    );
    w.assertNoSecretsLeaked();
  });
});
