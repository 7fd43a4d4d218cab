/**
 * The real talosctl's `upgrade-k8s --dry-run` against three simulated control planes and a worker:
 * every node is found through the Kubernetes API and read through the one endpoint (per-node COSI
 * and ImagePull), each control plane's components planned in turn, the kubelet on every node.
 * Does not prove: the manifest sync (not served yet, see upgrade-k8s.test.ts).
 */
import * as assert from "assert";
import { K8sCluster, k8sCluster, missing } from "./k8s-cluster";

const NET = `127.${150 + (process.pid % 50)}.97`;
const CPS = [`${NET}.2`, `${NET}.3`, `${NET}.4`];
const W = `${NET}.5`;

describe("real talosctl upgrade-k8s --dry-run against three control planes and a worker", function () {
  this.timeout(180000);
  let c: K8sCluster;

  before(async function () {
    const why = missing();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    c = await k8sCluster("ha", CPS, [W], "1.35.2");
  });
  after(async () => {
    await c?.destroy();
  });

  /** IPs in Kubernetes node-list order (by node name, the hostname), as upgrade-k8s discovers them. */
  const byName = (ips: string[]) => {
    const all = [...CPS, W];
    const name = (ip: string) => c.rt.node(c.machines[all.indexOf(ip)].id)!.hostname;
    return [...ips].sort((a, b) => name(a).localeCompare(name(b)));
  };
  const lines = (...xs: string[]) => xs.map((x) => `${x}\n`).join("");
  const perNode = (ips: string[], service: string, from: string) =>
    ips.flatMap((ip) => [
      ` > "${ip}": starting update`,
      ...(service === "kube-proxy" ? [] : [` > update ${service}: ${from} -> 1.36.3`]),
      " > skipped in dry-run",
    ]);

  it("plans every control plane's components and every node's kubelet, through the one endpoint", async () => {
    const cps = byName(CPS);
    const all = [...cps, W];
    const run = await c.admin("upgrade-k8s", "--to", "1.36.3", "--dry-run");
    const images = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
    assert.deepStrictEqual(run, {
      code: 1,
      stdout: lines(
        "automatically detected the lowest Kubernetes version 1.35.2",
        `discovered controlplane nodes [${cps.map((ip) => `"${ip}"`).join(" ")}]`,
        `discovered worker nodes ["${W}"]`,
        ...all.map((ip) => `> "${ip}": Talos version 1.13.9 is compatible with Kubernetes version 1.36.3`),
        "checking for removed Kubernetes component flags",
        "checking for removed Kubernetes API resource versions",
        ...images.flatMap((i) => cps.map((ip) => ` > "${ip}": pre-pulling registry.k8s.io/${i}:v1.36.3`)),
        ...all.map((ip) => ` > "${ip}": pre-pulling ghcr.io/siderolabs/kubelet:v1.36.3`),
        ...images.flatMap((i) => [`updating "${i}" to version "1.36.3"`, ...perNode(cps, i, "v1.35.2")]),
        'updating kube-proxy to version "1.36.3"',
        ...perNode(cps, "kube-proxy", ""),
        'updating kubelet to version "1.36.3"',
        ...perNode(all, "kubelet", "1.35.2"),
      ),
      stderr:
        'rpc error: code = PermissionDenied desc = resource type "Manifests.kubernetes.talos.dev" is not supported\n',
    });
  });
});
