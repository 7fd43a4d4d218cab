import * as assert from "assert";
import { FakeWorld } from "../../../helpers/fake-world";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { CloudClient, CloudApiError, FirewallRule } from "../../../../provider/hetzner/cloud";

// Does not prove: firewall enforcement on real sockets (the machine's filter function is what the sim installs;
// the machines/rescue engineers apply it to traffic), nor Hetzner's real pagination ordering beyond id ascending.
describe("cloud client ↔ sim: SSH keys, images, firewalls, pagination", function () {
  let world: FakeWorld;
  let sim: CloudSim;
  let client: CloudClient;
  const wait = { timeoutMs: 10_000 };
  const keyLine = (seed: number) =>
    `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, seed)]).toString("base64")} k${seed}`;
  const rejection = async (p: Promise<unknown>) =>
    p.then(
      () => assert.fail("expected a rejection"),
      (e: CloudApiError) => e,
    );
  const newServer = async (name: string, labels: Record<string, string> = {}) => {
    const r = await client.servers.create({ name, serverType: "cpx21", image: "ubuntu-24.04", labels });
    await client.actions.waitFor([r.action, ...r.nextActions], wait);
    return { id: r.server.id, machine: world.get(`cloud-${r.server.id}`) };
  };

  before(async () => {
    world = new FakeWorld(0.0001);
    sim = await startCloudSim(world, { token: "t" }, "127.0.0.1", "");
    client = new CloudClient({ endpoint: sim.endpoint, token: "t", pollIntervalMs: 1 });
  });
  after(async () => {
    assert.deepStrictEqual(sim.violations, []);
    await sim.stop();
  });

  it("SSH keys: create with MD5 fingerprint, filter by name/fingerprint/labels, get, delete", async () => {
    const a = await client.sshKeys.create({ name: "a", publicKey: keyLine(1), labels: { "talos.dev/temp": "true" } });
    const b = await client.sshKeys.create({ name: "b", publicKey: keyLine(2) });
    assert.match(a.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.deepStrictEqual([a.public_key, a.labels], [keyLine(1), { "talos.dev/temp": "true" }]);
    assert.deepStrictEqual(
      (await client.sshKeys.list({ labelSelector: "talos.dev/temp=true" })).map((k) => k.name),
      ["a"],
    );
    assert.deepStrictEqual(
      (await client.sshKeys.list({ fingerprint: b.fingerprint })).map((k) => k.id),
      [b.id],
    );
    assert.deepStrictEqual(
      (await client.sshKeys.list({ name: "b" })).map((k) => k.id),
      [b.id],
    );
    assert.deepStrictEqual(await client.sshKeys.list({ name: "nobody" }), []);
    assert.deepStrictEqual(await client.sshKeys.get(a.id), a);
    const renamed = await client.sshKeys.update(b.id, { name: "b2", labels: { k: "v" } });
    assert.deepStrictEqual([renamed.name, renamed.labels, renamed.fingerprint], ["b2", { k: "v" }, b.fingerprint]);
    const taken = await rejection(client.sshKeys.update(b.id, { name: "a" }));
    assert.deepStrictEqual([taken.status, taken.code], [409, "uniqueness_error"]);
    await client.sshKeys.delete(a.id);
    assert.strictEqual(await client.sshKeys.get(a.id), undefined);
    const bad = await rejection(client.sshKeys.create({ name: "c", publicKey: "ssh-ed25519 not-base64!" }));
    assert.strictEqual(
      bad.message,
      "Cloud POST /ssh_keys failed: invalid_input (422): invalid input in field 'public_key': invalid public key",
    );
  });

  it("follows next_page through every page (50 per page)", async () => {
    for (let i = 0; i < 60; i++)
      await client.sshKeys.create({ name: `bulk-${i}`, publicKey: keyLine(100 + i), labels: { bulk: "yes" } });
    sim.requests.length = 0;
    const all = await client.sshKeys.list({ labelSelector: "bulk" });
    assert.strictEqual(all.length, 60);
    assert.deepStrictEqual(
      all.map((k) => k.name),
      Array.from({ length: 60 }, (_, i) => `bulk-${i}`),
    );
    assert.deepStrictEqual(
      sim.requests.map((r) => r.path),
      ["/ssh_keys?label_selector=bulk&page=1&per_page=50", "/ssh_keys?label_selector=bulk&page=2&per_page=50"],
    );
  });

  it("images: system images seeded for both architectures; list filters; labels replaced; snapshots deleted", async () => {
    const system = await client.images.list({ type: "system" });
    assert.deepStrictEqual(
      system.map((i) => `${i.name}/${i.architecture}`),
      ["debian-12/x86", "debian-12/arm", "ubuntu-24.04/x86", "ubuntu-24.04/arm"],
    );
    assert.deepStrictEqual(
      (await client.images.list({ name: "ubuntu-24.04", architecture: "arm" })).map((i) => i.id),
      [161547270],
    );
    const { id } = await newServer("img-src");
    const snaps = [];
    for (const version of ["v1.11.3", "v1.12.4"]) {
      const r = await client.servers.createImage(id, {
        description: `talos ${version}`,
        labels: { os: "talos", "talos-version": version },
      });
      await client.actions.waitFor([r.action], wait);
      snaps.push(r.image.id);
    }
    const found = await client.images.list({
      type: ["snapshot", "backup"],
      labelSelector: "os=talos,talos-version in (v1.12.4)",
      status: "available",
      sort: ["created:desc"],
    });
    assert.deepStrictEqual(
      found.map((i) => i.id),
      [snaps[1]],
    );
    assert.deepStrictEqual(await client.images.list({ labelSelector: "os=talos", architecture: "arm" }), []);
    const updated = await client.images.updateLabels(snaps[0], { os: "talos", keep: "true" });
    assert.deepStrictEqual(updated.labels, { os: "talos", keep: "true" });
    assert.strictEqual((await client.images.update(snaps[0], { description: "renamed" })).description, "renamed");
    await client.images.delete(snaps[0]);
    assert.strictEqual(await client.images.get(snaps[0]), undefined);
    const sys = await rejection(client.images.delete(161547269));
    assert.strictEqual(
      sys.message,
      "Cloud DELETE /images/161547269 failed: forbidden (403): system images cannot be deleted",
    );
  });

  it("firewalls: rules become the machines' inbound filter; apply/remove by server and label selector", async () => {
    const a = await newServer("fw-a", { role: "cp" });
    const b = await newServer("fw-b", { role: "worker" });
    assert.strictEqual(a.machine.inboundAllowed("tcp", 50000, "127.0.0.1"), true, "no firewall: all inbound allowed");
    const rules: FirewallRule[] = [
      { direction: "in", protocol: "udp", port: "51820", source_ips: ["0.0.0.0/0", "::/0"], description: "KubeSpan" },
    ];
    const created = await client.firewalls.create({
      name: "talos-kubespan",
      rules,
      labels: { cluster: "c1" },
      applyTo: [{ type: "server", server: { id: a.id } }],
    });
    assert.deepStrictEqual(
      created.actions.map((x) => [x.command, x.resources]),
      [
        [
          "apply_firewall",
          [
            { id: created.firewall.id, type: "firewall" },
            { id: a.id, type: "server" },
          ],
        ],
      ],
    );
    await client.actions.waitFor(created.actions, wait);
    assert.deepStrictEqual(created.firewall.rules, [{ ...rules[0], destination_ips: [] }]);
    assert.deepStrictEqual(
      [
        a.machine.inboundAllowed("udp", 51820, "127.0.0.1"),
        a.machine.inboundAllowed("tcp", 50000, "127.0.0.1"),
        a.machine.inboundAllowed("tcp", 6443, "2a01:4f8::1"),
      ],
      [true, false, false],
    );
    assert.deepStrictEqual((await client.servers.get(a.id))!.public_net.firewalls, [
      { id: created.firewall.id, status: "applied" },
    ]);
    const inUse = await rejection(client.firewalls.delete(created.firewall.id));
    assert.strictEqual(
      inUse.message,
      `Cloud DELETE /firewalls/${created.firewall.id} failed: resource_in_use (422): firewall with ID '${created.firewall.id}' is still in use`,
    );

    await client.actions.waitFor(
      await client.firewalls.applyToResources(created.firewall.id, [
        { type: "label_selector", label_selector: { selector: "role=worker" } },
      ]),
      wait,
    );
    assert.strictEqual(b.machine.inboundAllowed("tcp", 22, "127.0.0.1"), false);
    const fw = (await client.firewalls.get(created.firewall.id))!;
    assert.deepStrictEqual(fw.applied_to, [
      { type: "server", server: { id: a.id } },
      {
        type: "label_selector",
        label_selector: { selector: "role=worker" },
        applied_to_resources: [{ type: "server", server: { id: b.id } }],
      },
    ]);
    await client.servers.update(b.id, { labels: { role: "db" } });
    assert.strictEqual(
      b.machine.inboundAllowed("tcp", 22, "127.0.0.1"),
      true,
      "label change takes the server out of the selector",
    );

    const again = await rejection(client.firewalls.applyToServers(created.firewall.id, [a.id]));
    assert.deepStrictEqual([again.status, again.code], [422, "firewall_already_applied"]);
    const ssh = await client.firewalls.create({
      name: "ssh",
      rules: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["127.0.0.0/8"] }],
    });
    await client.actions.waitFor(await client.firewalls.applyToServers(ssh.firewall.id, [a.id]), wait);
    assert.deepStrictEqual(
      [a.machine.inboundAllowed("tcp", 22, "127.0.0.1"), a.machine.inboundAllowed("udp", 51820, "127.0.0.1")],
      [true, true],
      "several firewalls combine",
    );
    await client.actions.waitFor(
      await client.firewalls.setRules(ssh.firewall.id, [
        { direction: "in", protocol: "tcp", port: "2222", source_ips: ["127.0.0.0/8"] },
      ]),
      wait,
    );
    assert.strictEqual(a.machine.inboundAllowed("tcp", 22, "127.0.0.1"), false);

    await client.actions.waitFor(await client.firewalls.removeFromServers(ssh.firewall.id, [a.id]), wait);
    await client.actions.waitFor(
      await client.firewalls.removeFromResources(created.firewall.id, [
        { type: "server", server: { id: a.id } },
        { type: "label_selector", label_selector: { selector: "role=worker" } },
      ]),
      wait,
    );
    assert.strictEqual(a.machine.inboundAllowed("tcp", 50000, "127.0.0.1"), true);
    assert.deepStrictEqual(
      (await client.firewalls.list({ name: "talos-kubespan" })).map((f) => f.applied_to),
      [[]],
    );
    assert.deepStrictEqual(
      (await client.firewalls.list({ labelSelector: "cluster=c1" })).map((f) => f.id),
      [created.firewall.id],
    );
    const relabelled = await client.firewalls.update(created.firewall.id, {
      name: "kubespan",
      labels: { cluster: "c2" },
    });
    assert.deepStrictEqual(
      [relabelled.name, relabelled.labels, relabelled.rules],
      ["kubespan", { cluster: "c2" }, created.firewall.rules],
    );
    const clash = await rejection(client.firewalls.update(created.firewall.id, { name: "ssh" }));
    assert.strictEqual(
      clash.message,
      `Cloud PUT /firewalls/${created.firewall.id} failed: uniqueness_error (409): firewall with name 'ssh' already exists`,
    );
    await client.firewalls.delete(created.firewall.id);
    assert.strictEqual(await client.firewalls.get(created.firewall.id), undefined);
  });

  it("a server created with firewalls gets them at once; deleting the server detaches them", async () => {
    const fw = await client.firewalls.create({ name: "deny-all" });
    const r = await client.servers.create({
      name: "guarded",
      serverType: "cax21",
      image: "debian-12",
      firewalls: [fw.firewall.id],
    });
    await client.actions.waitFor([r.action, ...r.nextActions], wait);
    assert.strictEqual(
      world.get(`cloud-${r.server.id}`).inboundAllowed("udp", 51820, "127.0.0.1"),
      false,
      "a firewall without in rules drops all inbound",
    );
    await client.actions.waitFor([await client.servers.delete(r.server.id)], wait);
    assert.deepStrictEqual((await client.firewalls.get(fw.firewall.id))!.applied_to, []);
    await client.firewalls.delete(fw.firewall.id);
  });
});
