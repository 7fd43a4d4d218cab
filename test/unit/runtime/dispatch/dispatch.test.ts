/**
 * The dispatcher: method forwarding, `__provider` handling, output conventions, defaults and the
 * partial-resource error shape, with in-process runtimes. Does not prove the host accepts the
 * results (test/engine/echo.test.ts does).
 */
import * as assert from "assert";
import { dispatch, registerRuntime, diffInputs, PartialResourceError } from "../../../../provider/runtime";
import { registerSecret } from "../../../../provider/internal/log";

const P = "serialized-provider-text";
const calls: unknown[][] = [];

registerRuntime("test-full", {
  async check(olds, news) {
    calls.push(["check", olds, news]);
    return { inputs: { ...news, normalized: true } };
  },
  async diff(id, olds, news) {
    calls.push(["diff", id, olds, news]);
    return { changes: false };
  },
  async create(i) {
    calls.push(["create", i]);
    return { id: "x-1", outs: { out: 1, name: "from-create" } };
  },
  async update(id, olds, news) {
    calls.push(["update", id, olds, news]);
    if (news.fail) throw new PartialResourceError(id, { out: 2 }, new Error("step 3 failed"));
    return { outs: { out: 2 } };
  },
  async delete(id, props) {
    calls.push(["delete", id, props]);
  },
});
registerRuntime("test-empty", {});

describe("dispatch", () => {
  beforeEach(() => (calls.length = 0));

  it("strips __provider before calling the runtime and merges inputs into outputs", async () => {
    assert.deepStrictEqual(await dispatch("test-full", "check", { __provider: P, a: 0 }, { __provider: P, a: 1 }), {
      inputs: { a: 1, normalized: true },
      failures: [],
    });
    assert.deepStrictEqual(await dispatch("test-full", "create", { __provider: P, name: "n" }), {
      id: "x-1",
      outs: { name: "from-create", out: 1 },
    });
    assert.deepStrictEqual(
      await dispatch("test-full", "update", "x-1", { __provider: P, out: 1 }, { __provider: P, name: "m" }),
      {
        outs: { name: "m", out: 2 },
      },
    );
    await dispatch("test-full", "delete", "x-1", { __provider: P, out: 2 });
    assert.deepStrictEqual(calls, [
      ["check", { a: 0 }, { a: 1 }],
      ["create", { name: "n" }],
      ["update", "x-1", { out: 1 }, { name: "m" }],
      ["delete", "x-1", { out: 2 }],
    ]);
  });

  it("uses host-like defaults when a runtime omits a method", async () => {
    assert.deepStrictEqual(await dispatch("test-empty", "check", {}, { __provider: P, a: 1 }), { inputs: { a: 1 } });
    assert.deepStrictEqual(await dispatch("test-empty", "diff", "i", { __provider: P }, { __provider: P }), {});
    assert.deepStrictEqual(await dispatch("test-empty", "read", "i", { __provider: P, b: 2 }), {
      id: "i",
      props: { b: 2 },
    });
    assert.strictEqual(await dispatch("test-empty", "delete", "i", { __provider: P }), undefined);
    await assert.rejects(dispatch("test-empty", "create", { __provider: P }), {
      message: 'resource module "test-empty" cannot create resources',
    });
    await assert.rejects(dispatch("test-empty", "update", "i-9", {}, {}), {
      message: 'resource module "test-empty" cannot update resource i-9 in place',
    });
  });

  it("completes a partial update error with the old outputs and the new __provider", async () => {
    const err = await dispatch(
      "test-full",
      "update",
      "x-1",
      { __provider: "old", out: 1, name: "a" },
      { __provider: P, name: "b", fail: true },
    ).then(
      () => undefined,
      (e) => e as PartialResourceError,
    );
    assert.strictEqual(err?.name, "PartialResourceError");
    assert.strictEqual(err?.message, "step 3 failed");
    assert.strictEqual(err?.id, "x-1");
    assert.deepStrictEqual(err?.reasons, ["step 3 failed"]);
    assert.deepStrictEqual(err?.properties, { __provider: P, out: 2, name: "a" });
  });

  it("masks registered secrets in error messages, stacks and partial-failure reasons", async () => {
    registerSecret("tok-secret-4711");
    registerRuntime("test-leaky", {
      async create() {
        throw new PartialResourceError("x-2", {}, new Error("login with tok-secret-4711 refused"));
      },
    });
    const leaky = await dispatch("test-leaky", "create", { __provider: P }).then(
      () => undefined,
      (e) => e as PartialResourceError,
    );
    assert.deepStrictEqual(
      [leaky?.message, leaky?.reasons],
      ["login with [secret] refused", ["login with [secret] refused"]],
    );
    assert.ok(!leaky?.stack?.includes("tok-secret-4711"));
  });

  it("names a missing runtime module and rejects path-like names", async () => {
    await assert.rejects(dispatch("no-such-thing", "create", {}), {
      message:
        'no runtime for resource module "no-such-thing": expected provider/runtime/no-such-thing/index.ts exporting `runtime`',
    });
    await assert.rejects(dispatch("../internal/log", "create", {}), {
      message: 'invalid resource module name "../internal/log"',
    });
  });
});

describe("diffInputs", () => {
  const opts = { inputKeys: ["a", "b", "r"], replaceKeys: ["r"] };
  const table: [string, Record<string, unknown>, Record<string, unknown>, object, boolean?][] = [
    [
      "no change (outputs-only keys ignored, key order ignored)",
      { a: { x: 1, y: 2 }, out: 5 },
      { a: { y: 2, x: 1 } },
      { changes: false, replaces: [] },
    ],
    ["in-place change", { a: 1, b: [1] }, { a: 1, b: [1, 2] }, { changes: true, replaces: [] }],
    ["removed input", { a: 1, b: 2 }, { a: 1 }, { changes: true, replaces: [] }],
    ["replace key", { r: "x" }, { r: "y" }, { changes: true, replaces: ["r"] }],
    [
      "replace key, delete first",
      { r: "x" },
      { r: "y" },
      { changes: true, replaces: ["r"], deleteBeforeReplace: true },
      true,
    ],
    [
      "unknown during preview",
      { a: 1 },
      { a: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
      { changes: true, replaces: [] },
    ],
  ];
  for (const [name, olds, news, want, dbr] of table) {
    it(name, () => assert.deepStrictEqual(diffInputs(olds, news, { ...opts, deleteBeforeReplace: dbr }), want));
  }
});
