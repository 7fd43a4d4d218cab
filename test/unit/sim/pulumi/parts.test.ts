/**
 * Pure parts of the program runner: passphrase crypter, state file encryption, secret wrappers and
 * the plan display. Does not prove anything about a whole run (runner.test.ts does).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { passphraseCrypter } from "../../../../provider/sim/pulumi/crypter";
import { StateStore } from "../../../../provider/sim/pulumi/state";
import {
  changedInputKeys,
  createLines,
  fieldLines,
  planLine,
  summaryLine,
} from "../../../../provider/sim/pulumi/display";
import { markSecrets, secret, splitSecrets, UNKNOWN } from "../../../../provider/sim/pulumi/values";

describe("runner: passphrase crypter", () => {
  it("round-trips, uses a fresh IV per value and verifies the passphrase against the stored salt", () => {
    const c = passphraseCrypter("pw-1");
    const a = c.encrypt("hello");
    assert.notStrictEqual(a, c.encrypt("hello"));
    assert.match(a, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const again = passphraseCrypter("pw-1", c.saltState);
    assert.strictEqual(again.decrypt(a), "hello");
    assert.throws(() => passphraseCrypter("pw-2", c.saltState), {
      name: "InputError",
      message: "[PULUMI_CONFIG_PASSPHRASE] incorrect passphrase: it does not decrypt this state file",
    });
  });

  it("detects a tampered ciphertext (GCM authentication)", () => {
    const c = passphraseCrypter("pw");
    const [v, iv, body] = c.encrypt("secret-value").split(":");
    const flipped = Buffer.from(body, "base64");
    flipped[0] ^= 1;
    assert.throws(
      () => c.decrypt([v, iv, flipped.toString("base64")].join(":")),
      /Unsupported state or unable to authenticate data/,
    );
  });
});

describe("runner: state file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-state-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const resource = {
    urn: "urn:a",
    type: "t",
    custom: true,
    id: "1",
    dependencies: [],
    secretKeys: ["token"],
    inputs: { token: "tok-value-1", name: "n" },
    outputs: { token: "tok-value-1", name: "n", size: 3 },
  };

  it("encrypts secret keys, keeps others readable, and reloads the same values (mode 0600)", () => {
    const file = path.join(dir, "s.json");
    new StateStore(file, "pp").save({
      resources: [resource],
      outputs: { kube: { a: 1 }, plain: "p" },
      outputSecretKeys: ["kube"],
    });
    const text = fs.readFileSync(file, "utf8");
    assert.ok(!text.includes("tok-value-1"));
    const stored = JSON.parse(text);
    assert.deepStrictEqual(
      [stored.resources[0].outputs.name, stored.resources[0].outputs.size, stored.outputs.plain],
      ["n", 3, "p"],
    );
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    const loaded = new StateStore(file, "pp").load();
    assert.deepStrictEqual(loaded, {
      resources: [resource],
      outputs: { kube: { a: 1 }, plain: "p" },
      outputSecretKeys: ["kube"],
    });
  });

  it("asks for a passphrase only when a secret must be encrypted", () => {
    const file = path.join(dir, "nopass.json");
    new StateStore(file, undefined).save({
      resources: [{ ...resource, secretKeys: [] }],
      outputs: {},
      outputSecretKeys: [],
    });
    assert.throws(() => new StateStore(file, "").save({ resources: [resource], outputs: {}, outputSecretKeys: [] }), {
      message: "[PULUMI_CONFIG_PASSPHRASE] must be set to encrypt or decrypt secrets in the state file",
    });
  });
});

describe("runner: values and display", () => {
  it("splits nested secrets by top-level key and re-marks keys", () => {
    const { plain, secretKeys } = splitSecrets({ a: 1, b: { inner: secret("x") }, c: [secret(2)] });
    assert.deepStrictEqual([plain, secretKeys], [{ a: 1, b: { inner: "x" }, c: [2] }, ["b", "c"]]);
    assert.deepStrictEqual(markSecrets({ a: 1, b: 2 }, ["b", "missing"]), { a: 1, b: secret(2) });
  });

  it("prints plan lines, per-field diffs with secrets and unknowns masked, and a summary", () => {
    assert.deepStrictEqual(
      changedInputKeys({ a: 1, b: [1], __provider: "x" }, { a: 2, b: [1], c: 3, __provider: "y" }),
      ["a", "c"],
    );
    assert.strictEqual(
      planLine({ urn: "urn:x", op: "replace", diffKeys: ["image", "name"] }),
      "  +- urn:x (replace) [image, name]",
    );
    assert.deepStrictEqual(fieldLines(["a", "t", "u"], { a: 1, t: "old" }, { a: 2, t: "new", u: UNKNOWN }, ["t"]), [
      "      a: 1 => 2",
      "      t: [secret] => [secret]",
      "      u: (none) => output<unknown>",
    ]);
    assert.deepStrictEqual(createLines({ z: "v", __provider: "p", k: "s" }, ["k"]), [
      "      k: [secret]",
      '      z: "v"',
    ]);
    assert.strictEqual(
      summaryLine({ create: 2, update: 1, replace: 0, delete: 1, same: 3 }, true),
      "Resources: 2 to create, 1 to update, 1 to delete, 3 unchanged",
    );
    assert.strictEqual(
      summaryLine({ create: 0, update: 0, replace: 1, delete: 0, same: 0 }, false),
      "Resources: 1 replaced",
    );
  });
});
