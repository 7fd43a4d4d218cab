/**
 * The simulated Talos API sits behind the machine's firewall (issue 16, item 1): with a filter that
 * admits port 50000 only from the admin address, a stranger's connection is closed before a byte of
 * either wire format (TLS for the real gRPC API, HTTP for the stand-in) comes back, while the admin
 * reaches both on the same node; the real talosctl still talks to the node from the admin address.
 * Does not prove: that the library sets such a filter (test/engine/…/maintenance-window.test.ts does).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { FakeWorld } from "../../../../helpers/fake-world";
import { realTalosctlPath, runTalosctl } from "../../../../helpers/real-talosctl";
import { loadTalosApi } from "../../../../../provider/sim/talos/grpc/descriptors";
import { installTalosRuntime } from "../../../../../provider/sim/talos/runtime";
import { TalosTestMachine, testMachineSpec } from "../../../../../provider/sim/testing/talos-machine";

// Loopback addresses of this process's nodes (another process running these tests gets other ones).
const NODE = `127.${150 + (process.pid % 50)}.93.2`;
const ADMIN = "127.0.0.1";
const STRANGER = "127.0.0.2";

/** What came back on a stand-in HTTP request from `localAddress`: the status line, or "closed" with no byte. */
function httpAttempt(localAddress: string): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const s = net.connect({ host: NODE, port: 50000, localAddress }, () =>
      s.write(`GET /handshake HTTP/1.1\r\nHost: ${NODE}\r\nConnection: close\r\n\r\n`),
    );
    s.on("data", (b: Buffer) => (got += b.toString("utf8")));
    s.on("error", () => undefined);
    s.on("close", () => resolve(got ? got.split("\r\n")[0] : "closed"));
    s.setTimeout(5000, () => s.destroy());
  });
}

/** Whether a TLS handshake (the gRPC side) from `localAddress` completes. */
function tlsAttempt(localAddress: string): Promise<"handshake" | "closed"> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: NODE, port: 50000, localAddress });
    const s = tls.connect({ socket, servername: "", rejectUnauthorized: false, ALPNProtocols: ["h2"] });
    s.once("secureConnect", () => (s.destroy(), resolve("handshake")));
    s.on("error", () => resolve("closed"));
    s.on("close", () => resolve("closed"));
    s.setTimeout(5000, () => s.destroy());
  });
}

describe("sim: the Talos API honours the machine's firewall", function () {
  this.timeout(60000);
  let machine: TalosTestMachine;
  before(async () => {
    const world = new FakeWorld(0.001);
    installTalosRuntime(world);
    machine = new TalosTestMachine(world, testMachineSpec("fw-node", NODE), {
      version: "v1.13.9",
      arch: "amd64",
      platform: "metal",
      schematic: "s",
    });
    world.machines.set(machine.id, machine);
    await machine.start();
    machine.setInboundFilter((proto, port, ip) => proto === "tcp" && port === 50000 && ip === ADMIN);
  });
  after(async () => machine?.destroy());

  it("closes a stranger's connection unanswered on both wire formats", async () => {
    assert.deepStrictEqual([await httpAttempt(STRANGER), await tlsAttempt(STRANGER)], ["closed", "closed"]);
  });

  it("answers the admin address on both wire formats", async function () {
    assert.strictEqual(await httpAttempt(ADMIN), "HTTP/1.1 200 OK");
    if (!loadTalosApi()) return this.skip();
    assert.strictEqual(await tlsAttempt(ADMIN), "handshake");
  });

  it("lets the real talosctl read the maintenance node from the admin address", async function () {
    const bin = realTalosctlPath();
    if (!bin || !loadTalosApi()) return this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fw-talosctl-"));
    const r = await runTalosctl(bin, ["version", "--insecure", "-n", NODE, "-e", NODE], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server:\n\s+NODE:\s+127\.\d+\.93\.2\n\s+Tag:\s+v1\.13\.9\n/);
  });

  it("answers the stranger once the filter is lifted (the filter, not the address, closed it)", async () => {
    machine.setInboundFilter(undefined);
    assert.strictEqual(await httpAttempt(STRANGER), "HTTP/1.1 200 OK");
  });
});
