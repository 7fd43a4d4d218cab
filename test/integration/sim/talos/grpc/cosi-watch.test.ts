/**
 * `talosctl get -w` (cosi.resource.State.Watch) against a simulated node: the current resources
 * first, then a change of the machine config shows as an update of the derived resource, with
 * its new version (and the new image on a read).
 * Does not prove: watching through one-to-many `--nodes` (apid refuses it for COSI).
 */
import * as assert from "assert";
import { spawn } from "child_process";
import { K8sCluster, k8sCluster, missing } from "./k8s-cluster";

const NET = `127.${150 + (process.pid % 50)}.98`;
const CP = `${NET}.2`;

describe("real talosctl get -w against a simulated node (COSI Watch)", function () {
  this.timeout(120000);
  let c: K8sCluster;

  before(async function () {
    const why = missing();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    c = await k8sCluster("watch", [CP], [], "1.35.2");
  });
  after(async () => {
    await c?.destroy();
  });

  it("get apiserverconfigs -w: the current config, then the update a config patch causes", async () => {
    const args = ["--talosconfig", "talosconfig", "-e", CP, "-n", CP, "get", "apiserverconfigs", "-w"];
    const child = spawn(c.bin, args, { cwd: c.dir });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const rows = () => out.trimEnd().split("\n").filter(Boolean);
    const waitRows = async (n: number) => {
      const deadline = Date.now() + 20000;
      while (rows().length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} rows; got ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitRows(2);
      const patch = { cluster: { apiServer: { image: "registry.k8s.io/kube-apiserver:v1.35.3" } } };
      const p = await c.admin("patch", "mc", "--mode", "no-reboot", "-p", JSON.stringify(patch));
      assert.strictEqual(p.code, 0, p.stderr);
      await waitRows(3);
    } finally {
      child.kill();
    }
    // `+` marks the created (initial) resource; the update has no mark and the next version.
    assert.deepStrictEqual(rows(), [
      "NODE           *   NAMESPACE      TYPE              ID               VERSION",
      `${CP.padEnd(15)}+   controlplane   APIServerConfig   kube-apiserver   1`,
      `${CP.padEnd(15)}    controlplane   APIServerConfig   kube-apiserver   2`,
    ]);
    const image = await c.admin("get", "apiserverconfig", "kube-apiserver", "-o", "jsonpath={.spec.image}");
    assert.deepStrictEqual(image.stdout, "registry.k8s.io/kube-apiserver:v1.35.3\n");
  });
});
