/**
 * TalosCluster's ordering on a first install: configs of dedicated servers this run installed are
 * applied at once (no running config to protect), while Cloud workers still roll.
 * Does not prove: the order the real engine runs them in (see the e2e suite).
 */
import * as assert from "assert";
import { ROLL_CONFIGS, rollDepsOf, runExample, setInstalledAt } from "./mocks";

describe("TalosCluster under mocks: a first install", function () {
  this.timeout(60000);
  after(() => setInstalledAt(undefined));

  it("applies the configs of dedicated servers installed by this run at once (behind the snapshot only); Cloud workers still roll", async () => {
    setInstalledAt(() => new Date().toISOString());
    const run = await runExample(2, 21);
    const roll = (n: string) => rollDepsOf(run.options, n);
    const configs = ROLL_CONFIGS;
    assert.deepStrictEqual(
      configs.map((n) => [n, roll(n)]),
      [
        ["hybrid-cp-0-config", ["hybrid-image"]],
        ["hybrid-cp-1-config", ["hybrid-image"]],
        ["hybrid-cp-2-config", ["hybrid-image"]],
        ["hybrid-cloud-0-node", ["hybrid-cp-2-config"]],
        ["hybrid-cloud-1-node", ["hybrid-cloud-0-node", "hybrid-cp-2-config"]],
      ],
    );
    // Each dedicated node's config waits for its Robot firewall, so a refused removal keeps the filter.
    assert.deepStrictEqual(
      [0, 1, 2].map((i) => run.options.get(`hybrid-cp-${i}-config`)!.dependsOn.filter((d) => d.endsWith("-firewall"))),
      [["hybrid-cp-0-firewall"], ["hybrid-cp-1-firewall"], ["hybrid-cp-2-firewall"]],
    );
  });
});
