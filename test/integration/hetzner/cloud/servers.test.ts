import * as assert from "assert";
import * as fs from "fs";
import { FakeWorld } from "../../../helpers/fake-world";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { CloudClient } from "../../../../provider/hetzner/cloud";

// Does not prove: behaviour with the real loop-backed world or real boot times (FakeMachine boots instantly),
// nor anything about the real Hetzner API beyond what its OpenAPI document says.
describe("cloud client ↔ sim: servers, actions, rescue, snapshots", function () {
  let world: FakeWorld;
  let sim: CloudSim;
  let client: CloudClient;
  const wait = { timeoutMs: 10_000 };
  const keyLine = (seed: number) => {
    const blob = Buffer.concat([
      Buffer.from([0, 0, 0, 11]),
      Buffer.from("ssh-ed25519"),
      Buffer.from([0, 0, 0, 32]),
      Buffer.alloc(32, seed),
    ]);
    return `ssh-ed25519 ${blob.toString("base64")} test-${seed}`;
  };

  before(async () => {
    world = new FakeWorld(0.0001);
    sim = await startCloudSim(world, { token: "sim-token" }, "127.0.0.1", "http://127.0.0.1:1");
    client = new CloudClient({ endpoint: sim.endpoint, token: sim.token, pollIntervalMs: 1 });
  });
  after(async () => {
    assert.deepStrictEqual(sim.violations, [], "every response must match the OpenAPI document");
    await sim.stop();
  });

  it("creates a server on a SimMachine, waits for create + start, and renders it like the API", async () => {
    const key = await client.sshKeys.create({
      name: "builder",
      publicKey: keyLine(1),
      labels: { "talos.dev/temp": "true" },
    });
    const r = await client.servers.create({
      name: "talos-image-1a2b3c4d",
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "fsn1",
      sshKeys: [key.id],
      labels: { "talos.dev/temp": "true" },
      userData: "#cloud-config\n",
    });
    assert.strictEqual(r.rootPassword, null, "no root password when SSH keys are given");
    assert.strictEqual(r.server.status, "initializing");
    assert.deepStrictEqual([r.action.command, r.action.status, r.action.error], ["create_server", "running", null]);
    assert.deepStrictEqual(
      r.nextActions.map((a) => a.command),
      ["start_server"],
    );
    const progress: string[] = [];
    const done = await client.actions.waitFor([r.action, ...r.nextActions], {
      ...wait,
      onProgress: (all) => progress.push(all.map((a) => a.status).join(",")),
    });
    assert.deepStrictEqual(
      done.map((a) => [a.command, a.status, a.progress, a.error]),
      [
        ["create_server", "success", 100, null],
        ["start_server", "success", 100, null],
      ],
    );
    assert.strictEqual(progress[progress.length - 1], "success,success");
    const s = (await client.servers.get(r.server.id))!;
    assert.deepStrictEqual(
      [s.status, s.server_type.architecture, s.location.name, s.image?.name, s.primary_disk_size],
      ["running", "x86", "fsn1", "ubuntu-24.04", 40],
    );
    assert.match(s.public_net.ipv4!.ip, /^127\.20\.\d+\.\d+$/);
    assert.strictEqual(s.public_net.ipv6!.ip, `2a01:4f8:c0c:${s.id.toString(16)}::/64`);
    const m = world.get(`cloud-${s.id}`);
    assert.deepStrictEqual(
      [m.spec.kind, m.spec.ipv4, m.spec.ipv4Prefix, m.spec.gateway, m.spec.bootMode, m.spec.arch, m.userData],
      ["cloud", s.public_net.ipv4!.ip, 32, "172.31.1.1", "bios", "amd64", "#cloud-config\n"],
    );
    assert.deepStrictEqual(
      m.spec.disks.map((d) => [d.name, d.sizeBytes, d.transport]),
      [["sda", 40 * 2 ** 30, "virtio"]],
    );
    assert.strictEqual(m.spec.ipv6Net, s.public_net.ipv6!.ip);
  });

  it("returns a root password without keys, picks arm types, and lists by label selector and name", async () => {
    const r = await client.servers.create({
      name: "arm-1",
      serverType: "cax11",
      image: "debian-12",
      startAfterCreate: false,
      labels: { role: "worker" },
    });
    assert.match(r.rootPassword!, /^[A-Za-z0-9]{20}$/);
    assert.deepStrictEqual(r.nextActions, []);
    await client.actions.waitFor([r.action], wait);
    const s = (await client.servers.get(r.server.id))!;
    assert.deepStrictEqual([s.status, s.server_type.architecture, s.image?.architecture], ["off", "arm", "arm"]);
    assert.strictEqual(world.get(`cloud-${s.id}`).spec.arch, "arm64");
    assert.deepStrictEqual(
      (await client.servers.list({ labelSelector: "role=worker" })).map((x) => x.name),
      ["arm-1"],
    );
    assert.deepStrictEqual(
      (await client.servers.list({ labelSelector: "talos.dev/temp,role notin (worker)" })).map((x) => x.name),
      ["talos-image-1a2b3c4d"],
    );
    assert.deepStrictEqual(
      (await client.servers.list({ name: "arm-1", status: ["off"] })).map((x) => x.id),
      [s.id],
    );
    const renamed = await client.servers.update(s.id, { labels: { role: "cp" } });
    assert.deepStrictEqual(renamed.labels, { role: "cp" });
    assert.strictEqual(await client.servers.get(999_999), undefined, "404 is absence, not an error");
  });

  it("drives power actions onto the machine: poweroff, poweron, reset, reboot, ACPI shutdown", async () => {
    const [s] = await client.servers.list({ name: "arm-1" });
    const m = world.get(`cloud-${s.id}`);
    await client.actions.waitFor([await client.servers.powerOn(s.id)], wait);
    assert.deepStrictEqual([m.power(), (await client.servers.get(s.id))!.status], ["on", "running"]);
    await client.actions.waitFor([await client.servers.reset(s.id)], wait);
    await client.actions.waitFor([await client.servers.reboot(s.id)], wait);
    assert.deepStrictEqual(m.resets, ["hw", "sw"]);
    // An OS that does not listen to ACPI keeps running after a shutdown action (the action only sends the signal).
    await client.actions.waitFor([await client.servers.shutdown(s.id)], wait);
    assert.strictEqual((await client.servers.get(s.id))!.status, "running");
    m.bootsTalos = true;
    await client.actions.waitFor([await client.servers.reboot(s.id)], wait);
    await client.actions.waitFor([await client.servers.shutdown(s.id)], wait);
    assert.strictEqual((await client.servers.waitForStatus(s.id, "off", wait)).status, "off");
    await client.actions.waitFor([await client.servers.powerOn(s.id)], wait);
    await client.actions.waitFor([await client.servers.powerOff(s.id)], wait);
    assert.strictEqual(m.power(), "off");
  });

  it("arms rescue with the keys' public lines and a password, and disarms it", async () => {
    const [s] = await client.servers.list({ name: "talos-image-1a2b3c4d" });
    const [key] = await client.sshKeys.list({ name: "builder" });
    const r = await client.servers.enableRescue(s.id, { sshKeys: [key.id] });
    assert.match(r.rootPassword, /^[A-Za-z0-9]{20}$/);
    await client.actions.waitFor([r.action], wait);
    const m = world.get(`cloud-${s.id}`);
    assert.deepStrictEqual(m.lastRescueArm, { authorizedKeys: [keyLine(1)], password: r.rootPassword });
    assert.strictEqual((await client.servers.get(s.id))!.rescue_enabled, true);
    await client.actions.waitFor([await client.servers.disableRescue(s.id)], wait);
    assert.strictEqual((await client.servers.get(s.id))!.rescue_enabled, false);
    await client.actions.waitFor([(await client.servers.enableRescue(s.id, { sshKeys: [key.id] })).action], wait);
    await client.actions.waitFor([await client.servers.reset(s.id)], wait);
    assert.deepStrictEqual(
      [m.status(), (await client.servers.get(s.id))!.rescue_enabled],
      ["rescue", false],
      "rescue is one-shot",
    );
  });

  it("snapshots the disk sparsely, then boots new servers from the snapshot file", async () => {
    const [s] = await client.servers.list({ name: "talos-image-1a2b3c4d" });
    const disk = world.get(`cloud-${s.id}`).diskFile(0);
    fs.truncateSync(disk, 64 * 2 ** 20);
    const fd = fs.openSync(disk, "r+");
    fs.writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 2 ** 20);
    fs.closeSync(fd);
    const labels = { os: "talos", "talos-version": "v1.11.3", arch: "x86" };
    const r = await client.servers.createImage(s.id, { description: "talos v1.11.3 amd64", labels });
    assert.deepStrictEqual(
      [r.image.type, r.image.status, r.image.name, r.image.image_size, r.action.command],
      ["snapshot", "creating", null, null, "create_image"],
    );
    await client.actions.waitFor([r.action], wait);
    const img = (await client.images.get(r.image.id))!;
    assert.deepStrictEqual(
      [img.status, img.description, img.disk_size, img.architecture, img.created_from, img.labels, img.os_flavor],
      ["available", "talos v1.11.3 amd64", 40, "x86", { id: s.id, name: s.name }, labels, "ubuntu"],
    );
    assert.strictEqual(img.image_size, 0.01, "4 KiB of data rounds up to 0.01 GB");
    const file = `${world.stateDir}/images/${img.id}.img`;
    assert.deepStrictEqual(
      [fs.statSync(file).size, fs.statSync(file).blocks * 512 < 1024 * 1024],
      [64 * 2 ** 20, true],
      "sparse copy",
    );
    const [found] = await client.images.list({
      type: "snapshot",
      labelSelector: "os=talos,talos-version=v1.11.3",
      architecture: "x86",
    });
    assert.strictEqual(found.id, img.id);
    const node = await client.servers.create({
      name: "cp-1",
      serverType: "cx33",
      image: img.id,
      userData: "machine: {}",
    });
    await client.actions.waitFor([node.action, ...node.nextActions], wait);
    const m = world.get(`cloud-${node.server.id}`);
    assert.deepStrictEqual(
      [
        fs
          .readFileSync(m.diskFile())
          .subarray(2 ** 20, 2 ** 20 + 4096)
          .equals(Buffer.alloc(4096, 0xab)),
        m.userData,
      ],
      [true, "machine: {}"],
    );
    assert.strictEqual((await client.servers.get(node.server.id))!.image?.id, img.id);
  });

  it("deletes servers with a delete_server action and removes their machines", async () => {
    const [s] = await client.servers.list({ name: "cp-1" });
    const action = await client.servers.delete(s.id);
    assert.strictEqual(action.command, "delete_server");
    await client.actions.waitFor([action], wait);
    assert.strictEqual(await client.servers.get(s.id), undefined);
    assert.strictEqual(world.machines.has(`cloud-${s.id}`), false);
    assert.strictEqual(await client.actions.get(action.id).then((a) => a?.status), "success");
    assert.strictEqual(await client.actions.get(987_654_321), undefined);
  });
});
