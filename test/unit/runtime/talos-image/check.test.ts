/**
 * Pure parts of TalosImage: input checks (one failure per input, exact texts), the diff rule (what
 * replaces, when the old resource is deleted first), timing from timeouts, server type families,
 * the plan (labels, URL, defaults) and URL redaction.
 * Does not prove: that the Cloud API or the factory accept what the plan names (see the engine tests).
 */
import * as assert from "assert";
import { UNKNOWN_VALUE } from "../../../../provider/runtime/dispatch/types";
import { diffTalosImage } from "../../../../provider/runtime/talos-image";
import { checkInputs, serverTypeArch } from "../../../../provider/runtime/talos-image/check";
import { imageKeyOf, planFor, redactUrl } from "../../../../provider/runtime/talos-image/plan";
import { timingOf } from "../../../../provider/runtime/talos-image/types";
import { VANILLA_SCHEMATIC_ID, schematicId } from "../../../../provider/talos/schematic";

const V = "v1.13.9";

describe("TalosImage check", () => {
  it("fills arch and accepts a complete valid input set", () => {
    const r = checkInputs({
      talosVersion: V,
      schematic: { customization: { extraKernelArgs: ["net.ifnames=0"] } },
      location: "hel1",
      serverType: "cx33",
      labels: { team: "a" },
      description: "d",
      retainOnDelete: true,
      timeouts: { sshSeconds: 5 },
    });
    assert.deepStrictEqual([r.failures, r.inputs.arch], [[], "x86"]);
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    [
      "missing version",
      { talosVersion: undefined },
      "talosVersion",
      '[talosVersion] is required: a Talos version such as "v1.13.9"',
    ],
    ["amd64 arch", { arch: "amd64" }, "arch", '[arch] must be "x86" or "arm", got "amd64" (Hetzner calls amd64 "x86")'],
    [
      "bad schematic id",
      { schematicId: "ABC" },
      "schematicId",
      '[schematicId] must be 64 lowercase hex characters (an Image Factory schematic id), got "ABC"',
    ],
    [
      "unknown schematic field",
      { schematic: { customization: { kernelArgs: [] } } },
      "schematic",
      "[schematic.customization.kernelArgs] field kernelArgs not found in type schematic.customization",
    ],
    ["ftp URL", { imageUrl: "ftp://x/talos.raw.xz" }, "imageUrl", '[imageUrl] must be an http(s) URL, got "ftp:"'],
    [
      "arm64 URL for x86",
      { imageUrl: "https://x/hcloud-arm64.raw.xz" },
      "imageUrl",
      '[imageUrl] names an arm64 image (hcloud-arm64.raw.xz), but arch is "x86"',
    ],
    [
      "location",
      { location: "FSN 1" },
      "location",
      '[location] must be a Hetzner Cloud location name such as "fsn1", got "FSN 1"',
    ],
    [
      "arm type for x86",
      { serverType: "cax21" },
      "serverType",
      '[serverType] "cax21" is an arm server type, but arch is "x86": a snapshot takes the architecture of the server it was taken from, so an x86 image written on it would not boot; use an x86 type such as "cx23" or leave serverType unset',
    ],
    [
      "label value",
      { labels: { team: "a/b" } },
      "labels",
      '[labels] value "a/b" of "team" is not a valid label value (values: ≤63 characters, alphanumeric at both ends, "-", "_" or "." inside, no "/" or ":")',
    ],
    [
      "reserved labels",
      { labels: { arch: "x", "created-by": "me" } },
      "labels",
      '[labels] "arch", "created-by" are set by TalosImage to find the snapshot again; use other keys',
    ],
    ["non-string label", { labels: { n: 1 } }, "labels", '[labels] value of "n" must be a string, got 1'],
    ["retain", { retainOnDelete: "yes" }, "retainOnDelete", '[retainOnDelete] must be true or false, got "yes"'],
    [
      "unknown timeout",
      { timeouts: { bootSeconds: 1 } },
      "timeouts",
      "[timeouts.bootSeconds] is not a known timeout (known: actionSeconds, sshSeconds, writeSeconds, shutdownSeconds, imageSeconds, lockWaitSeconds, heartbeatSeconds)",
    ],
  ];
  for (const [what, change, property, reason] of cases) {
    it(`names the input: ${what}`, () => {
      assert.deepStrictEqual(checkInputs({ talosVersion: V, ...change }).failures, [{ property, reason }]);
    });
  }

  it("skips values unknown at preview", () => {
    assert.deepStrictEqual(
      checkInputs({
        talosVersion: UNKNOWN_VALUE,
        arch: UNKNOWN_VALUE,
        serverType: "cax11",
        imageUrl: "https://x/metal-arm64.raw.zst",
      }).failures,
      [],
    );
  });

  it("knows the architecture of Hetzner's server type families", () => {
    assert.deepStrictEqual(["cx23", "cpx21", "ccx13", "cax11", "cx", "gpu1"].map(serverTypeArch), [
      "x86",
      "x86",
      "x86",
      "arm",
      undefined,
      undefined,
    ]);
  });
});

describe("TalosImage diff", () => {
  const olds = {
    resourceName: "img",
    talosVersion: V,
    arch: "x86",
    resolvedSchematicId: VANILLA_SCHEMATIC_ID,
    imageId: 7,
    timeouts: { sshSeconds: 5 },
  };
  const news = { resourceName: "img", talosVersion: V, arch: "x86", timeouts: { sshSeconds: 5 } };
  const table: [
    string,
    Record<string, unknown>,
    { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean },
  ][] = [
    ["nothing", {}, { changes: false, replaces: [] }],
    [
      "timeouts and name update in place",
      { resourceName: "x", timeouts: { sshSeconds: 9 } },
      { changes: true, replaces: [] },
    ],
    [
      "same image, other labels: delete first",
      { labels: { a: "b" } },
      { changes: true, replaces: ["labels"], deleteBeforeReplace: true },
    ],
    [
      "same schematic id spelled out: delete first",
      { schematicId: VANILLA_SCHEMATIC_ID },
      { changes: true, replaces: ["schematicId"], deleteBeforeReplace: true },
    ],
    ["another version: create first", { talosVersion: "v1.12.4" }, { changes: true, replaces: ["talosVersion"] }],
    [
      "another schematic: create first",
      { schematic: { customization: { extraKernelArgs: ["x"] } } },
      { changes: true, replaces: ["schematic"] },
    ],
    ["unknown arch: create first", { arch: UNKNOWN_VALUE }, { changes: true, replaces: ["arch"] }],
  ];
  for (const [what, change, want] of table) {
    it(what, () => assert.deepStrictEqual(diffTalosImage(olds, { ...news, ...change }), want));
  }
});

describe("TalosImage plan and timing", () => {
  it("derives labels, URL, builder defaults and the lock key", () => {
    const id = schematicId({ customization: { extraKernelArgs: ["noapic", "nolapic"] } });
    const p = planFor(
      { resourceName: "img", talosVersion: "v1.7.6", arch: "arm", labels: { team: "x", os: "ignored" } },
      id,
      "https://factory.example/",
    );
    assert.strictEqual(id, "9cba8e32753f91a16c1837ab8abf356af021706ef284aef07380780177d9a06c");
    assert.deepStrictEqual(
      [p.url, p.location, p.serverType, p.description],
      [
        `https://factory.example/image/${id}/v1.7.6/hcloud-arm64.raw.xz`,
        "fsn1",
        "cax11",
        "Talos v1.7.6 arm (schematic 9cba8e32753f)",
      ],
    );
    assert.deepStrictEqual(p.snapshotLabels, {
      team: "x",
      os: "talos",
      "talos-version": "v1.7.6",
      arch: "arm",
      "talos-schematic": id.slice(0, 32),
      "created-by": "pulumi-talos-hetzner",
    });
    assert.strictEqual(p.imageKey, imageKeyOf("v1.7.6", "arm", id));
    assert.match(p.imageKey, /^[0-9a-f]{32}$/);
    assert.notStrictEqual(imageKeyOf("v1.7.6", "x86", id), p.imageKey);
  });

  it("polls faster for short deadlines, at most every 500 ms", () => {
    assert.deepStrictEqual(timingOf(undefined), {
      actionMs: 300_000,
      sshMs: 300_000,
      writeMs: 1_200_000,
      shutdownMs: 120_000,
      imageMs: 1_800_000,
      lockWaitMs: 3_600_000,
      heartbeatMs: 30_000,
      pollMs: 500,
    });
    assert.strictEqual(timingOf({ heartbeatSeconds: 0.2, shutdownSeconds: 5 }).pollMs, 5);
    assert.strictEqual(timingOf({ shutdownSeconds: 6 }).pollMs, 100);
  });

  it("redacts credentials and query strings from logged URLs", () => {
    assert.deepStrictEqual(
      [redactUrl("https://u:p@h.example/a/b.raw.xz?token=s"), redactUrl("nope")],
      ["https://h.example/a/b.raw.xz", "(invalid URL)"],
    );
  });
});
