/**
 * The example EchoResource through the REAL dynamic-provider host, with `__provider` produced by the
 * real serializer: configure, check, diff, create, read, update, delete, errors, import, secrets.
 * Does not prove anything about the Pulumi CLI's own engine beyond what contract §1–§4 describes.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EchoResource } from "../../../provider/resources/example-echo";
import { shimProvider } from "../../../provider/resources/framework";
import { HostCallError } from "../../../provider/sim/pulumi/host-errors";
import { assertNoSecrets } from "../../helpers/secrets-scan";
import { EngineHarness, UNKNOWN, capturedProvider, secret } from "../harness";

const TOKEN = "hcloud-token-0123456789";
const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:Echo::e1";

describe("engine: EchoResource through the real dynamic-provider host", function () {
  this.timeout(60000);
  let h: EngineHarness;
  let provider: string;

  before(async () => {
    provider = await capturedProvider(() => new EchoResource("e1", { message: "hi" }));
    h = await EngineHarness.start();
  });
  after(async () => h?.stop());

  it("registers with the type token and a small serialized shim that holds no secret", async () => {
    const direct = await (() => {
      const provider = shimProvider("example-echo"); // same variable name as sdk/nodejs/dynamic/index.ts
      return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    })();
    assert.strictEqual(direct.text, provider, "mock-captured text equals the serializer's output");
    assert.ok(provider.length < 4096, `__provider is ${provider.length} bytes`);
    assert.ok(provider.includes('require("pulumi-talos-hetzner/runtime").dispatch(resourceModule, "create", inputs)'));
    assert.strictEqual(direct.containsSecrets, false);
    assert.ok(!provider.includes(TOKEN));
    const res = new EchoResource("e2", { message: "x" });
    const urn = await new Promise((r) => res.urn.apply(r));
    assert.strictEqual(urn, "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:Echo::e2");
  });

  it("answers GetPluginInfo, refuses secrets in Configure and leaves CheckConfig unimplemented", async () => {
    assert.deepStrictEqual(await h.raw.pluginInfo(), { version: "3.270.0" });
    const configured = await h.configure({ "hcloud:token": secret(TOKEN), "hcloud:endpoint": "http://cloud.sim/v1" });
    assert.deepStrictEqual(configured, { acceptSecrets: false });
    const proto = require("@pulumi/pulumi/proto/provider_pb.js");
    await assert.rejects(h.raw.raw("checkConfig", new proto.CheckRequest()), {
      name: "HostCallError",
      code: 12,
      details: "CheckConfig is not implemented by the dynamic provider",
    });
  });

  it("checks inputs, writing __provider back and reporting failures by property", async () => {
    const ok = await h.check(URN, {}, { __provider: provider, message: "hi" });
    assert.deepStrictEqual(ok, { inputs: { __provider: provider, message: "hi" }, failures: [] });
    const bad = await h.check(URN, {}, { __provider: provider, message: 42 });
    assert.deepStrictEqual(bad.failures, [{ property: "message", reason: "[message] must be a string" }]);
  });

  it("passes unknown values of a preview through check and reports them as changes in diff", async () => {
    const checked = await h.check(URN, {}, { __provider: provider, message: UNKNOWN });
    assert.deepStrictEqual(checked, { inputs: { __provider: provider, message: UNKNOWN }, failures: [] });
    const diff = await h.diff("echo-x", URN, { __provider: provider, message: "old" }, checked.inputs);
    assert.deepStrictEqual([diff.changes, diff.replaces], ["some", []]);
  });

  it("creates, diffs, updates, reads and deletes", async () => {
    const checked = await h.check(URN, {}, { __provider: provider, message: "hi" });
    const created = await h.create(URN, checked.inputs);
    assert.strictEqual(created.id, "echo-1");
    assert.deepStrictEqual(created.properties, {
      __provider: provider,
      message: "hi",
      echoed: "hi",
      secretEcho: "secret:hi",
      endpoint: "http://cloud.sim/v1",
    });
    const same = await h.diff(created.id, URN, created.properties, checked.inputs);
    assert.deepStrictEqual(same, {
      changes: "none",
      replaces: [],
      stables: [],
      deleteBeforeReplace: false,
      hasDetailedDiff: false,
    });
    const msg = await h.diff(created.id, URN, created.properties, { ...checked.inputs, message: "ho" });
    assert.deepStrictEqual([msg.changes, msg.replaces], ["some", []]);
    const gen = await h.diff(created.id, URN, created.properties, { ...checked.inputs, generation: 2 });
    assert.deepStrictEqual([gen.changes, gen.replaces], ["some", ["generation"]]);
    const updated = await h.update(created.id, URN, created.properties, { ...checked.inputs, message: "ho" });
    assert.deepStrictEqual(updated.properties, {
      __provider: provider,
      message: "ho",
      echoed: "ho",
      secretEcho: "secret:ho",
      endpoint: "http://cloud.sim/v1",
    });
    const read = await h.read(created.id, URN, updated.properties, checked.inputs);
    assert.deepStrictEqual(read, { id: "echo-1", properties: updated.properties });
    await h.delete(created.id, URN, updated.properties);
    assert.deepStrictEqual(await h.read(created.id, URN, updated.properties), {
      id: "",
      properties: { __provider: provider },
    });
    assert.ok(h.logs.includes('[echo-1] step 1/1: echoing "hi"'), h.logs.join("\n"));
  });

  it("surfaces a create error with its message and keeps a partially created resource", async () => {
    const inputs = { __provider: provider, message: "m", failWith: "quota exceeded for echo" };
    await assert.rejects(h.create(URN, inputs), (e: HostCallError) => {
      assert.deepStrictEqual(
        [e.name, e.code, e.details, e.initFailure],
        ["HostCallError", 2, "quota exceeded for echo", undefined],
      );
      return true;
    });
    const partial = { __provider: provider, message: "m", failAfterCreateWith: "bootstrap failed" };
    await assert.rejects(h.create(URN, partial), (e: HostCallError) => {
      assert.strictEqual(e.details, "bootstrap failed");
      assert.deepStrictEqual(e.initFailure, {
        id: "echo-2",
        reasons: ["bootstrap failed"],
        properties: { ...partial, echoed: "m", secretEcho: "secret:m", endpoint: "http://cloud.sim/v1" },
      });
      return true;
    });
  });

  it("fails a Read with only an id (pulumi import) as the contract says", async () => {
    await assert.rejects(h.read("echo-1", URN), {
      name: "HostCallError",
      code: 2,
      details: "code must be a string, not undefined",
    });
  });

  it("previews with check and diff only, and refreshes with read then a reverse diff", async () => {
    const checked = await h.check(URN, {}, { __provider: provider, message: "p" });
    const created = await h.create(URN, checked.inputs);
    h.record(URN, created.id, checked.inputs, created.properties, ["secretEcho"]);
    const calls = h.transcript.length;
    const preview = await h.preview(URN, { __provider: provider, message: "q", generation: 1 });
    assert.deepStrictEqual([preview.op, preview.diff?.replaces], ["replace", ["generation"]]);
    assert.deepStrictEqual(
      h.transcript.slice(calls).map((c) => c.method),
      ["check", "diff"],
    );
    const refreshed = await h.refresh(URN);
    assert.deepStrictEqual([refreshed.gone, refreshed.diff?.changes], [false, "none"]);
    await h.delete(created.id, URN, created.properties);
    assert.deepStrictEqual(await h.refresh(URN), { gone: true });
  });

  it("keeps secrets out of recorded state, logs and the serialized provider", async () => {
    const checked = await h.check(URN, {}, { __provider: provider, message: "classified" });
    const created = await h.create(URN, checked.inputs);
    h.record(URN, created.id, checked.inputs, created.properties, ["secretEcho"]);
    const afterConfigure = h.transcript.filter((c) => c.method !== "configure");
    assertNoSecrets(
      [h.persistedState(), h.logs, provider, afterConfigure],
      [TOKEN],
      ["state", "logs", "__provider", "transcript"],
    );
    assertNoSecrets([h.persistedState(), h.logs], ["secret:classified"], ["state", "logs"]);
    h.record(URN, created.id, checked.inputs, created.properties, []);
    assert.throws(() => assertNoSecrets([h.persistedState()], ["secret:classified"], ["state"]), {
      message:
        /^1 secret leak\(s\):\n {2}secret sha256:[0-9a-f]{8} found as plaintext in state\[0\]\.outputs\.secretEcho$/,
    });
  });
});
