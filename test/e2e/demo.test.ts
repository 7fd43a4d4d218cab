/**
 * `npm run demo` under the real Pulumi CLI (`.tools/bin/pulumi`): runEngineDemo against its own
 * simulator range. Proves the steps it prints in order, the CLI's own summaries (14 created, 3 to update
 * in the label preview, 14 deleted), that it says which step it skips and why, a 0600 kubeconfig that
 * reaches the simulated Kubernetes API while the cluster runs, and no credential or key material in
 * anything it printed. Does not prove the Cloud-worker steps (no hcloud plugin here).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeClient } from "../../provider/kube/client";
import { runEngineDemo, SKIPPED_SCALE_OUT } from "../../provider/sim/demo/engine";
import { HYBRID_CREDENTIALS } from "../../provider/sim/scenarios/hybrid";
import { CONTROL_PLANES } from "./harness/hybrid";
import { needles, plaintextHits } from "./harness/secrets";
import { realPulumi } from "./harness/stack";

const FIRST = 781; // own 127.10.x addresses, apart from the other e2e suites and the unit suite's simulators

describe("e2e: npm run demo under the real pulumi CLI", function () {
  this.timeout(300_000);

  it("previews, installs, previews a label change and destroys, saying what it skips; no secret in its output", async () => {
    const lines: string[] = [];
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-e2e-demo-"));
    let kubeconfig = "";
    let nodesWhileUp: Promise<[string, boolean][]> | undefined;
    const kubeNodes = async () => {
      kubeconfig = fs.readFileSync(path.join(outDir, "kubeconfig"), "utf8");
      return (await new KubeClient(kubeconfig).listNodes()).map((n) => [n.name, n.ready] as [string, boolean]);
    };
    const log = (l: string) => {
      lines.push(l);
      // The kubeconfig is written right after up; the cluster runs until the destroy step.
      if (l.startsWith("[demo] step 4/6")) nodesWhileUp = kubeNodes();
    };
    const r = await runEngineDemo({ cli: realPulumi(), log, outDir, scenario: { firstServer: FIRST } });
    assert.deepStrictEqual(
      await nodesWhileUp,
      CONTROL_PLANES.map((n) => [n, true]),
    );
    assert.deepStrictEqual(
      lines.filter((l) => l.startsWith("[demo] step")).map((l) => l.replace(/:.*/, "")),
      [1, 2, 3, 4, 5, 6].map((i) => `[demo] step ${i}/6`),
    );
    const text = lines.join("\n");
    for (const summary of [
      /\+ 14 to create\b/,
      /\+ 14 created\b/,
      /~ 3 to update\n\s+11 unchanged\b/,
      /- 14 deleted\b/,
    ])
      assert.match(text, new RegExp(`Resources:\\n\\s+${summary.source}`));
    assert.deepStrictEqual(r.skipped, [SKIPPED_SCALE_OUT]);
    assert.ok(lines.includes(`    skipped: ${SKIPPED_SCALE_OUT}`));
    assert.deepStrictEqual(
      r.nodes.map((n) => n.name),
      CONTROL_PLANES,
    );
    assert.strictEqual(fs.statSync(r.kubeconfigPath).mode & 0o777, 0o600);
    assert.ok(needles([kubeconfig]).length >= 1, "the kubeconfig's client key is looked for");
    assert.deepStrictEqual(
      plaintextHits(
        [{ name: "demo output", text }],
        [kubeconfig],
        [HYBRID_CREDENTIALS.robotPassword, HYBRID_CREDENTIALS.hcloudToken],
      ),
      [],
    );
  });
});
