/**
 * sweepTalosImageLeftovers against the Cloud API simulator (instant in-memory machines): it removes
 * only TalosImage's temporary servers, firewalls and keys (servers first, waiting for each delete), spares
 * young ones with `olderThanMs`, and reports a failed delete after trying everything else.
 * Does not prove: anything about leftovers of other tools (their labels differ by design).
 */
import * as assert from "assert";
import { CloudClient } from "../../../../provider/hetzner/cloud";
import { tempResourceLabels } from "../../../../provider/internal/labels";
import { LEFTOVER_SELECTOR, sweepTalosImageLeftovers } from "../../../../provider/runtime/talos-image/sweep";
import { lockLabels, tempLabels } from "../../../../provider/runtime/talos-image/lock";
import { generateEd25519KeyPair } from "../../../../provider/rescue/session-keys";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { FakeWorld } from "../../../helpers/fake-world";

describe("sweepTalosImageLeftovers ↔ Cloud sim", function () {
  this.timeout(30_000);
  let sim: CloudSim;
  let client: CloudClient;
  const IMAGE_KEY = "0123456789abcdef0123456789abcdef";

  const leftover = async (run: string) => {
    const key = await client.sshKeys.create({
      name: `talos-image-${run}`,
      publicKey: generateEd25519KeyPair().public,
      labels: lockLabels(run, IMAGE_KEY, 3, 30_000),
    });
    const fw = await client.firewalls.create({ name: `talos-image-${run}`, labels: tempLabels(run, IMAGE_KEY) });
    const s = await client.servers.create({
      name: `talos-image-${run}`,
      serverType: "cx23",
      image: "ubuntu-24.04",
      sshKeys: [key.id],
      labels: tempLabels(run, IMAGE_KEY),
      firewalls: [fw.firewall.id],
    });
    await client.actions.waitFor([s.action, ...s.nextActions], { timeoutMs: 5000 });
    return { key: key.id, server: s.server.id, firewall: fw.firewall.id };
  };

  before(async () => {
    sim = await startCloudSim(new FakeWorld(0.0001), { token: "sim-token" }, "127.0.0.1", "http://127.0.0.1:1");
    client = new CloudClient({ endpoint: sim.endpoint, token: sim.token, pollIntervalMs: 2 });
  });
  after(async () => {
    assert.deepStrictEqual(sim.violations, [], "every response must match the OpenAPI document");
    await sim.stop();
  });

  // Asks the simulator which resources the selector matches, instead of restating the selector's text.
  it("selects a build's server and lock key, not another tool's temporary key or a user's server", async () => {
    const a = await leftover("dddd0004");
    const user = await client.servers.create({
      name: "db",
      serverType: "cx23",
      image: "debian-12",
      labels: { "created-by": "pulumi-talos-hetzner" },
    });
    const rescueKey = await client.sshKeys.create({
      name: "rescue-temp",
      publicKey: generateEd25519KeyPair().public,
      labels: tempResourceLabels("eeee0005"),
    });
    try {
      const servers = (await client.servers.list({ labelSelector: LEFTOVER_SELECTOR })).map((s) => s.id);
      const keys = (await client.sshKeys.list({ labelSelector: LEFTOVER_SELECTOR })).map((k) => k.id);
      assert.deepStrictEqual([servers, keys], [[a.server], [a.key]]);
    } finally {
      await sweepTalosImageLeftovers({ client, pollMs: 2, log: () => undefined });
      await client.actions.waitFor([await client.servers.delete(user.server.id)], { timeoutMs: 5000 });
      await client.sshKeys.delete(rescueKey.id);
    }
  });

  it("spares young leftovers, then deletes servers before keys and leaves everything else alone", async () => {
    const a = await leftover("aaaa0001");
    const other = await client.servers.create({
      name: "web",
      serverType: "cx23",
      image: "debian-12",
      labels: { role: "web" },
    });
    const foreign = await client.sshKeys.create({
      name: "other-temp",
      publicKey: generateEd25519KeyPair().public,
      labels: tempResourceLabels("bbbb0002"),
    });
    const lines: string[] = [];
    assert.deepStrictEqual(
      await sweepTalosImageLeftovers({ client, olderThanMs: 3_600_000, pollMs: 2, log: (l) => lines.push(l) }),
      { servers: [], firewalls: [], sshKeys: [] },
    );
    const from = sim.requests.length;
    assert.deepStrictEqual(await sweepTalosImageLeftovers({ client, pollMs: 2, log: (l) => lines.push(l) }), {
      servers: [a.server],
      firewalls: [a.firewall],
      sshKeys: [a.key],
    });
    const order = sim.requests
      .slice(from)
      .filter((r) => r.method === "DELETE")
      .map((r) => r.path);
    // The firewall after the server: Cloud refuses to delete a firewall still applied (resource_in_use).
    assert.deepStrictEqual(order, [`/servers/${a.server}`, `/firewalls/${a.firewall}`, `/ssh_keys/${a.key}`]);
    assert.deepStrictEqual(lines, [
      `deleted temporary server ${a.server} (talos-image-aaaa0001)`,
      `deleted temporary firewall ${a.firewall} (talos-image-aaaa0001)`,
      `deleted temporary SSH key ${a.key} (talos-image-aaaa0001)`,
    ]);
    assert.deepStrictEqual(
      [(await client.servers.list()).map((s) => s.id), (await client.sshKeys.list()).map((k) => k.id)],
      [[other.server.id], [foreign.id]],
    );
  });

  it("reports a server it could not delete and the firewall it still holds, after still deleting the keys", async () => {
    const a = await leftover("cccc0003");
    sim.faults.failActions = ["delete_server"];
    try {
      const e = await sweepTalosImageLeftovers({ client, pollMs: 2, log: () => undefined }).then(
        () => assert.fail("expected a failure"),
        (x: Error) => x,
      );
      assert.match(
        e.message,
        new RegExp(
          `^sweeping TalosImage leftovers failed for 2 resource\\(s\\): temporary server ${a.server} \\(talos-image-cccc0003\\): Cloud action \\d+ \\(delete_server\\) failed: action_failed: Action failed; ` +
            `temporary firewall ${a.firewall} \\(talos-image-cccc0003\\): Cloud DELETE /firewalls/${a.firewall} failed: resource_in_use \\(422\\): firewall with ID '${a.firewall}' is still in use$`,
        ),
      );
    } finally {
      sim.faults.failActions = [];
    }
    assert.deepStrictEqual(
      [
        (await client.servers.list({ labelSelector: LEFTOVER_SELECTOR })).map((s) => s.id),
        (await client.sshKeys.list({ labelSelector: LEFTOVER_SELECTOR })).length,
      ],
      [[a.server], 0],
    );
    assert.deepStrictEqual(await sweepTalosImageLeftovers({ client, pollMs: 2, log: () => undefined }), {
      servers: [a.server],
      firewalls: [a.firewall],
      sshKeys: [],
    });
  });
});
