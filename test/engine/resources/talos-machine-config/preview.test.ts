/**
 * What a reviewer and the state see of TalosMachineConfig, through the REAL dynamic-provider host:
 * a patch change previews as a per-path change of the redacted config (engine-side input diff,
 * DIFF_UNKNOWN), unknown inputs skip rendering, and no secret value of the bundle or the rendered
 * config appears in plaintext in recorded state (inputs and outputs) or provider logs.
 * Does not prove: the Pulumi CLI's rendering of the diff (the runner's display helpers stand in).
 */
import * as assert from "assert";
import { parse } from "yaml";
import { diffConfigs, secretValuesOf } from "../../../../provider/talos/config";
import { fieldLines } from "../../../../provider/sim/pulumi/display";
import { bundleSecretValues } from "../../../../provider/runtime/shared/bundle";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { UNKNOWN } from "../../harness";
import { NodeWorld, SimNode, nodeInputs, startNodeWorld, up } from "./world";

const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::";
const tier = (t: string) => ({ nodePatches: [`machine:\n  nodeLabels:\n    tier: ${t}\n`] });

/** Lines of `b` that differ from `a` at the same position (both texts have the same line count here). */
function changedLines(a: string, b: string): Array<[string, string]> {
  const x = a.split("\n");
  const y = b.split("\n");
  assert.strictEqual(x.length, y.length);
  return x.map((l, i): [string, string] => [l, y[i]]).filter(([l, r]) => l !== r);
}

describe("engine: TalosMachineConfig previews and secrets in state", function () {
  this.timeout(120000);
  let w: NodeWorld;
  let n: SimNode;
  before(async () => {
    w = await startNodeWorld(["v1.13.9"]);
    n = w.nodes[0];
  });
  after(async () => w?.stop());

  it("previews a patch change as the exact redacted path, with the patch itself shown as secret", async () => {
    await up(w, `${URN}cp`, nodeInputs(w, n, tier("web")));
    const old = w.h.state.get(`${URN}cp`)!;
    const p = await w.h.preview(`${URN}cp`, nodeInputs(w, n, tier("db")));
    assert.deepStrictEqual([p.failures, p.diff!.changes, p.diff!.replaces], [[], "unknown", []]);
    const keys = ["changeImpact", "configHash", "nodePatches", "redactedConfig"].filter(
      (k) => JSON.stringify(old.inputs[k]) !== JSON.stringify(p.inputs[k]),
    );
    assert.deepStrictEqual(keys, ["changeImpact", "configHash", "nodePatches", "redactedConfig"]);
    assert.deepStrictEqual([old.inputs.changeImpact, p.inputs.changeImpact], ["none", "live"]);
    assert.deepStrictEqual(diffConfigs(old.inputs.redactedConfig as string, p.inputs.redactedConfig as string), [
      { path: "machine.nodeLabels.tier", kind: "change", before: "web", after: "db" },
    ]);
    assert.deepStrictEqual(changedLines(old.inputs.redactedConfig as string, p.inputs.redactedConfig as string), [
      ["        tier: web", "        tier: db"],
    ]);
    const lines = fieldLines(keys, old.inputs, p.inputs, old.secretKeys);
    assert.strictEqual(lines[2], "      nodePatches: [secret] => [secret]");
    assertNoSecrets(
      [lines, p.inputs.redactedConfig],
      [...secretValuesOf(old.outputs.config as string), ...bundleSecretValues(parse(w.secretsYaml))],
      ["preview", "redactedConfig"],
    );
  });

  it("skips rendering while the bundle is unknown (a TalosSecrets created in the same preview)", async () => {
    const p = await w.h.preview(`${URN}new`, nodeInputs(w, n, { secretsYaml: UNKNOWN }));
    assert.deepStrictEqual(
      [p.op, p.failures, p.inputs.redactedConfig, p.inputs.configHash, p.inputs.changeImpact],
      ["create", [], UNKNOWN, UNKNOWN, UNKNOWN],
    );
  });

  it("renders user-data without touching a node; the user-data output is secret", async () => {
    const r = await up(
      w,
      `${URN}cloud`,
      nodeInputs(w, n, {
        delivery: "user-data",
        node: undefined,
        role: "worker",
        hostname: "w-1",
        installDisk: undefined,
      }),
    );
    assert.deepStrictEqual(
      [r.outputs.appliedMode, r.outputs.userDataEncoding, r.outputs.userData === r.outputs.config],
      ["user-data", "plain", true],
    );
    assert.strictEqual(w.h.state.get(`${URN}cloud`)!.id, "sim/user-data/w-1");
    assert.ok(w.h.state.get(`${URN}cloud`)!.secretKeys.includes("userData"));
  });

  it("keeps every secret value out of recorded state and logs (and the scan does catch a leak)", async () => {
    await up(w, `${URN}cp`, nodeInputs(w, n, tier("db")));
    await w.h.refresh(`${URN}cp`);
    const config = w.h.state.get(`${URN}cp`)!.outputs.config as string;
    const secrets = [...new Set([...secretValuesOf(config), ...bundleSecretValues(parse(w.secretsYaml))])];
    assert.ok(secrets.length >= 10, `${secrets.length} secret values`);
    assertNoSecrets([w.h.persistedState(), w.h.logs], secrets, ["state", "logs"]);
    const rec = w.h.state.get(`${URN}cp`)!;
    w.h.record(`${URN}leaky`, rec.id, rec.inputs, rec.outputs, []);
    assert.throws(() => assertNoSecrets([w.h.persistedState()], secrets, ["state"]), {
      message:
        /^\d+ secret leak\(s\):\n[\s\S]*secret sha256:[0-9a-f]{8} found as plaintext in state\[\d\]\.outputs\.config\n/,
    });
  });
});
