import * as assert from "assert";
import {
  assertLabels,
  selectorFor,
  talosImageLabels,
  tempResourceLabels,
  validLabelKey,
  validLabelValue,
} from "../../../provider/internal/labels";

const ID = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

// Does not prove: that the real Hetzner API accepts these labels (the rule is hcloud-go's, from the contract).
describe("internal/labels", () => {
  it("validLabelValue follows the hcloud-go value rule", () => {
    const table: [string, boolean][] = [
      ["", true],
      ["a", true],
      ["v1.13.9", true],
      ["x".repeat(63), true],
      ["x".repeat(64), false],
      ["a/b", false],
      ["a:b", false],
      ["-a", false],
      ["a-", false],
      ["a_b.c-d", true],
      ["ä", false],
      [" a", false],
    ];
    assert.deepStrictEqual(
      table.map(([v]) => [v, validLabelValue(v)]),
      table,
    );
  });

  it("validLabelKey accepts prefixed keys and refuses the reserved hetzner.cloud prefix", () => {
    const table: [string, boolean][] = [
      ["os", true],
      ["talos-hetzner/temp", true],
      ["a.b.c/x_y", true],
      ["hetzner.cloud/x", false],
      ["/x", false],
      ["x/", false],
      ["k".repeat(64), false],
      ["k".repeat(63), true],
      ["a b", false],
    ];
    assert.deepStrictEqual(
      table.map(([k]) => [k, validLabelKey(k)]),
      table,
    );
  });

  it("talosImageLabels shortens the schematic to 32 hex chars and maps the architecture", () => {
    assert.deepStrictEqual(talosImageLabels({ version: "v1.13.9", arch: "amd64", schematicId: ID }), {
      os: "talos",
      "talos-version": "v1.13.9",
      arch: "x86",
      "talos-schematic": "376567988ad370138ad8b2698212367b",
      "created-by": "pulumi-talos-hetzner",
    });
    assert.strictEqual(talosImageLabels({ version: "v1.11.5", arch: "arm64", schematicId: ID }).arch, "arm");
    assert.throws(() => talosImageLabels({ version: "v1.13.9", arch: "amd64", schematicId: "abc" }), {
      name: "InputError",
      message: '[schematicId] must be 64 lowercase hex characters, got "abc"',
    });
  });

  it("selectorFor joins k=v with commas and validates", () => {
    assert.strictEqual(selectorFor({ os: "talos", "talos-version": "v1.11.3" }), "os=talos,talos-version=v1.11.3");
    assert.throws(() => selectorFor({ os: "a:b" }), {
      name: "InputError",
      message:
        '[labels] value "a:b" of "os" is not a valid label value (values: ≤63 characters, alphanumeric at both ends, "-", "_" or "." inside, no "/" or ":")',
    });
  });

  it("tempResourceLabels marks temp resources with the run id and refuses a bad run id", () => {
    assert.deepStrictEqual(tempResourceLabels("1a2b3c4d"), {
      "talos-hetzner/temp": "true",
      "talos-hetzner/run": "1a2b3c4d",
      "created-by": "pulumi-talos-hetzner",
    });
    assert.throws(() => tempResourceLabels("run/1"), /^InputError: \[runId\] value "run\/1" of "talos-hetzner\/run"/);
    assert.throws(
      () => assertLabels({ "hetzner.cloud/x": "y" }, "extraLabels"),
      /\[extraLabels\] key "hetzner.cloud\/x" is not a valid label key/,
    );
  });
});
