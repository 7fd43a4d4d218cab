/**
 * How the runner decides and executes one resource's step, with a scripted driver standing in for
 * the host: create/update/replace/same, deleteBeforeReplace order, DIFF_UNKNOWN, ignoreChanges,
 * partial failures and forced updates, deletes in reverse order and in parallel where independent. Does not prove the real host agrees
 * (runner.test.ts and test/engine/echo.test.ts do).
 */
import * as assert from "assert";
import { Driver, DriverDiff, PartialStepError } from "../../../../provider/sim/pulumi/driver";
import { Deployment } from "../../../../provider/sim/pulumi/deployment";
import { runStep } from "../../../../provider/sim/pulumi/steps";
import { Registration, ResourceState } from "../../../../provider/sim/pulumi/types";
import { secret } from "../../../../provider/sim/pulumi/values";

function scripted(diff: DriverDiff, calls: string[], failCreate?: Error): Driver {
  return {
    async check(_u, _o, news) {
      calls.push("check");
      return { inputs: news, failures: [] };
    },
    async diff() {
      calls.push("diff");
      return diff;
    },
    async create(_u, inputs) {
      calls.push("create");
      if (failCreate) throw failCreate;
      return { id: "new", outputs: { ...inputs, out: 1 } };
    },
    async update(_u, _old, inputs) {
      calls.push("update");
      return { outputs: { ...inputs, out: 2 } };
    },
    async delete(urn) {
      calls.push(`delete ${urn}`);
    },
  };
}

const reg = (inputs: Registration["inputs"], extra: Partial<Registration> = {}): Registration => ({
  urn: "urn:r",
  type: "pulumi-nodejs:dynamic:R",
  name: "r",
  custom: true,
  inputs,
  dependencies: [],
  additionalSecretOutputs: [],
  protect: false,
  retainOnDelete: false,
  ignoreChanges: [],
  ...extra,
});
const old = (inputs: ResourceState["inputs"], extra: Partial<ResourceState> = {}): ResourceState => ({
  urn: "urn:r",
  type: "pulumi-nodejs:dynamic:R",
  custom: true,
  id: "old",
  inputs,
  outputs: { ...inputs, out: 0 },
  secretKeys: [],
  dependencies: [],
  ...extra,
});
const SOME: DriverDiff = { changes: "some", replaces: [], deleteBeforeReplace: false };

describe("runner steps", () => {
  it("creates, marking secret inputs and additionalSecretOutputs in the program's outputs", async () => {
    const calls: string[] = [];
    const r = await runStep(
      reg({ a: secret("s"), b: 1 }, { additionalSecretOutputs: ["out"] }),
      undefined,
      scripted(SOME, calls),
      false,
    );
    assert.deepStrictEqual(
      [r.op, calls, r.state.id, r.state.secretKeys],
      ["create", ["check", "create"], "new", ["a", "out"]],
    );
    assert.deepStrictEqual(r.wireOutputs, { a: secret("s"), b: 1, out: secret(1) });
  });

  it("replaces create-before-delete by default and delete-before-create when asked (option wins over diff)", async () => {
    const replace: DriverDiff = { changes: "some", replaces: ["a"], deleteBeforeReplace: true };
    for (const [opt, want] of [
      [undefined, ["delete urn:r", "create"]],
      [false, ["create", "delete urn:r"]],
    ] as const) {
      const calls: string[] = [];
      const r = await runStep(
        reg({ a: 2 }, { deleteBeforeReplace: opt }),
        old({ a: 1 }),
        scripted(replace, calls),
        false,
      );
      assert.deepStrictEqual([r.op, r.diffKeys, calls.slice(2)], ["replace", ["a"], want]);
    }
  });

  it("treats DIFF_UNKNOWN as the engine does: update only when the inputs differ", async () => {
    const unknown: DriverDiff = { changes: "unknown", replaces: [], deleteBeforeReplace: false };
    assert.strictEqual((await runStep(reg({ a: 1 }), old({ a: 1 }), scripted(unknown, []), false)).op, "same");
    assert.strictEqual((await runStep(reg({ a: 2 }), old({ a: 1 }), scripted(unknown, []), false)).op, "update");
  });

  it("applies ignoreChanges before check and forces an update after a partial failure", async () => {
    const none: DriverDiff = { changes: "none", replaces: [], deleteBeforeReplace: false };
    const ignored = await runStep(reg({ a: 9 }, { ignoreChanges: ["a"] }), old({ a: 1 }), scripted(none, []), false);
    assert.deepStrictEqual([ignored.op, ignored.inputs], ["same", { a: 1 }]);
    const calls: string[] = [];
    const forced = await runStep(reg({ a: 1 }), old({ a: 1 }, { initErrors: ["boom"] }), scripted(none, calls), false);
    assert.deepStrictEqual(
      [forced.op, calls, forced.state.initErrors],
      ["update", ["check", "diff", "update"], undefined],
    );
  });

  it("previews with check and diff only, using the inputs as stand-in outputs", async () => {
    const calls: string[] = [];
    const r = await runStep(reg({ a: 2 }), old({ a: 1 }), scripted(SOME, calls), true);
    assert.deepStrictEqual([r.op, calls, r.wireOutputs], ["update", ["check", "diff"], { a: 2 }]);
  });

  it("keeps a partially created resource with its reasons, and old resources deleted in reverse order", async () => {
    const prev = {
      resources: [old({}, { urn: "urn:base" }), old({}, { urn: "urn:dependent" })],
      outputs: {},
      outputSecretKeys: [],
    };
    const calls: string[] = [];
    const partial = new PartialStepError("bootstrap failed", "srv-1", { ip: "1.2.3.4" }, ["bootstrap failed"]);
    const d = new Deployment(
      prev,
      false,
      () => scripted(SOME, calls, partial),
      () => undefined,
    );
    await assert.rejects(d.onRegister(reg({ a: 1 }, { urn: "urn:new" })), { message: "urn:new: bootstrap failed" });
    await d.deleteUnregistered();
    assert.deepStrictEqual(calls, ["check", "create", "delete urn:dependent", "delete urn:base"]);
    assert.deepStrictEqual(
      d.next.map((r) => [r.urn, r.id, r.outputs, r.initErrors]),
      [["urn:new", "srv-1", { ip: "1.2.3.4" }, ["bootstrap failed"]]],
    );
    assert.deepStrictEqual(d.failures, [{ urn: "urn:new", message: "bootstrap failed" }]);
    assert.deepStrictEqual(
      d.plan.map((p) => [p.urn, p.op]),
      [
        ["urn:new", "create"],
        ["urn:dependent", "delete"],
        ["urn:base", "delete"],
      ],
    );
  });

  it("deletes independent resources in parallel, each only after its dependents and children are gone", async () => {
    // base ← mid (dependency) ← leaf (child); lone is independent of all three.
    const prev = {
      resources: [
        old({}, { urn: "urn:base" }),
        old({}, { urn: "urn:mid", dependencies: ["urn:base"] }),
        old({}, { urn: "urn:leaf", parent: "urn:mid" }),
        old({}, { urn: "urn:lone" }),
      ],
      outputs: {},
      outputSecretKeys: [],
    };
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    const driver: Driver = {
      ...scripted(SOME, []),
      delete: (urn) =>
        new Promise<void>((res) => {
          events.push(`start ${urn}`);
          gates.set(urn, () => {
            events.push(`end ${urn}`);
            res();
          });
        }),
    };
    const d = new Deployment(
      prev,
      false,
      () => driver,
      () => undefined,
    );
    const all = d.deleteUnregistered(true);
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    assert.deepStrictEqual(events, ["start urn:lone", "start urn:leaf"]);
    for (const urn of ["urn:leaf", "urn:mid", "urn:base"]) {
      gates.get(urn)!();
      await tick();
    }
    gates.get("urn:lone")!();
    await all;
    assert.deepStrictEqual(events, [
      "start urn:lone",
      "start urn:leaf",
      "end urn:leaf",
      "start urn:mid",
      "end urn:mid",
      "start urn:base",
      "end urn:base",
      "end urn:lone",
    ]);
    assert.deepStrictEqual(
      d.plan.map((p) => p.urn),
      ["urn:lone", "urn:leaf", "urn:mid", "urn:base"],
    );
  });

  it("starts no delete after one failed and keeps what it did not delete, in state order", async () => {
    const prev = {
      resources: [old({}, { urn: "urn:base" }), old({}, { urn: "urn:dependent", dependencies: ["urn:base"] })],
      outputs: {},
      outputSecretKeys: [],
    };
    const calls: string[] = [];
    const driver: Driver = {
      ...scripted(SOME, calls),
      async delete(urn) {
        calls.push(`delete ${urn}`);
        throw new Error("node refuses removal");
      },
    };
    const d = new Deployment(
      prev,
      false,
      () => driver,
      () => undefined,
    );
    await d.deleteUnregistered(true);
    assert.deepStrictEqual(
      [calls, d.plan.map((p) => p.urn), d.next.map((r) => r.urn)],
      [["delete urn:dependent"], ["urn:dependent"], ["urn:base", "urn:dependent"]],
    );
    assert.deepStrictEqual(d.failures, [{ urn: "urn:dependent", message: "node refuses removal" }]);
  });

  it("leaves a resource whose step failed outright out of the plan and keeps its old state", async () => {
    const prev = { resources: [old({ a: 1 })], outputs: {}, outputSecretKeys: [] };
    const failing: Driver = {
      ...scripted(SOME, []),
      async update() {
        throw new Error("quota exceeded");
      },
    };
    const d = new Deployment(
      prev,
      false,
      () => failing,
      () => undefined,
    );
    await assert.rejects(d.onRegister(reg({ a: 2 })), { message: "urn:r: quota exceeded" });
    assert.deepStrictEqual([d.plan, d.next], [[], [old({ a: 1 })]]);
  });
});
