/**
 * RobotServer through the REAL dynamic-provider host against the simulator: preview (check/diff),
 * create (a real install through rescue over SSH), update (rename), refresh, delete (default and
 * wipeOnDelete), adopt, and a reinstall asked for with reinstallTrigger.
 * Does not prove: behaviour against real Hetzner hardware (rescue boot times, UEFI firmware quirks),
 * or anything the Pulumi CLI adds beyond contracts/pulumi-dynamic.md §1–§4.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { RobotServer } from "../../../../provider/resources/robot-server";
import { buildTalosImage } from "../../../../provider/sim/machines/disk/talos-image";
import { hetznerNetworkPatch } from "../../../../provider/talos/network-patch";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";
import { RobotClient } from "../../../../provider/hetzner/robot";
import { generateEd25519KeyPair } from "../../../../provider/rescue/session-keys";
import { FAST, ROBOT_PASSWORD, RobotServerWorld, argsFor, diskHashes, smallServer, urnOf } from "./world";
import { isThinShim, registeredInputs } from "../../harness-provider";

const N1 = 2321001;

describe("engine: RobotServer lifecycle through the real host and the simulator", function () {
  this.timeout(180_000);
  let w: RobotServerWorld;

  before(async () => {
    w = await RobotServerWorld.start(() => [
      smallServer(1),
      smallServer(2, {
        seeds: [{ talos: { version: "v1.13.9", arch: "amd64", platform: "metal", configured: false } }],
      }),
      smallServer(3, {
        seeds: [{ talos: { version: "v1.12.4", arch: "amd64", platform: "metal", configured: true } }],
      }),
      smallServer(4),
      smallServer(5),
    ]);
  });
  after(async () => w?.stop());

  it("registers with the Pulumi name as default Robot name and a small shim", async () => {
    let r!: RobotServer;
    const { urn, inputs } = await registeredInputs(
      () =>
        (r = new RobotServer("web-1", {
          serverNumber: N1,
          image: { version: "v1.13.9" },
          installDisk: { type: "nvme" },
        })),
    );
    assert.strictEqual(urn, urnOf("web-1"));
    assert.deepStrictEqual(
      [inputs.name, inputs.owner, inputs.serverNumber, pulumi.Output.isInstance(r.networkPatch)],
      ["web-1", "project/stack/web-1", N1, true],
    );
    assert.ok(isThinShim(w.provider));
  });

  it("previews a new server with check only, naming every bad field", async () => {
    const before = w.h.transcript.length;
    const p = await w.h.preview(urnOf("bad"), {
      __provider: w.provider,
      serverNumber: 0,
      image: { url: "https://example.com/talos.iso" },
      installDisk: {},
      otherDisks: "nuke",
      rescueKey: "abc",
      deadlines: { rescueSeconds: -1 },
    });
    assert.deepStrictEqual(p.failures, [
      { property: "serverNumber", reason: "[serverNumber] must be a positive integer, got 0" },
      {
        property: "image",
        reason:
          '[image.url] must point at a raw disk image (.raw.xz, .raw.zst or .raw), not "talos.iso": an ISO or archive written to a disk does not boot',
      },
      {
        property: "installDisk",
        reason: "[installDisk] must set at least one of wwn, serial, model, byId, minSizeBytes, maxSizeBytes, type",
      },
      { property: "otherDisks", reason: '[otherDisks] must be "refuse", "wipe" or "ignore", got "nuke"' },
      {
        property: "rescueKey",
        reason:
          '[rescueKey] must be the MD5 fingerprint of a key registered in Robot ("d7:34:1c:…", 16 colon-separated lowercase hex bytes), got "abc"',
      },
      {
        property: "deadlines",
        reason: "[deadlines.rescueSeconds] must be a number of seconds above 0 and at most 86400, got -1",
      },
    ]);
    assert.deepStrictEqual([p.op, w.h.transcript.slice(before).map((c) => c.method)], ["create", ["check"]]);
  });

  it("creates: installs Talos through rescue, reports every output, leaves the other disk byte-identical", async () => {
    const m = w.machine(1);
    const other = diskHashes(m).nvme1n1;
    const from = w.robot.requests.length;
    const rec = await w.up("node-1", argsFor(w, 1));
    const o = rec.outputs;
    const sha = createHash("sha256")
      .update(
        buildTalosImage({ version: "v1.13.9", arch: "amd64", platform: "metal", schematic: VANILLA_SCHEMATIC_ID }),
      )
      .digest("hex");
    const wwn = m.spec.disks[0].wwn;
    assert.deepStrictEqual(
      [rec.id, o.serverName, o.ipv4, o.ipv4Prefix, o.ipv4Gateway, o.ipv6Net, o.ipv6Address],
      [String(N1), "node-1", `${w.net}.2`, 26, `${w.net}.1`, "2a01:4f8:10a:1001::/64", "2a01:4f8:10a:1001::1"],
    );
    assert.deepStrictEqual(
      [o.mac, o.bootMode, o.smbiosUuid, o.installDiskPath, o.imageSha256, o.talosState, o.adopted, o.talosVersion],
      [
        m.spec.nics[0].mac,
        "uefi",
        m.spec.smbiosUuid,
        `/dev/disk/by-id/nvme-${wwn}`,
        sha,
        "maintenance",
        false,
        "v1.13.9",
      ],
    );
    assert.strictEqual(o.imageUrl, `${w.factory.url}/image/${VANILLA_SCHEMATIC_ID}/v1.13.9/metal-amd64.raw.zst`);
    assert.strictEqual(
      o.networkPatch,
      hetznerNetworkPatch({
        talosVersion: "v1.13.9",
        mac: m.spec.nics[0].mac,
        ipv4: `${w.net}.2`,
        gateway: `${w.net}.1`,
        ipv6Net: "2a01:4f8:10a:1001::/64",
      }),
    );
    assert.deepStrictEqual(
      (o.disks as { name: string; sizeBytes: number }[]).map((d) => [d.name, d.sizeBytes]),
      [
        ["nvme0n1", 67108864],
        ["nvme1n1", 67108864],
      ],
    );
    assert.deepStrictEqual(
      [await w.settled(1, "talos"), diskHashes(m).nvme1n1, w.robot.state.keys.size],
      ["talos", other, 0],
    );
    assert.deepStrictEqual(w.requests(from), [
      `GET /server/${N1}`,
      `GET /reset/${N1}`,
      `GET /ip/${w.net}.2`,
      `POST /server/${N1}`,
      "GET /key",
      "POST /key",
      `DELETE /boot/${N1}/rescue`,
      `POST /boot/${N1}/rescue`,
      `POST /reset/${N1}`,
      `DELETE /boot/${N1}/rescue`,
      "DELETE /key/<fp>",
    ]);
    const steps = w.h.logs.filter((l) => l.startsWith("[node-1] step ")).map((l) => l.replace(/: .*/, ""));
    assert.deepStrictEqual(
      steps,
      Array.from({ length: 12 }, (_, i) => `[node-1] step ${i + 1}/12`),
    );
  });

  it("previews no change, a rename and an image change as updates, and reinstallTrigger as a delete-first replace", async () => {
    const base = { __provider: w.provider, ...argsFor(w, 1) };
    const same = await w.h.preview(urnOf("node-1"), base);
    assert.deepStrictEqual([same.op, same.diff?.changes], ["same", "none"]);
    const renamed = await w.h.preview(urnOf("node-1"), { ...base, name: "node-1-new" });
    assert.deepStrictEqual([renamed.op, renamed.diff?.replaces], ["update", []]);
    const image = await w.h.preview(urnOf("node-1"), { ...base, image: { version: "v1.12.4" } });
    assert.deepStrictEqual([image.op, image.diff?.replaces], ["update", []]);
    const trigger = await w.h.preview(urnOf("node-1"), { ...base, reinstallTrigger: 2 });
    assert.deepStrictEqual(
      [trigger.op, trigger.diff?.replaces, trigger.diff?.deleteBeforeReplace],
      ["replace", ["reinstallTrigger"], true],
    );
  });

  it("updates in place: renames in Robot, records an image change without touching the machine", async () => {
    const old = w.h.state.get(urnOf("node-1"))!;
    const disk = diskHashes(w.machine(1));
    const from = w.robot.requests.length;
    const news = { __provider: w.provider, ...argsFor(w, 1), name: "node-1-new", image: { version: "v1.12.4" } };
    const up = await w.h.update(old.id, urnOf("node-1"), old.outputs, news);
    w.h.record(urnOf("node-1"), old.id, news, up.properties);
    assert.deepStrictEqual(
      [up.properties.serverName, up.properties.name, up.properties.imageSha256, up.properties.image],
      ["node-1-new", "node-1-new", old.outputs.imageSha256, { version: "v1.12.4" }],
    );
    assert.deepStrictEqual(
      [w.requests(from), w.robot.state.servers.get(N1)!.name, diskHashes(w.machine(1))],
      [[`POST /server/${N1}`], "node-1-new", disk],
    );
  });

  it("refreshes name and Talos state, shows a rename made outside Pulumi, and keeps an unreachable node", async () => {
    w.robot.state.servers.get(N1)!.name = "renamed-in-robot";
    const r = await w.h.refresh(urnOf("node-1"));
    assert.deepStrictEqual(
      [r.gone, r.outputs?.serverName, r.outputs?.talosState, r.diff?.changes],
      [false, "renamed-in-robot", "maintenance", "some"],
    );
    w.machine(1).powerOff();
    try {
      const off = await w.h.refresh(urnOf("node-1"));
      assert.deepStrictEqual([off.gone, off.outputs?.talosState], [false, "unreachable"]);
    } finally {
      w.machine(1).powerOn();
    }
  });

  it("adopts Talos in maintenance mode without touching the machine", async () => {
    const m = w.machine(2);
    const disks = diskHashes(m);
    const from = w.robot.requests.length;
    const rec = await w.up("node-2", argsFor(w, 2, { adopt: true, nicMac: m.spec.nics[0].mac.toUpperCase() }));
    assert.deepStrictEqual(
      [rec.outputs.adopted, rec.outputs.talosState, rec.outputs.installDiskPath, rec.outputs.mac],
      [true, "maintenance", null, m.spec.nics[0].mac],
    );
    assert.deepStrictEqual(
      (rec.outputs.disks as { name: string }[]).map((d) => d.name),
      ["nvme0n1", "nvme1n1"],
    );
    assert.ok(String(rec.outputs.networkPatch).includes(`mac(link.permanent_addr) == "${m.spec.nics[0].mac}"`));
    assert.deepStrictEqual(
      [diskHashes(m), w.requests(from).filter((r) => r.startsWith("POST /reset") || r.includes("/boot/"))],
      [disks, []],
    );
  });

  it("refuses a configured Talos, adopts it with adopt, and reinstalls it when reinstallTrigger is bumped", async () => {
    const m = w.machine(3);
    const refused = await w.upError("node-3", argsFor(w, 3));
    assert.strictEqual(
      refused.details,
      `[node-3] step 2/12 (checking for a running Talos on ${w.net}.4) failed: Talos on server 2321003 (${w.net}.4) is configured and running: refusing to wipe a live node. Set adopt: true to manage it as it is, or set reinstallTrigger to wipe and reinstall it`,
    );
    const adopted = await w.up("node-3", argsFor(w, 3, { adopt: true }));
    assert.deepStrictEqual(
      [adopted.outputs.talosState, adopted.outputs.networkPatch, m.status()],
      ["configured", null, "talos"],
    );
    const news = { __provider: w.provider, ...argsFor(w, 3, { adopt: true, reinstallTrigger: "2025-06" }) };
    const preview = await w.h.preview(urnOf("node-3"), news);
    assert.deepStrictEqual([preview.op, preview.diff?.deleteBeforeReplace], ["replace", true]);
    await w.h.delete(adopted.id, urnOf("node-3"), adopted.outputs);
    const reinstalled = await w.up("node-3", { ...news, adopt: false });
    assert.deepStrictEqual(
      [reinstalled.outputs.talosState, reinstalled.outputs.adopted, await w.settled(3, "talos")],
      ["maintenance", false, "talos"],
    );
  });

  it("installs with a rescue key the user registered armed beside the run's own key, never sending the root password, and keeps that key", async () => {
    const robot = new RobotClient({ url: w.robot.url, user: "robot-ws-user", password: ROBOT_PASSWORD });
    const mine = await robot.keys.create("my laptop", generateEd25519KeyPair("me@laptop").public);
    const arms = w.rescueArms.length;
    const rec = await w.up("node-4", argsFor(w, 4, { rescueKey: mine.fingerprint }));
    assert.deepStrictEqual(
      [rec.outputs.talosState, [...w.robot.state.keys.values()].map((k) => k.name)],
      ["maintenance", ["my laptop"]],
    );
    assert.ok(
      w.h.logs.includes(
        `[node-4]   rescue key ${mine.fingerprint} (registered by you) is armed too; this run logs in with the ephemeral key, never with the root password`,
      ),
    );
    const armed = w.rescueArms.slice(arms);
    assert.deepStrictEqual(
      [armed.length, armed[0].authorizedKeys.length, [...new Set(armed.flatMap((a) => a.logins ?? []))].sort()],
      [1, 2, ["none", "publickey"]],
    ); // "none": the client's opening probe, no credential
    await robot.keys.delete(mine.fingerprint);
  });

  it("deletes without touching the machine by default, and wipes the installed disk with wipeOnDelete", async () => {
    const rec = w.h.state.get(urnOf("node-1"))!;
    const m = w.machine(1);
    await w.settled(1, "talos"); // powered on again by the refresh test
    const before = diskHashes(m);
    const from = w.robot.requests.length;
    await w.h.delete(rec.id, urnOf("node-1"), rec.outputs);
    assert.deepStrictEqual([diskHashes(m), w.requests(from), m.status()], [before, [], "talos"]);
    await w.h.delete(rec.id, urnOf("node-1"), { ...rec.outputs, wipeOnDelete: true, deadlines: FAST });
    const after = diskHashes(m);
    assert.deepStrictEqual(
      [after.nvme1n1 === before.nvme1n1, after.nvme0n1 === before.nvme0n1, m.status(), w.robot.state.keys.size],
      [true, false, "rescue", 0],
    );
  });

  // Logs into a rescue system of its own (an install that stops at the disk choice), so it has a rescue
  // password to look for even when it runs alone; it also checks every run before it.
  it("keeps the Robot password, rescue passwords and private keys out of state, logs and the transcript", async () => {
    const before = w.rescuePasswords.length;
    await w.upError("node-5", argsFor(w, 5, { installDisk: { serial: "NOPE" } }));
    assert.strictEqual(w.rescuePasswords.length - before, 1, "the run logged into one rescue system");
    w.assertNoSecretsLeaked();
  });
});
