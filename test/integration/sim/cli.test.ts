/**
 * `npm run sim` (dist/provider/sim/cli.js) as a user starts it: one JSON line with endpoints,
 * credentials, stack config and environment that really open the simulated Robot and Cloud APIs,
 * then it stays up until SIGTERM, exits 0 and removes its state directory; bad flags exit 1 with the
 * usage. Does not prove a program run against it (the demo test does that in-process).
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { parseArgs } from "../../../provider/sim/cli";

const CLI = path.resolve(__dirname, "../../../provider/sim/cli.js");

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("npm run sim", function () {
  this.timeout(60000);

  it("prints one JSON line whose endpoints and credentials work, then stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "--robot-servers", "1"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = exitOf(child);
    try {
      const first = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`exited with ${code} before printing`)));
      });
      const info = JSON.parse(first);
      assert.deepStrictEqual(Object.keys(info), [
        "robot",
        "cloud",
        "factory",
        "talosctl",
        "stateDir",
        "controlPlanes",
        "config",
        "env",
      ]);
      assert.strictEqual(info.env.HCLOUD_ENDPOINT, `${info.cloud.url}/v1`);
      assert.strictEqual(info.config["hcloud:token"], info.cloud.token);
      assert.deepStrictEqual(
        info.controlPlanes.map((c: { serverNumber: number }) => c.serverNumber),
        [2321001],
      );
      const cloud = await fetch(`${info.env.HCLOUD_ENDPOINT}/locations`, {
        headers: { authorization: `Bearer ${info.env.HCLOUD_TOKEN}` },
      });
      assert.strictEqual(cloud.status, 200);
      const auth = Buffer.from(`${info.env.HETZNER_ROBOT_USER}:${info.env.HETZNER_ROBOT_PASSWORD}`).toString("base64");
      const robot = await fetch(`${info.env.HETZNER_ROBOT_URL}/server`, {
        headers: { authorization: `Basic ${auth}` },
      });
      assert.deepStrictEqual(
        [
          robot.status,
          ((await robot.json()) as { server: { server_number: number } }[]).map((s) => s.server.server_number),
        ],
        [200, [2321001]],
      );
      assert.ok(fs.existsSync(info.stateDir));
      child.kill("SIGTERM");
      assert.strictEqual(await exited, 0);
      assert.strictEqual(fs.existsSync(info.stateDir), false);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("rejects unknown flags and bad values with the usage", async () => {
    const child = spawn(process.execPath, [CLI, "--robot-servers", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    assert.strictEqual(await exitOf(child), 1);
    assert.strictEqual(
      stderr,
      'simulator failed to start: usage: npm run sim -- [--robot-servers N (≥ 1)] [--time-scale X (> 0)]; got "--robot-servers 0"\n',
    );
    assert.deepStrictEqual(parseArgs(["--time-scale", "0.01", "--robot-servers", "5"]), {
      timeScale: 0.01,
      robotServers: 5,
    });
    assert.throws(() => parseArgs(["--verbose"]), {
      message: 'usage: npm run sim -- [--robot-servers N (≥ 1)] [--time-scale X (> 0)]; got "--verbose"',
    });
  });
});
