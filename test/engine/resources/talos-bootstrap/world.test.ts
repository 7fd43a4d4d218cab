/** The shared hybrid cluster world (world.ts) is what the TalosBootstrap, KubeSpanMesh and RobotFirewall tests assume. */
import * as assert from "assert";
import { ClusterWorld, urnOf } from "./world";

// Does not prove: anything about the resources; only that the world is what the other tests assume.
describe("hybrid cluster world", function () {
  this.timeout(180_000);

  it("has 3 configured Robot control planes behind active Robot firewalls and 2 configured Cloud workers from a Talos snapshot", async () => {
    const w = await ClusterWorld.get();
    assert.deepStrictEqual(
      w.nodes.map((n) => [n.name, n.where]),
      [
        ["cp-1", "robot"],
        ["cp-2", "robot"],
        ["cp-3", "robot"],
        ["worker-1", "cloud"],
        ["worker-2", "cloud"],
      ],
    );
    for (const n of w.nodes) assert.strictEqual(w.talos.node(n.machineId)?.maintenance, false, n.name);
    for (const n of w.workers) assert.strictEqual(w.talos.node(n.machineId)?.boot.configSource, "user-data", n.name);
    const fws = w.controlPlanes.map((cp) => w.h.state.get(urnOf("RobotFirewall", `fw-${cp.name}`))!.outputs.status);
    assert.deepStrictEqual(fws, ["active", "active", "active"]);
    const robotFw = w.world.machines.get(w.nodes[0].machineId)!;
    assert.deepStrictEqual(
      [robotFw.inboundAllowed("tcp", 22, "198.51.100.7"), robotFw.inboundAllowed("udp", 51820, "198.51.100.7")],
      [false, true],
    );
  });
});
