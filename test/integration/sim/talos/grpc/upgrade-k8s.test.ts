/**
 * The real talosctl's `upgrade-k8s` against a simulated one-control-plane cluster: it reads the
 * static pods and kubelet spec machined derives from the config (removed-flag checks), watches the
 * component configs, patches the machine config through the node's COSI state and ApplyConfiguration.
 * The dry run pre-pulls the target images (MachineService.ImagePull) into the node's containerd namespaces.
 * Does not prove: the manifest sync (server-side apply with an inventory), which the simulated
 * Kubernetes API does not serve yet.
 */
import * as assert from "assert";
import { pulledImages } from "../../../../../provider/sim/talos/grpc/images";
import { K8sCluster, k8sCluster, missing } from "./k8s-cluster";

const NET = `127.${150 + (process.pid % 50)}.96`;
const CP = `${NET}.2`;

describe("real talosctl upgrade-k8s against a simulated cluster", function () {
  this.timeout(180000);
  let c: K8sCluster;
  const admin = (...args: string[]) => c.admin(...args);

  before(async function () {
    const why = missing();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    c = await k8sCluster("k8s", [CP], [], "1.35.2");
  });
  after(async () => {
    await c?.destroy();
  });

  const lines = (...xs: string[]) => xs.map((x) => `${x}\n`).join("");
  const detected = () => [
    "automatically detected the lowest Kubernetes version 1.35.2",
    `discovered controlplane nodes ["${CP}"]`,
    "discovered worker nodes []",
    `> "${CP}": Talos version 1.13.9 is compatible with Kubernetes version 1.36.3`,
    "checking for removed Kubernetes component flags",
    "checking for removed Kubernetes API resource versions",
  ];
  const prePulled = [
    "k8s.io/registry.k8s.io/kube-apiserver:v1.36.3",
    "k8s.io/registry.k8s.io/kube-controller-manager:v1.36.3",
    "k8s.io/registry.k8s.io/kube-scheduler:v1.36.3",
    "system/ghcr.io/siderolabs/kubelet:v1.36.3",
  ];
  const prePulls = () => prePulled.map((i) => ` > "${CP}": pre-pulling ${i.slice(i.indexOf("/") + 1)}`);
  const component = (service: string, from: string) => [
    `updating "${service}" to version "1.36.3"`,
    ` > "${CP}": starting update`,
    ` > update ${service}: ${from} -> 1.36.3`,
    " > skipped in dry-run",
  ];

  it("--dry-run plans each static pod, kube-proxy and the kubelet from the node's resources, then stops at the manifest sync", async () => {
    const run = await admin("upgrade-k8s", "--to", "1.36.3", "--dry-run");
    assert.deepStrictEqual(run, {
      code: 1,
      stdout: lines(
        ...detected(),
        ...prePulls(),
        ...component("kube-apiserver", "v1.35.2"),
        ...component("kube-controller-manager", "v1.35.2"),
        ...component("kube-scheduler", "v1.35.2"),
        'updating kube-proxy to version "1.36.3"',
        ` > "${CP}": starting update`,
        " > skipped in dry-run",
        'updating kubelet to version "1.36.3"',
        ` > "${CP}": starting update`,
        " > update kubelet: 1.35.2 -> 1.36.3",
        " > skipped in dry-run",
      ),
      // The bootstrap manifests (and server-side apply in the simulated Kubernetes API) are not served yet.
      stderr:
        'rpc error: code = PermissionDenied desc = resource type "Manifests.kubernetes.talos.dev" is not supported\n',
    });
    // The control-plane images into the CRI namespace, the kubelet's into the system one.
    assert.deepStrictEqual(pulledImages(c.rt.node(c.machines[0].id)!), prePulled);
  });

  it("a feature gate the target version removes, set in the config, shows in the static pod and stops the upgrade", async () => {
    const gate = { cluster: { apiServer: { extraArgs: { "feature-gates": "HonorPVReclaimPolicy=true" } } } };
    const patch = await admin("patch", "mc", "--mode", "no-reboot", "-p", JSON.stringify(gate));
    assert.strictEqual(patch.code, 0, patch.stderr);
    const pod = await admin(
      "get",
      "staticpod",
      "kube-apiserver",
      "-o",
      "jsonpath={.spec.pod.spec.containers[0].command}",
    );
    assert.deepStrictEqual(pod, {
      code: 0,
      stdout: lines(
        "[",
        '    "/usr/local/bin/kube-apiserver",',
        '    "--feature-gates=HonorPVReclaimPolicy=true"',
        "]",
      ),
      stderr: "",
    });
    const annotation = await admin(
      "get",
      "staticpod",
      "kube-apiserver",
      "-o",
      "jsonpath={.spec.pod.metadata.annotations}",
    );
    const config = await admin("get", "apiserverconfig", "kube-apiserver", "-o", "jsonpath={.metadata.version}");
    // The static pod renders the component config's new version (what upgrade-k8s waits for in the pod).
    assert.deepStrictEqual(
      [annotation.stdout, config.stdout],
      [lines("{", '    "talos.dev/config-version": "2"', "}"), "2\n"],
    );
    assert.deepStrictEqual(await admin("upgrade-k8s", "--to", "1.36.3", "--dry-run"), {
      code: 1,
      stdout: lines(...detected()),
      stderr: lines(
        "",
        "NODE           COMPONENT        REMOVED FEATURE GATE",
        `${CP.padEnd(15)}kube-apiserver   HonorPVReclaimPolicy`,
        "",
      ),
    });
  });
});
