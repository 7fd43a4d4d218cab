/**
 * The program runner end to end: a program with the EchoResource (through the real dynamic-provider
 * host) and an hcloud SshKey (against the Cloud API simulator): preview, up, no-op preview, update,
 * removal, destroy, and the state file holding no plaintext secret. Does not prove fidelity to the
 * Pulumi CLI's display format or its parallelism (the runner runs steps as the program resolves them).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as hcloud from "@pulumi/hcloud";
import { EchoResource } from "../../../../provider/resources/example-echo";
import { CloudSim, startCloudSim } from "../../../../provider/sim/apis/cloud/server";
import { PlanEntry, runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { FakeWorld } from "../../../helpers/fake-world";
import { assertNoSecrets } from "../../../helpers/secrets-scan";

const TOKEN = "runner-cloud-token-42";
const PASSPHRASE = "correct horse battery staple";
const KEY = `ssh-ed25519 ${Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]).toString("base64")} admin`;
const ECHO = "urn:pulumi:dev::project::pulumi-nodejs:dynamic/talos-hetzner:Echo::greeting";
const SSHKEY = "urn:pulumi:dev::project::hcloud:index/sshKey:SshKey::admin";

/** Plan entries by URN order: the registration order depends on how fast each resource's inputs resolve. */
const sorted = (plan: PlanEntry[]) => [...plan].sort((a, b) => a.urn.localeCompare(b.urn));
const opOf = (plan: PlanEntry[], urn: string) => plan.find((p) => p.urn === urn)?.op;

function program(message: string, withKey = true) {
  return async () => {
    const echo = new EchoResource("greeting", { message });
    const outputs: Record<string, unknown> = {
      echoed: echo.echoed,
      secretEcho: echo.secretEcho,
      endpoint: echo.endpoint,
    };
    if (withKey)
      outputs.fingerprint = new hcloud.SshKey("admin", {
        name: "admin",
        publicKey: KEY,
        labels: { role: "admin" },
      }).fingerprint;
    return outputs;
  };
}

describe("runner: preview/up/destroy of a program with a dynamic resource and an hcloud SshKey", function () {
  this.timeout(60000);
  let world: FakeWorld;
  let sim: CloudSim;
  let dir: string;
  let lines: string[];
  let base: Omit<RunOptions, "program" | "operation">;

  before(async () => {
    world = new FakeWorld(0.0001);
    sim = await startCloudSim(world, { token: TOKEN }, "127.0.0.1", "");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-test-"));
  });
  beforeEach(() => {
    lines = [];
    base = {
      stateFile: path.join(dir, "state.json"),
      passphrase: PASSPHRASE,
      cwd: dir,
      log: (l) => lines.push(l),
      pollIntervalMs: 5,
      config: { "hcloud:token": { secret: TOKEN }, "hcloud:endpoint": sim.endpoint },
    };
  });
  after(async () => {
    assert.deepStrictEqual(sim.violations, []);
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("previews creates without executing anything or writing state", async () => {
    const r = await runProgram({ ...base, program: program("hello"), operation: "preview" });
    assert.deepStrictEqual(sorted(r.plan), [
      { urn: SSHKEY, op: "create", diffKeys: [] },
      { urn: ECHO, op: "create", diffKeys: [] },
    ]);
    assert.deepStrictEqual([r.counts.create, fs.existsSync(base.stateFile), sim.state.sshKeys.size], [2, false, 0]);
    assert.ok(lines.includes('      message: "hello"'), lines.join("\n"));
    assert.ok(lines.includes("Resources: 2 to create"), lines.join("\n"));
  });

  it("creates both resources and returns their outputs", async () => {
    const r = await runProgram({ ...base, program: program("hello"), operation: "up" });
    assert.deepStrictEqual(
      sorted(r.plan).map((p) => p.op),
      ["create", "create"],
    );
    const key = [...sim.state.sshKeys.values()][0];
    assert.deepStrictEqual(r.outputs, {
      echoed: "hello",
      secretEcho: "secret:hello",
      endpoint: sim.endpoint,
      fingerprint: key.fingerprint,
    });
    assert.deepStrictEqual([key.name, key.labels], ["admin", { role: "admin" }]);
  });

  it("keeps secrets encrypted in the state file and out of the log", async () => {
    const text = fs.readFileSync(base.stateFile, "utf8");
    assertNoSecrets(
      [text, JSON.parse(text), lines],
      [TOKEN, PASSPHRASE, "secret:hello"],
      ["state text", "state", "log"],
    );
    const echo = JSON.parse(text).resources.find((r: { urn: string }) => r.urn === ECHO);
    assert.deepStrictEqual(Object.keys(echo.outputs.secretEcho), ["4dabf18193072939515e22adb298388d", "ciphertext"]);
    assert.strictEqual(echo.outputs.echoed, "hello");
  });

  it("previews no change as same, and a changed message as an update of that key", async () => {
    const same = await runProgram({ ...base, program: program("hello"), operation: "preview" });
    assert.deepStrictEqual(sorted(same.plan), [
      { urn: SSHKEY, op: "same", diffKeys: [] },
      { urn: ECHO, op: "same", diffKeys: [] },
    ]);
    lines.length = 0;
    const changed = await runProgram({ ...base, program: program("bye"), operation: "preview" });
    assert.deepStrictEqual(sorted(changed.plan), [
      { urn: SSHKEY, op: "same", diffKeys: [] },
      { urn: ECHO, op: "update", diffKeys: ["message"] },
    ]);
    assert.ok(
      lines.includes(`  ~ ${ECHO} (update) [message]`) && lines.includes('      message: "hello" => "bye"'),
      lines.join("\n"),
    );
  });

  it("updates in place, then deletes a resource removed from the program, then destroys the rest", async () => {
    const up = await runProgram({ ...base, program: program("bye"), operation: "up" });
    assert.deepStrictEqual([opOf(up.plan, ECHO), opOf(up.plan, SSHKEY), up.outputs.echoed], ["update", "same", "bye"]);
    const removed = await runProgram({ ...base, program: program("bye", false), operation: "up" });
    assert.deepStrictEqual(sorted(removed.plan), [
      { urn: SSHKEY, op: "delete", diffKeys: [] },
      { urn: ECHO, op: "same", diffKeys: [] },
    ]);
    assert.strictEqual(sim.state.sshKeys.size, 0);
    const destroyed = await runProgram({ ...base, program: program("bye", false), operation: "destroy" });
    assert.deepStrictEqual(destroyed.plan, [{ urn: ECHO, op: "delete", diffKeys: [] }]);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(base.stateFile, "utf8")).resources, []);
  });

  it("keeps a partially created resource after a failed run and updates it on the next", async () => {
    const stateFile = path.join(dir, "partial.json");
    const failing = async () => ({
      echoed: new EchoResource("greeting", { message: "m", failAfterCreateWith: "bootstrap failed" }).echoed,
    });
    await assert.rejects(runProgram({ ...base, stateFile, program: failing, operation: "up" }), {
      name: "RunFailedError",
      message: `1 resource(s) failed:\n  ${ECHO}: bootstrap failed`,
    });
    const kept = JSON.parse(fs.readFileSync(stateFile, "utf8")).resources;
    assert.deepStrictEqual(
      kept.map((r: { id: string; initErrors: string[] }) => [r.id, r.initErrors]),
      [["echo-1", ["bootstrap failed"]]],
    );
    const fixed = await runProgram({ ...base, stateFile, program: program("m", false), operation: "up" });
    assert.deepStrictEqual(fixed.plan, [{ urn: ECHO, op: "update", diffKeys: ["failAfterCreateWith"] }]);
    assert.strictEqual(JSON.parse(fs.readFileSync(stateFile, "utf8")).resources[0].initErrors, undefined);
  });

  it("keeps undeclared resources when the program throws, and saves what it created", async () => {
    const stateFile = path.join(dir, "throws.json");
    await runProgram({ ...base, stateFile, program: program("a"), operation: "up" });
    const throwing = async () => {
      new hcloud.SshKey("admin", { name: "admin", publicKey: KEY, labels: { role: "admin" } });
      throw new Error("bug in the program");
    };
    await assert.rejects(runProgram({ ...base, stateFile, program: throwing, operation: "up" }), {
      message: "the program failed: bug in the program",
    });
    const kept = JSON.parse(fs.readFileSync(stateFile, "utf8"))
      .resources.map((r: { urn: string }) => r.urn)
      .sort();
    assert.deepStrictEqual(kept, [SSHKEY, ECHO]);
    await runProgram({ ...base, stateFile, program: program("a"), operation: "destroy" });
  });

  it("reports check failures with the property's message and creates nothing", async () => {
    const bad = async () => ({ e: new EchoResource("greeting", { message: 42 as unknown as string }).echoed });
    await assert.rejects(
      runProgram({ ...base, stateFile: path.join(dir, "bad.json"), program: bad, operation: "preview" }),
      {
        name: "RunFailedError",
        message: `1 resource(s) failed:\n  ${ECHO}: check failed: [message] must be a string`,
      },
    );
  });

  it("refuses a wrong passphrase before touching anything", async () => {
    await runProgram({ ...base, program: program("x"), operation: "up" });
    await assert.rejects(runProgram({ ...base, passphrase: "wrong", program: program("x"), operation: "preview" }), {
      message: "[PULUMI_CONFIG_PASSPHRASE] incorrect passphrase: it does not decrypt this state file",
    });
  });
});
