/**
 * Validate before wiping (issue 16, item 5), through the program runner and the real dynamic-provider
 * host: on a new stack the secrets bundle (and, in a cluster, the install disk and addresses) are not
 * known at preview, yet a patch that Talos's `validate --strict` refuses fails the preview, naming the
 * patch, with nothing created; a good patch still previews the config as unknown (it is rendered for
 * real at apply time). Does not prove: every fact a real node would add (the network patch is left out
 * of the trial).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TalosMachineConfig } from "../../../../provider/resources/talos-machine-config";
import { TalosSecrets } from "../../../../provider/resources/talos-secrets";
import { runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { rejection } from "../../../helpers/rejection";
import { NodeWorld, startNodeWorld } from "./world";

const BAD = 'cluster:\n  discovery:\n    registries:\n      service: {endpoint: "not a url"}\n';

describe("engine: a bad patch on a new stack fails the preview before anything exists", function () {
  this.timeout(120000);
  let w: NodeWorld;
  let dir: string;
  let base: Omit<RunOptions, "program" | "operation">;

  function program(patches: string[]) {
    const n = w.nodes[0];
    return async () => {
      const secrets = new TalosSecrets("cluster", { talosVersion: n.version });
      new TalosMachineConfig("cp-1", {
        secretsYaml: secrets.secretsYaml,
        clusterName: "trial",
        endpoint: `https://${n.ip}:6443`,
        role: "controlplane",
        talosVersion: n.version,
        installDisk: n.installDisk,
        hostname: "cp-1",
        node: n.ip,
        nodePatches: patches,
      });
      return {};
    };
  }

  before(async () => {
    w = await startNodeWorld(["v1.13.9"]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mc-trial-"));
    base = {
      stateFile: path.join(dir, "state.json"),
      passphrase: "pass",
      cwd: dir,
      log: () => undefined,
      config: { "talos-hetzner:talosctl": w.sim.talosctl },
    };
  });
  after(async () => {
    await w?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names the bad patch at preview, with the bundle still unknown", async () => {
    const e = await rejection(runProgram({ ...base, program: program([BAD]), operation: "preview" }));
    assert.strictEqual(
      e.message,
      "1 resource(s) failed:\n  urn:pulumi:dev::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::cp-1: check failed: nodePatches[0]: " +
        'the controlplane config after this patch is not valid for metal mode: cluster discovery service registry endpoint is invalid: parse "not a url": invalid URI for request ' +
        "(found at preview by a trial render with placeholder node facts, before any server is touched)",
    );
    assert.deepStrictEqual(
      [
        fs.existsSync(base.stateFile)
          ? (JSON.parse(fs.readFileSync(base.stateFile, "utf8")).resources?.length ?? 0)
          : 0,
        w.simNode(w.nodes[0].machineId).maintenance,
      ],
      [0, true],
    );
  });

  it("previews a good patch as a create whose config is rendered at apply time", async () => {
    const p = await runProgram({
      ...base,
      program: program(["machine:\n  nodeLabels:\n    tier: web\n"]),
      operation: "preview",
    });
    assert.deepStrictEqual(p.plan.map((e) => e.op).sort(), ["create", "create"]);
  });
});
