/**
 * TalosMachineConfig lifecycle through the REAL dynamic-provider host against simulated Talos nodes
 * of v1.12 and v1.13 (seeded in maintenance mode): create (insecure install), no-op, live update,
 * update with a reboot, drift after an out-of-band apply (refresh, then re-apply), adopt, delete
 * with and without reset. Does not prove: behaviour of real Talos nodes or of the Pulumi CLI beyond
 * what the harness plays (contract pulumi-dynamic §1–§4).
 */
import * as assert from "assert";
import { applyConfigPatches, configHash } from "../../../../provider/talos/config";
import { talosconfigFor } from "../../../../provider/runtime/talos-secrets";
import { NodeWorld, SimNode, nodeInputs, startNodeWorld, up } from "./world";

const VERSIONS = ["v1.12.4", "v1.13.9"];

describe("engine: TalosMachineConfig lifecycle on simulated nodes", function () {
  this.timeout(120000);
  let w: NodeWorld;
  before(async () => {
    w = await startNodeWorld(VERSIONS);
  });
  after(async () => w?.stop());

  for (const [index, version] of VERSIONS.entries()) {
    describe(`Talos ${version}`, () => {
      const urn = `urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::cp-${index}`;
      const adoptUrn = `${urn}-adopted`;
      let n: SimNode;
      const inputs = (over: Record<string, unknown> = {}) => nodeInputs(w, n, over);
      const node = () => w.simNode(n.machineId);
      const label = (tier: string, extra: Record<string, unknown> = {}) => ({
        nodePatches: [`machine:\n  nodeLabels:\n    tier: ${tier}\n`],
        ...extra,
      });

      before(() => {
        n = w.nodes[index];
      });

      it("creates in maintenance mode: insecure install, reboot into the config, read back", async () => {
        assert.deepStrictEqual([node().version.tag, node().maintenance], [version, true]);
        const r = await up(w, urn, inputs());
        assert.strictEqual(r.op, "create");
        assert.deepStrictEqual(
          [r.outputs.appliedMode, r.outputs.rebootPending, r.outputs.changeImpact, r.outputs.drift],
          ["maintenance", false, "none", []],
        );
        assert.strictEqual(r.outputs.liveConfigHash, r.outputs.configHash);
        assert.strictEqual(node().maintenance, false);
        assert.strictEqual(configHash(node().active!.text), r.outputs.configHash);
        assert.strictEqual(w.h.state.get(urn)!.id, `sim/${n.ip}`);
      });

      it("plans nothing for unchanged inputs, then applies a node label live without a reboot", async () => {
        assert.deepStrictEqual((await up(w, urn, inputs())).op, "same");
        const boot = node().bootId;
        const r = await up(w, urn, inputs(label("web")));
        assert.deepStrictEqual(
          [r.op, r.diffKeys],
          ["update", ["changeImpact", "configHash", "nodePatches", "plannedAction", "redactedConfig"]],
        );
        assert.strictEqual(r.checked.plannedAction, "apply live machine.nodeLabels.tier");
        assert.deepStrictEqual(
          [r.checked.changeImpact, r.outputs.appliedMode, r.outputs.rebootPending],
          ["live", "no-reboot", false],
        );
        assert.strictEqual(node().bootId, boot, "the node did not reboot");
        assert.strictEqual(configHash(node().active!.text), r.outputs.configHash);
      });

      it("applies machine.env with a reboot and reads the config back after it", async () => {
        const boot = node().bootId;
        const r = await up(
          w,
          urn,
          inputs(label("web", { rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }] })),
        );
        assert.deepStrictEqual(
          [r.op, r.checked.changeImpact, r.outputs.appliedMode, r.outputs.rebootPending],
          ["update", "reboot", "reboot", false],
        );
        assert.notStrictEqual(node().bootId, boot, "the node rebooted");
        assert.strictEqual(configHash(node().active!.text), r.outputs.configHash);
      });

      it("shows drift after an out-of-band apply on refresh, and the next up applies the desired config again", async () => {
        const desired = w.h.state.get(urn)!.outputs;
        const talosconfig = await talosconfigFor({
          secretsYaml: w.secretsYaml,
          clusterName: "sim",
          endpoints: [n.ip],
          talosctl: w.talosctl,
        });
        const rogue = applyConfigPatches(desired.config as string, [
          'machine:\n  nodeLabels:\n    rogue: "yes"\n    tier: db\n',
        ]);
        await w.talosctl.applyConfig({
          node: n.ip,
          endpoints: [n.ip],
          talosconfig,
          config: rogue,
          mode: "auto",
          insecure: false,
          dryRun: false,
        });
        const refreshed = await w.h.refresh(urn);
        assert.deepStrictEqual(refreshed.outputs!.drift, [
          '~ machine.nodeLabels.tier: "web" => "db"',
          '+ machine.nodeLabels.rogue: "yes"',
        ]);
        assert.deepStrictEqual(
          [refreshed.outputs!.liveConfigHash, refreshed.outputs!.configHash],
          [configHash(rogue), desired.configHash],
        );
        assert.strictEqual(refreshed.diff!.changes, "some");
        assert.ok(
          w.h.logs.some((l) => l.includes(`WARNING: node ${n.ip} drifted from the desired config:`)),
          w.h.logs.join("\n"),
        );
        const r = await up(
          w,
          urn,
          inputs(label("web", { rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }] })),
        );
        assert.deepStrictEqual(
          [r.op, r.diffKeys, r.outputs.appliedMode, r.outputs.drift],
          ["update", ["plannedAction"], "no-reboot", []],
        );
        assert.strictEqual(configHash(node().active!.text), desired.configHash);
      });

      it("adopts a node that already runs the same config: nothing applied, no reboot", async () => {
        const before = { boot: node().bootId, version: node().configVersion };
        const r = await up(
          w,
          adoptUrn,
          inputs(label("web", { rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }] })),
        );
        assert.deepStrictEqual(
          [r.op, r.outputs.appliedMode, r.outputs.liveConfigHash === r.outputs.configHash],
          ["create", "unchanged", true],
        );
        assert.deepStrictEqual({ boot: node().bootId, version: node().configVersion }, before);
      });

      it("delete leaves the node configured; with resetOnDelete it resets the node back to maintenance", async () => {
        await w.h.delete(w.h.state.get(urn)!.id, urn, w.h.state.get(urn)!.outputs);
        assert.strictEqual(node().maintenance, false);
        const r = await up(
          w,
          adoptUrn,
          inputs(
            label("web", {
              rolePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }],
              resetOnDelete: true,
            }),
          ),
        );
        assert.deepStrictEqual([r.op, r.diffKeys, r.outputs.appliedMode], ["update", ["resetOnDelete"], "unchanged"]);
        await w.h.delete(w.h.state.get(adoptUrn)!.id, adoptUrn, r.outputs);
        assert.strictEqual(node().maintenance, true);
      });
    });
  }
});
