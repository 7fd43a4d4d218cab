/**
 * `talosctl health` failures that ran no check: the real client prints an unreachable node's
 * connection error without naming the node (no `<node>: ` prefix), so the wrapper names the node it
 * asked about; a node the client did name is kept. Runs a fake runner, no binary.
 */
import * as assert from "assert";
import { TalosApiError } from "../../../../provider/talos/talosctl";
import { health, healthReport } from "../../../../provider/talos/talosctl/health";
import type { RunOutput } from "../../../../provider/talos/talosctl/exec";

const DIAL =
  'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"';
const OPTIONS = { node: "10.0.0.2", controlPlanes: ["10.0.0.2"], workers: [], waitTimeout: 1000, talosconfig: "x" };
const runner = (stderr: string) => ({
  run: async (): Promise<RunOutput> => ({ stdout: "", stderr, exitCode: 1 }),
});
const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail("health should have failed"),
    (e: TalosApiError) => [e.name, e.node, e.message],
  );

describe("talosctl wrapper: health failures name the node", () => {
  it("names the asked node when the real client's unreachable error does not", async () => {
    const stderr = `healthcheck error: rpc error: code = Unavailable desc = ${DIAL}\n`;
    const want = ["TalosApiError", "10.0.0.2", `talosctl health failed on node 10.0.0.2: Unavailable: ${DIAL}`];
    assert.deepStrictEqual(await failure(healthReport(runner(stderr), OPTIONS)), want);
  });

  it("keeps the node talosctl named itself", async () => {
    const stderr = "healthcheck error: 1 error occurred:\n\t* 10.0.0.3: rpc error: code = Unavailable desc = down\n";
    const t = runner(stderr) as unknown as Parameters<typeof health>[0];
    assert.deepStrictEqual(await failure(health(t, OPTIONS)), [
      "TalosApiError",
      "10.0.0.3",
      "talosctl health failed on node 10.0.0.3: Unavailable: down",
    ]);
  });
});
