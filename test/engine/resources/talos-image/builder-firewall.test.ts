/**
 * The TalosImage builder behind a temporary Cloud firewall (issue 16, item 1): with adminCidrs, the
 * build creates a firewall admitting SSH only from them, attaches it when the builder is created,
 * and deletes it after the builder; a stranger bound to 127.0.0.2 never gets an answer from the
 * builder's rescue SSH while the build from 127.0.0.1 completes; the rescue host key is recorded in
 * the step log. Does not prove: Hetzner's firewall propagation delay (the simulator applies at once),
 * or that a second SSH connection would be checked against the key (a build opens one).
 */
import * as assert from "assert";
import { SimMachine } from "../../../../provider/sim/types";
import { Sighting, watchAsStranger } from "../../../helpers/stranger";
import { TalosImageWorld } from "./world";

describe("engine: TalosImage builds behind a temporary firewall", function () {
  this.timeout(180_000);
  let w: TalosImageWorld;
  let watch: { seen: Sighting[]; settle(): Promise<void> } | undefined;

  before(async () => {
    w = await TalosImageWorld.start();
    const create = w.world.createMachine.bind(w.world);
    w.world.createMachine = async (spec, from) => {
      const m: SimMachine = await create(spec, from);
      watch ??= watchAsStranger([m], [22]);
      return m;
    };
  });
  after(async () => w?.stop());

  it("admits only the admins to the builder's rescue SSH and removes the firewall with the builder", async () => {
    const from = w.cloud.requests.length;
    const rec = await w.up("fw", { talosVersion: "v1.13.9", adminCidrs: ["127.0.0.1/32"] });
    await watch!.settle();
    assert.deepStrictEqual(
      watch!.seen.filter((s) => s.outcome === "answered"),
      [],
    );
    // The cut shows the firewall was on the builder from its creation: the simulated sshd consults it.
    assert.ok(
      watch!.seen.some((s) => s.status === "rescue" && s.outcome === "cut"),
      "the stranger tried while rescue ran",
    );
    const logs = w.logsOf("fw").join("\n");
    const firewall = /firewall (\d+) admits SSH to the builder only from 127\.0\.0\.1\/32/.exec(logs)?.[1];
    const server = /server (\d+) \(talos-image-[0-9a-f]{8}\) at 127\./.exec(logs)?.[1];
    assert.ok(firewall && server, logs);
    const requests = w.requests(from);
    assert.deepStrictEqual(
      requests.filter((r) => /firewalls|^POST \/servers |^DELETE \/servers/.test(r)),
      [
        "POST /firewalls 201",
        "POST /servers 201",
        `DELETE /servers/${server} 200`,
        `DELETE /firewalls/${firewall} 204`,
      ],
    );
    assert.match(
      logs,
      new RegExp(
        `rescue host key SHA256:[A-Za-z0-9+/]{43} of server ${server} recorded for this build \\(trusted on first use\\)`,
      ),
    );
    assert.deepStrictEqual(
      w.logsOf("fw").filter((l) => l.includes("Cleanup:")),
      [
        `[fw] Cleanup: deleted temporary server ${server}`,
        `[fw] Cleanup: deleted temporary firewall ${firewall}`,
        "[fw] Cleanup: deleted temporary SSH key 20001",
      ],
    );
    assert.deepStrictEqual(w.cloud.state.firewalls.size, 0);
    assert.strictEqual(rec.outputs.adopted, false);
  });
});
