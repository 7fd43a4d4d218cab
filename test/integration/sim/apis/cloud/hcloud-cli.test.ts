import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { FakeWorld } from "../../../../helpers/fake-world";
import { CloudSim, startCloudSim } from "../../../../../provider/sim/apis/cloud/server";
import { md5Fingerprint } from "../../../../../provider/sim/apis/cloud/ssh-keys";
import { CloudClient } from "../../../../../provider/hetzner/cloud";

const run = promisify(execFile);

/** The hcloud binary on PATH, or undefined. */
function findHcloud(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, "hcloud");
    if (dir && fs.existsSync(file)) return file;
  }
  return undefined;
}

// Independent client check: Debian's hcloud CLI (hcloud-cli 1.30.3, built on hcloud-go v1, 2022) against the simulator.
// Does not prove: compatibility with current CLI releases (1.5x+), nor with commands not run here.
// Recorded deviations where this 2022 CLI expects what the current API removed (the simulator keeps the current API):
// - `datacenter` is no longer in Server objects (removed after 2026-07-01): `server list` prints an empty DATACENTER
//   column, `server describe` prints a zero-valued "Datacenter: ID: 0" block, and the CLI's `location` column (read
//   from server.datacenter.location) is empty.
// - GET /actions without ids (removed 2025-01-30) is not needed by these commands: the CLI waits with
//   GET /actions?id=<id>&page=1, which the simulator answers without `meta`, as the current API does.
describe("cloud sim ↔ Debian hcloud CLI", function () {
  this.timeout(60_000);
  const hcloud = findHcloud();
  let sim: CloudSim;
  let home: string;
  let serverId: number;
  let snapshotId: number;
  const key = `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 9)]).toString("base64")} cli@test`;
  const cli = async (...args: string[]) => {
    const { stdout } = await run(hcloud!, args, {
      env: { PATH: process.env.PATH, HOME: home, HCLOUD_ENDPOINT: sim.endpoint, HCLOUD_TOKEN: sim.token },
      timeout: 20_000,
    });
    return stdout;
  };

  before(async function () {
    if (!hcloud) {
      if (process.env.CI)
        throw new Error("hcloud CLI not found on PATH: CI must install the Debian package hcloud-cli (see .ci/run)");
      console.log("    skipped: hcloud CLI not found on PATH (apt-get install hcloud-cli)");
      this.skip();
    }
    home = fs.mkdtempSync(path.join(os.tmpdir(), "hcloud-cli-home-"));
    sim = await startCloudSim(new FakeWorld(0.0001), { token: "cli-token" }, "127.0.0.1", "");
    const client = new CloudClient({ endpoint: sim.endpoint, token: sim.token, pollIntervalMs: 1 });
    const created = await client.servers.create({
      name: "cp-1",
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "fsn1",
    });
    await client.actions.waitFor([created.action, ...created.nextActions], { timeoutMs: 10_000 });
    const snap = await client.servers.createImage(created.server.id, {
      description: "talos-v1.11.3",
      labels: { os: "talos" },
    });
    await client.actions.waitFor([snap.action], { timeoutMs: 10_000 });
    [serverId, snapshotId] = [created.server.id, snap.image.id];
    sim.requests.length = 0;
  });
  after(async () => {
    if (!sim) return;
    assert.deepStrictEqual(sim.violations, [], "no response the CLI saw may violate the OpenAPI document");
    assert.deepStrictEqual(
      sim.requests.filter((r) => r.status >= 400),
      [],
      "the CLI's requests are all valid",
    );
    await sim.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("server list / describe / poweroff", async () => {
    const list = (await cli("server", "list")).split("\n");
    assert.match(list[0], /^ID\s+NAME\s+STATUS\s+IPV4\s+IPV6\s+PRIVATE NET\s+DATACENTER$/);
    assert.match(
      list[1],
      new RegExp(
        `^${serverId}\\s+cp-1\\s+running\\s+127\\.20\\.0\\.\\d+\\s+2a01:4f8:c0c:${serverId.toString(16)}::/64\\s+-\\s*$`,
      ),
    );
    const describe = await cli("server", "describe", "cp-1");
    assert.match(describe, /Server Type:\tcx23 \(ID: 114\)/);
    assert.match(
      describe,
      /Datacenter:\n  ID:\t\t0\n  Name:\t\t\n/,
      "zero-valued datacenter: the current API no longer sends it",
    );
    assert.strictEqual(await cli("server", "poweroff", "cp-1"), `Server ${serverId} stopped\n`);
    assert.ok(
      sim.requests.some((r) => /^\/actions\?id=\d+&page=1$/.test(r.path)),
      "the CLI waits via GET /actions?id=…",
    );
    assert.ok(
      !sim.requests.some((r) => r.path === "/actions" || r.path.startsWith("/actions?page")),
      "no GET /actions without ids",
    );
  });

  it("image list --type snapshot", async () => {
    const lines = (await cli("image", "list", "--type", "snapshot")).trim().split("\n");
    assert.match(lines[0], /^ID\s+TYPE\s+NAME\s+DESCRIPTION\s+IMAGE SIZE\s+DISK SIZE\s+CREATED\s+DEPRECATED$/);
    assert.strictEqual(lines.length, 2);
    assert.match(lines[1], new RegExp(`^${snapshotId}\\s+snapshot\\s+-\\s+talos-v1\\.11\\.3\\s+-\\s+40 GB\\s+`));
  });

  it("ssh-key create / list / delete", async () => {
    assert.match(await cli("ssh-key", "create", "--name", "x", "--public-key", key), /^SSH key \d+ created\n$/);
    const stored = [...sim.state.sshKeys.values()];
    assert.deepStrictEqual(
      stored.map((k) => [k.name, k.public_key]),
      [["x", key]],
    );
    const list = (await cli("ssh-key", "list")).trim().split("\n");
    assert.match(list[0], /^ID\s+NAME\s+FINGERPRINT$/);
    assert.match(list[1], new RegExp(`^${stored[0].id}\\s+x\\s+${md5Fingerprint(key)}$`));
    assert.strictEqual(await cli("ssh-key", "delete", "x"), "SSH Key x deleted\n");
    assert.strictEqual(sim.state.sshKeys.size, 0);
  });

  it("firewall create --rules-file / describe", async () => {
    const rules = path.join(home, "rules.json");
    fs.writeFileSync(
      rules,
      JSON.stringify([
        { direction: "in", protocol: "udp", port: "51820", source_ips: ["0.0.0.0/0", "::/0"], description: "KubeSpan" },
      ]),
    );
    assert.match(await cli("firewall", "create", "--name", "fw", "--rules-file", rules), /^Firewall \d+ created\n$/);
    const fw = [...sim.state.firewalls.values()][0];
    assert.deepStrictEqual(fw.rules, [
      {
        direction: "in",
        protocol: "udp",
        port: "51820",
        source_ips: ["0.0.0.0/0", "::/0"],
        destination_ips: [],
        description: "KubeSpan",
      },
    ]);
    const out = await cli("firewall", "describe", "fw");
    assert.match(out, new RegExp(`^ID:\\t\\t${fw.id}\\nName:\\t\\tfw\\n`));
    for (const line of [
      "    Description:\tKubeSpan",
      "    Protocol:\t\tudp",
      "    Port:\t\t51820",
      "     \t\t\t0.0.0.0/0",
      "     \t\t\t::/0",
      "Applied To:\n  Not applied",
    ]) {
      assert.ok(out.includes(line), `describe shows ${JSON.stringify(line)}:\n${out}`);
    }
  });
});
