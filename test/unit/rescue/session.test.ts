/**
 * RescueSession against a scripted in-process SSH server: connect retries with injected sleep, what
 * counts as permanent, the exact command line sent, rescue verification, lost connections, detached
 * commands and secret masking in errors.
 * Does not prove: behaviour against the simulated rescue system or a real sshd (see
 * test/integration/rescue-ssh.test.ts), nor real timing.
 */
import * as assert from "assert";
import * as net from "net";
import { AuthContext, Server, ServerChannel } from "ssh2";
import { isError } from "../../../provider/internal/errors";
import { registerSecret } from "../../../provider/internal/log";
import { RescueCommandError, RescueSession, bashCommand } from "../../../provider/rescue/session";
import { generateEd25519KeyPair } from "../../../provider/rescue/session-keys";
import { rejection } from "../../helpers/rejection";

type Behaviour = (command: string, ch: ServerChannel, sock: net.Socket) => void;
const HOST_KEY = generateEd25519KeyPair();
const reply =
  (stdout: string, code = 0, stderr = ""): Behaviour =>
  (_c, ch) => {
    ch.write(stdout);
    ch.stderr.write(stderr);
    ch.exit(code);
    ch.end();
  };

/** An SSH server whose exec requests are answered by `behaviour`; records every command. */
async function fakeServer(
  behaviour: Behaviour,
  port = 0,
): Promise<{ port: number; commands: string[]; close(): Promise<void> }> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const ssh = new Server({ hostKeys: [HOST_KEY.private] }, (client) => {
    client.on("error", () => undefined);
    client.on("authentication", (ctx: AuthContext) =>
      ctx.method === "password" && ctx.password === "pw" ? ctx.accept() : ctx.reject(["password"]),
    );
    client.on("ready", () =>
      client.on("session", (accept) =>
        accept().on("exec", (acc, _rej, info) => {
          commands.push(info.command);
          behaviour(info.command, acc(), [...sockets].pop()!);
        }),
      ),
    );
  });
  const tcp = net.createServer((s) => (sockets.add(s), s.on("error", () => undefined), ssh.injectSocket(s)));
  await new Promise<void>((resolve) => tcp.listen(port, "127.0.0.1", resolve));
  return {
    port: (tcp.address() as net.AddressInfo).port,
    commands,
    close: () => new Promise<void>((resolve) => (tcp.close(() => resolve()), sockets.forEach((s) => s.destroy()))),
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe("RescueSession (scripted SSH server)", function () {
  this.timeout(20_000);
  const open = (port: number, o = {}) =>
    RescueSession.connect({ host: "127.0.0.1", port, password: "pw", deadlineMs: 5000, backoff: { jitter: 0 }, ...o });

  it("retries refused connections with backoff until the rescue system answers", async () => {
    const port = await freePort();
    const sleeps: number[] = [];
    let server: Awaited<ReturnType<typeof fakeServer>> | undefined;
    const session = await open(port, {
      deadlineMs: 600_000,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        if (sleeps.length === 2) server = await fakeServer(reply(""), port);
      },
    });
    assert.deepStrictEqual(sleeps, [1000, 2000]);
    assert.match(session.hostKeyFingerprint, /^SHA256:/);
    await session.close();
    await server!.close();
  });

  it("needs a key or a password, and does not retry a key it cannot parse", async () => {
    await assert.rejects(RescueSession.connect({ host: "127.0.0.1", deadlineMs: 1000 }), {
      name: "InputError",
      message: "[privateKey] a private key or a password is needed to log in to the rescue system",
    });
    let slept = 0;
    const err = await rejection(
      RescueSession.connect({
        host: "127.0.0.1",
        port: 1,
        privateKey: "not a key",
        deadlineMs: 60_000,
        sleep: async () => void slept++,
      }),
    );
    assert.ok(isError(err, "RescueConnectError"));
    assert.strictEqual(
      err.message,
      "SSH to rescue 127.0.0.1:1 failed: Cannot parse privateKey: Unsupported key format",
    );
    assert.strictEqual(slept, 0);
  });

  it("never puts the password in a connection error", async () => {
    const server = await fakeServer(reply(""));
    const err = await rejection(
      open(server.port, { password: "hunter2-wrong", deadlineMs: 300, backoff: { initialMs: 50, jitter: 0 } }),
    );
    assert.ok(isError(err, "DeadlineError"));
    assert.ok(!err.message.includes("hunter2"), err.message);
    assert.match(err.message, /authentication as root was refused/);
    await server.close();
  });

  it("runs scripts as `bash -c 'set -euo pipefail; …'`, quoted for the login shell", async () => {
    const server = await fakeServer(reply("hi\n"));
    const s = await open(server.port);
    assert.strictEqual((await s.run("echo 'hi'", { timeoutMs: 5000 })).stdout, "hi\n");
    assert.deepStrictEqual(server.commands, [`bash -c 'set -euo pipefail; echo '\\''hi'\\'''`]);
    assert.strictEqual(bashCommand("a && b"), "bash -c 'set -euo pipefail; a && b'");
    await s.close();
    await server.close();
  });

  it("verifyRescue accepts hostname rescue with a rescue marker and names the hostname otherwise", async () => {
    for (const [out, ok] of [
      ["rescue\nmarker\n", true],
      ["rescue\nnone\n", false],
      ["talos-k8s-1\nnone\n", false],
    ] as const) {
      const server = await fakeServer(reply(out));
      const s = await open(server.port);
      const hostname = out.split("\n")[0];
      if (ok) await s.verifyRescue();
      else {
        await assert.rejects(s.verifyRescue(), {
          name: "NotRescueError",
          message: `127.0.0.1:${server.port} is not in the Hetzner rescue system: hostname is "${hostname}" and neither /etc/motd nor /etc/hetzner-build marks a rescue system`,
        });
      }
      await s.close();
      await server.close();
    }
  });

  it("masks registered secrets in the stderr a RescueCommandError carries, keeping the last 20 lines", async () => {
    registerSecret("tok-3f9a1c7e5b");
    const stderr =
      Array.from({ length: 25 }, (_, i) => `line ${i}`).join("\n") +
      "\ncurl: (22) https://factory/x?token=tok-3f9a1c7e5b 404\n";
    const server = await fakeServer(reply("", 22, stderr));
    const s = await open(server.port);
    const err = (await rejection(
      s.run("curl …", { timeoutMs: 5000, what: "downloading image" }),
    )) as RescueCommandError;
    assert.strictEqual(err.stderrTail.length, 20);
    assert.strictEqual(err.stderrTail[0], "line 6");
    assert.strictEqual(err.stderrTail[19], "curl: (22) https://factory/x?token=[secret] 404");
    assert.ok(
      err.message.startsWith(`downloading image on rescue 127.0.0.1:${server.port} exited with code 22:\nline 6\n`),
    );
    assert.ok(!err.message.includes("tok-3f9a1c7e5b"));
    await s.close();
    await server.close();
  });

  it("reports a connection lost mid-command, and later calls fail the same way", async () => {
    const server = await fakeServer((_c, ch, sock) => (ch.write("partial"), setTimeout(() => sock.destroy(), 20)));
    const s = await open(server.port);
    const lost = `SSH connection to rescue 127.0.0.1:${server.port} was lost during writing image (no exit status received)`;
    await assert.rejects(s.run("dd …", { timeoutMs: 5000, what: "writing image" }), {
      name: "RescueConnectionLostError",
      message: lost,
    });
    await assert.rejects(s.run("true", { timeoutMs: 5000, what: "writing image" }), {
      name: "RescueConnectionLostError",
      message: lost,
    });
    await server.close();
  });

  it("runDetached: a dropped connection or a still-running command is fine, a failing command is not", async () => {
    const server = await fakeServer((command, ch, sock) => {
      if (command.includes("reboot")) setTimeout(() => sock.destroy(), 20);
      else if (command.includes("exit 7")) reply("", 7, "no such command\n")(command, ch, sock);
      // anything else keeps running
    });
    const s = await open(server.port);
    await s.runDetached("sleep 100", { waitMs: 100 });
    await assert.rejects(s.runDetached("exit 7"), {
      name: "RescueCommandError",
      message: `command on rescue 127.0.0.1:${server.port} exited with code 7:\nno such command`,
    });
    await s.runDetached("reboot");
    await s.close();
    await server.close();
  });
});
