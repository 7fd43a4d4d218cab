/**
 * A Pulumi program wiring TalosSecrets into TalosMachineConfig, run by the project's program runner
 * (real serializer, real dynamic-provider host, engine-style secrets and per-field plan) against a
 * simulated v1.13 node: preview while the bundle is unknown, up, a patch-change preview, the state
 * file scanned for secrets, destroy. Does not prove: the Pulumi CLI's exact display, or real nodes.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { secretValuesOf } from "../../../../provider/talos/config";
import { bundleSecretValues } from "../../../../provider/runtime/shared/bundle";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { NodeWorld, startNodeWorld } from "./world";
import { runnerBase, secretsAndConfig } from "./runner-program";

const MC = "urn:pulumi:dev::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::cp-1";
const SECRETS = "urn:pulumi:dev::project::pulumi-nodejs:dynamic/talos-hetzner:TalosSecrets::cluster";

describe("engine: a program with TalosSecrets and TalosMachineConfig through the program runner", function () {
  this.timeout(120000);
  let w: NodeWorld;
  let dir: string;
  let lines: string[];
  let base: Omit<RunOptions, "program" | "operation">;

  const program = (tier: string) =>
    secretsAndConfig(w, "prog", [`machine:\n  nodeLabels:\n    tier: ${tier}\n`], (mc, secrets) => ({
      appliedMode: mc.appliedMode,
      config: mc.config,
      redacted: mc.redactedConfig,
      bundle: secrets.secretsYaml,
    }));

  before(async () => {
    w = await startNodeWorld(["v1.13.9"]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mc-program-"));
  });
  beforeEach(() => {
    lines = [];
    base = runnerBase(w, dir, lines);
  });
  after(async () => {
    await w?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("previews while the bundle is unknown, then creates the bundle and installs the node", async () => {
    const p = await runProgram({ ...base, program: program("web"), operation: "preview" });
    assert.deepStrictEqual(p.plan.map((e) => [e.urn, e.op]).sort(), [
      [MC, "create"],
      [SECRETS, "create"],
    ]);
    const r = await runProgram({ ...base, program: program("web"), operation: "up" });
    assert.deepStrictEqual([r.counts.create, r.outputs.appliedMode], [2, "maintenance"]);
    assert.strictEqual(w.simNode(w.nodes[0].machineId).maintenance, false);
  });

  it("previews a patch change as an update of the redacted config, the patch itself as [secret]", async () => {
    const p = await runProgram({ ...base, program: program("db"), operation: "preview" });
    assert.deepStrictEqual(
      p.plan.find((e) => e.urn === MC),
      {
        urn: MC,
        op: "update",
        diffKeys: ["changeImpact", "configHash", "nodePatches", "plannedAction", "redactedConfig"],
      },
    );
    assert.deepStrictEqual(p.plan.find((e) => e.urn === SECRETS)!.op, "same");
    assert.ok(lines.includes("      nodePatches: [secret] => [secret]"), lines.join("\n"));
    assert.ok(lines.includes('      changeImpact: "none" => "live"'), lines.join("\n"));
    assert.ok(
      lines.includes('      plannedAction: undefined => "apply live machine.nodeLabels.tier"') ||
        lines.some((l) => l.startsWith("      plannedAction: ") && l.includes('"apply live machine.nodeLabels.tier"')),
      lines.join("\n"),
    );
    const redacted = lines.find((l) => l.startsWith("      redactedConfig: "))!;
    assert.ok(redacted.includes("tier: web") && redacted.includes("tier: db"), redacted);
  });

  it("keeps the bundle and the rendered config out of the state file in plaintext, then destroys", async () => {
    const r = await runProgram({ ...base, program: program("db"), operation: "up" });
    assert.strictEqual(r.outputs.appliedMode, "no-reboot");
    const secrets = [
      ...bundleSecretValues(parse(r.outputs.bundle as string)),
      ...secretValuesOf(r.outputs.config as string),
    ];
    assertNoSecrets([fs.readFileSync(base.stateFile, "utf8"), lines], secrets, ["state file", "run log"]);
    const d = await runProgram({ ...base, program: program("db"), operation: "destroy" });
    assert.strictEqual(d.counts.delete, 2);
    assert.strictEqual(
      w.simNode(w.nodes[0].machineId).maintenance,
      false,
      "without resetOnDelete the node keeps its config",
    );
  });
});
