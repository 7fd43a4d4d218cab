/**
 * The resource-side framework: shim provider caching and serialization, secret-output options,
 * output seeding, and settings resolution. Does not prove the shims work inside the real host
 * (test/engine/echo.test.ts does).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  declaredResource,
  secretOutputs,
  seedOutputs,
  shimProvider,
  TYPE_MODULE,
} from "../../../provider/resources/framework";
import { resourceSchema } from "../../../provider/runtime/dispatch/schema";
import { captureStackConfig, requireSetting, resetStackConfig, setting } from "../../../provider/runtime/shared/config";
import { maskSecrets } from "../../../provider/internal/log";

describe("framework: shimProvider", () => {
  it("returns one provider object per module", () => {
    assert.strictEqual(shimProvider("example-echo"), shimProvider("example-echo"));
    assert.notStrictEqual(shimProvider("example-echo"), shimProvider("robot-server"));
    assert.strictEqual(TYPE_MODULE, "talos-hetzner");
  });

  it("rejects a module name that is not kebab-case", () => {
    assert.throws(() => shimProvider("../x"), { message: '[module] "../x" must be lower-case kebab-case' });
  });

  it("serializes to small code that captures only the module name", async () => {
    process.env.HCLOUD_TOKEN = "token-that-must-not-leak";
    const p = shimProvider("example-echo");
    const s = await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true });
    delete process.env.HCLOUD_TOKEN;
    assert.ok(s.text.length < 4096, `serialized provider is ${s.text.length} bytes`);
    assert.strictEqual(s.containsSecrets, false);
    assert.strictEqual(s.text.split('require("pulumi-talos-hetzner/runtime")').length - 1, 7);
    assert.strictEqual(s.text.split('resourceModule: "example-echo"').length - 1, 6);
    assert.ok(!s.text.includes("token-that-must-not-leak"));
    assert.ok(!s.text.includes(process.cwd()), "no absolute path baked in");
  });
});

describe("framework: options and props", () => {
  it("merges additionalSecretOutputs without duplicates or mutation", () => {
    const opts = { protect: true, additionalSecretOutputs: ["a", "b"] };
    assert.deepStrictEqual(secretOutputs(opts, ["b", "c"]), {
      protect: true,
      additionalSecretOutputs: ["a", "b", "c"],
    });
    assert.deepStrictEqual(opts.additionalSecretOutputs, ["a", "b"]);
    assert.deepStrictEqual(secretOutputs(undefined, ["k"]), { additionalSecretOutputs: ["k"] });
  });

  it("seeds output keys with undefined and keeps args untouched", () => {
    const args = { message: "m", echoed: "given" };
    const props = seedOutputs(args, ["echoed", "secretEcho"]);
    assert.deepStrictEqual(Object.keys(props), ["echoed", "secretEcho", "message"]);
    assert.strictEqual(props.echoed, "given");
    assert.strictEqual(props.secretEcho, undefined);
    assert.deepStrictEqual(args, { message: "m", echoed: "given" });
    assert.notStrictEqual(props, args);
  });
});

describe("runtime config: setting resolution", () => {
  afterEach(() => resetStackConfig());
  const source = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

  it("prefers stack config, then environment, then the default", () => {
    const env = { HCLOUD_ENDPOINT: "http://env/v1", HETZNER_ROBOT_URL: "http://robot-env" };
    assert.strictEqual(setting("hcloudEndpoint", {}), "https://api.hetzner.cloud/v1");
    assert.strictEqual(setting("robotUrl", {}), "https://robot-ws.your-server.de");
    assert.strictEqual(setting("imageFactoryUrl", {}), "https://factory.talos.dev");
    assert.strictEqual(setting("hcloudEndpoint", env), "http://env/v1");
    captureStackConfig(source({ "hcloud:endpoint": "http://stack/v1", "talos-hetzner:robotUser": "u1" }));
    assert.strictEqual(setting("hcloudEndpoint", env), "http://stack/v1");
    assert.strictEqual(setting("robotUrl", env), "http://robot-env");
    assert.strictEqual(setting("robotUser", {}), "u1");
    assert.strictEqual(setting("hcloudToken", {}), undefined);
  });

  it("masks secret settings in log lines once resolved", () => {
    captureStackConfig(source({ "talos-hetzner:robotPassword": "pw-from-stack-1" }));
    setting("hcloudToken", { HCLOUD_TOKEN: "tok-from-env-22" });
    assert.strictEqual(maskSecrets("a pw-from-stack-1 b tok-from-env-22"), "a [secret] b [secret]");
  });

  it("requireSetting names the config key and env var, never a value", () => {
    assert.throws(() => requireSetting("hcloudToken", {}), {
      name: "InputError",
      message: "[hcloud:token] is not set: run `pulumi config set --secret hcloud:token ...` or export HCLOUD_TOKEN",
    });
    assert.strictEqual(requireSetting("hcloudToken", { HCLOUD_TOKEN: "abcd1234" }), "abcd1234");
  });
});

describe("framework: declaredResource", () => {
  const f = resourceSchema<"a" | "tok" | "gen", "out" | "key">({
    inputs: { a: {}, tok: { secret: true }, gen: { secret: true, reported: true } },
    outputs: { out: {}, key: { secret: true } },
  });

  it("seeds the outputs and a reported input, and lists a secret input as a secret output only when set (a reported one always)", () => {
    const unset = declaredResource(f, { a: 1 }, undefined);
    assert.deepStrictEqual(
      [Object.keys(unset.props).sort(), unset.opts.additionalSecretOutputs],
      [
        ["a", "gen", "key", "out"],
        ["key", "gen"],
      ],
    );
    const set = declaredResource(f, { a: 1, tok: "t" }, { additionalSecretOutputs: ["x"] });
    assert.deepStrictEqual(set.opts.additionalSecretOutputs, ["x", "key", "tok", "gen"]);
  });

  it("wraps a set secret input as a secret and leaves the others plain", async () => {
    const d = declaredResource(f, { a: 1, tok: "t" }, undefined);
    assert.strictEqual(d.props.a, 1);
    assert.ok(pulumi.Output.isInstance(d.props.tok));
    assert.strictEqual(await pulumi.isSecret(d.props.tok as pulumi.Output<string>), true);
  });
});
