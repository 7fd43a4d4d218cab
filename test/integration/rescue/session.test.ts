/**
 * The rescue SSH server and the library's RescueSession against each other, for real: who may log in,
 * a fresh host key per rescue boot with pinning, streamed output and stdin, typed failures, power
 * commands ending the session, and the dropSshAfterBytes fault.
 * Does not prove: behaviour against OpenSSH's sshd (only the ssh2 server the simulator uses), nor
 * timings of a real rescue boot.
 */
import * as assert from "assert";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { Client } from "ssh2";
import { isError } from "../../../provider/internal/errors";
import { RescueCommandError, RescueSession } from "../../../provider/rescue/session";
import { generateEd25519KeyPair } from "../../../provider/rescue/session-keys";
import { LoopRescue, bootLoopRescue } from "../../../provider/sim/machines/rescue/loop-host";
import { rescueSkipReason } from "../../../provider/sim/machines/rescue/support";
import { robotServerScenario } from "../../../provider/sim/apis/robot/scenario";
import { MachineFaults, MachineSpec, RescueArm } from "../../../provider/sim/types";
import { rejection } from "../../helpers/rejection";

// Loopback addresses of this process's machines: another process running these tests at the same time gets other ones.
const NET = `127.${200 + (process.pid % 50)}.3`;

const IP = `${NET}.2`;
const KEY = generateEd25519KeyPair();
const OTHER_KEY = generateEd25519KeyPair();
const ARM: RescueArm = { authorizedKeys: [`${KEY.public} operator@laptop`], password: "ssh-test-pw" };
const FAST = { initialMs: 20, maxMs: 50, jitter: 0 };

function spec(faults?: MachineFaults): MachineSpec {
  return robotServerScenario(3, { machine: { id: "ssh-1", ipv4: IP, gateway: `${NET}.1`, faults } }).machine;
}

describe("rescue SSH: server and RescueSession", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rescue-ssh-"));
  let rescue: LoopRescue | undefined;
  const boot = async (faults?: MachineFaults) => (rescue = await bootLoopRescue(spec(faults), ARM, dir));
  const connect = (o: Partial<Parameters<typeof RescueSession.connect>[0]> = {}) =>
    RescueSession.connect({ host: IP, privateKey: KEY.private, deadlineMs: 10_000, backoff: FAST, ...o });

  before(function () {
    const reason = rescueSkipReason();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
  });
  afterEach(async () => {
    await rescue?.stop();
    rescue = undefined;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lets root in with an armed key or the password, and refuses a wrong key, a wrong password and other users", async () => {
    await boot();
    await (await connect()).close();
    await (await connect({ privateKey: undefined, password: ARM.password })).close();
    const refused = `timed out after 1s waiting for SSH to the rescue system on ${IP}:22 (last error: SSH to rescue ${IP}:22 failed: authentication as root was refused (All configured authentication methods failed))`;
    for (const o of [{ privateKey: OTHER_KEY.private }, { privateKey: undefined, password: "wrong" }]) {
      assert.strictEqual((await rejection(connect({ ...o, deadlineMs: 1000 }))).message, refused);
    }
    const admin = await rejection(connect({ username: "admin", deadlineMs: 1000 }));
    assert.strictEqual(admin.message, refused.replace("authentication as root", "authentication as admin"));
  });

  it("presents a new ed25519 host key on every rescue boot and refuses a pinned old one", async () => {
    const first = (await boot()).system.hostKeyFingerprint;
    assert.match(first, /^SHA256:[A-Za-z0-9+/]{43}$/);
    const tofu = await connect();
    assert.strictEqual(tofu.hostKeyFingerprint, first);
    await tofu.close();
    await rescue!.stop();
    const second = (await boot()).system.hostKeyFingerprint;
    assert.notStrictEqual(second, first);
    const err = await rejection(connect({ expectedHostKeyFingerprint: first, deadlineMs: 500 }));
    assert.ok(isError(err, "DeadlineError"));
    const cause = (err as Error & { cause?: Error }).cause!;
    assert.ok(isError(cause, "HostKeyMismatchError"));
    assert.match(
      cause.message,
      new RegExp(
        `^SSH host key of ${IP.replace(/\./g, "\\.")}:22 is ${second.replace(/[+/]/g, "\\$&")} \\(MD5 ([0-9a-f]{2}:){15}[0-9a-f]{2}\\), expected ${first.replace(/[+/]/g, "\\$&")}$`,
      ),
    );
    await (await connect({ expectedHostKeyFingerprint: second })).close();
  });

  it("streams output lines and stdin, quotes scripts safely and reports failures with exit code and stderr tail", async () => {
    await boot();
    const s = await connect();
    const lines: Record<string, string[]> = { stdout: [], stderr: [] };
    const r = await s.run("echo one; echo two >&2; printf 'three'", {
      timeoutMs: 10_000,
      onLine: (l, stream) => lines[stream].push(l),
    });
    assert.deepStrictEqual(
      [r.stdout, r.stderr, r.exitCode, lines],
      ["one\nthree", "two\n", 0, { stdout: ["one", "three"], stderr: ["two"] }],
    );
    assert.strictEqual(
      (await s.run(`echo 'a'"'"'b' "$HOME" $((6*7))`, { timeoutMs: 10_000 })).stdout,
      "a'b /root 42\n",
    );

    const image = randomBytes(3 * 2 ** 20);
    const sum = createHash("sha256").update(image).digest("hex");
    const dd = await s.run(
      "dd of=/dev/nvme1n1 bs=1M conv=fsync status=none; head -c 3145728 /dev/nvme1n1 | sha256sum",
      { timeoutMs: 20_000, stdin: Readable.from([image]) },
    );
    assert.strictEqual(dd.stdout, `${sum}  -\n`);
    const onDisk = Buffer.alloc(image.length);
    const fd = fs.openSync(rescue!.host.diskFile(1), "r");
    fs.readSync(fd, onDisk, 0, onDisk.length, 0);
    fs.closeSync(fd);
    assert.ok(onDisk.equals(image), "the bytes piped into dd are in the machine's disk file");

    const err = await rejection(
      s.run("echo partial; echo 'first problem' >&2; echo 'dd: error writing' >&2; exit 3", {
        timeoutMs: 10_000,
        what: "writing image",
      }),
    );
    assert.ok(isError(err, "RescueCommandError"));
    assert.strictEqual(
      err.message,
      `writing image on rescue ${IP}:22 exited with code 3:\nfirst problem\ndd: error writing`,
    );
    assert.deepStrictEqual(
      [(err as RescueCommandError).exitCode, (err as RescueCommandError).stderrTail],
      [3, ["first problem", "dd: error writing"]],
    );
    assert.strictEqual(
      ((await rejection(s.run("false | cat", { timeoutMs: 10_000 }))) as RescueCommandError).exitCode,
      1,
      "pipefail is on",
    );
    await s.close();
  });

  it("passes a killing signal back as the exit signal, and offers a plain shell", async () => {
    await boot();
    const s = await connect();
    // $PPID is the login shell (dash) that sshd started; killing it ends the session's command with SIGTERM (ssh2 reports signal names with the SIG prefix).
    const err = (await rejection(s.run("kill -TERM $PPID; sleep 0.3", { timeoutMs: 10_000 }))) as RescueCommandError;
    assert.deepStrictEqual(
      [err.message, err.exitCode, err.signal],
      [`command on rescue ${IP}:22 was killed by signal SIGTERM (no stderr)`, null, "SIGTERM"],
    );
    await s.close();
    const client = new Client();
    await new Promise<void>((resolve, reject) =>
      client
        .once("ready", () => resolve())
        .once("error", reject)
        .connect({ host: IP, username: "root", password: ARM.password }),
    );
    const out = await new Promise<string>((resolve) =>
      client.shell(false, (e, ch) => {
        let text = "";
        ch.on("data", (c: Buffer) => (text += c.toString()));
        ch.on("close", () => resolve(text));
        ch.end("hostname; echo $0\nexit\n");
      }),
    );
    client.end();
    assert.strictEqual(out, "rescue\n/bin/bash\n");
  });

  it("kills a command that outlives its timeout", async () => {
    await boot();
    const s = await connect();
    const err = await rejection(s.run("sleep 31", { timeoutMs: 300 }));
    assert.strictEqual(err.message, `timed out after 0s waiting for command on rescue ${IP}:22 to finish`);
    // Scan /proc rather than use pgrep: procps is not among the packages CI installs.
    const count =
      "sleep 0.2; for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -c '^sleep 31 $' || true";
    assert.strictEqual((await s.run(count, { timeoutMs: 10_000 })).stdout, "0\n");
    await s.close();
  });

  for (const [command, expected] of [
    ["reboot", "reboot"],
    ["shutdown -r now", "reboot"],
    ["systemctl reboot", "reboot"],
    ["poweroff", "poweroff"],
    ["halt", "poweroff"],
    ["shutdown -h now", "poweroff"],
  ] as const) {
    it(`'${command}' ends the session and asks the machine to ${expected}`, async () => {
      await boot();
      const s = await connect();
      await s.runDetached(command);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepStrictEqual(rescue!.host.requests, [expected]);
      const lost = await rejection(s.run("true", { timeoutMs: 5000 }));
      assert.strictEqual(
        lost.message,
        `SSH connection to rescue ${IP}:22 was lost during command (no exit status received)`,
      );
      const refused = await rejection(connect({ deadlineMs: 200 }));
      assert.match(
        refused.message,
        new RegExp(`last error: SSH to rescue ${IP.replace(/\./g, "\\.")}:22 failed: ECONNREFUSED`),
      );
    });
  }

  it("dropSshAfterBytes cuts the connection while dd writes, once; the retry completes", async () => {
    await boot({ dropSshAfterBytes: 4 * 2 ** 20 });
    const write = "dd if=/dev/zero of=/dev/nvme1n1 bs=1M count=64 conv=fsync status=none; echo done";
    const err = await rejection((await connect()).run(write, { timeoutMs: 30_000, what: "writing image" }));
    assert.strictEqual(
      err.message,
      `SSH connection to rescue ${IP}:22 was lost during writing image (no exit status received)`,
    );
    const again = await connect();
    assert.strictEqual((await again.run(write, { timeoutMs: 30_000 })).stdout, "done\n");
    await again.close();
  });
});
