/** The API objects the simulated server returns: Node, Pod, PodDisruptionBudget, lists and Status. */
import { healthyPods } from "./evict";
import { Pass, nodeReady, phaseOf } from "./reconcile";
import { SimKubeNodeRecord, SimPdb, SimPod } from "./state";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A metav1.Status failure, exactly as the API server encodes it. */
export function status(code: number, reason: string, message: string, details?: object): object {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** A list object (`NodeList`, `PodList`…). */
export function list(kind: string, apiVersion: string, items: object[]): object {
  return { kind, apiVersion, metadata: { resourceVersion: String(Date.now()) }, items };
}

function readyCondition(ready: boolean, now: number): object {
  // The node lifecycle controller sets Unknown when the kubelet stops posting status (k8s node_lifecycle_controller.go).
  return ready
    ? {
        type: "Ready",
        status: "True",
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
        lastHeartbeatTime: iso(now),
        lastTransitionTime: iso(now),
      }
    : {
        type: "Ready",
        status: "Unknown",
        reason: "NodeStatusUnknown",
        message: "Kubelet stopped posting node status.",
        lastHeartbeatTime: iso(now),
        lastTransitionTime: iso(now),
      };
}

/** A v1 Node. */
export function nodeObject(p: Pass, n: SimKubeNodeRecord): object {
  const labels: Record<string, string> = {
    "kubernetes.io/arch": n.arch,
    "kubernetes.io/hostname": n.name,
    "kubernetes.io/os": "linux",
  };
  const taints: object[] = [];
  if (n.controlPlane) labels["node-role.kubernetes.io/control-plane"] = "";
  if (n.tainted) taints.push({ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" });
  if (n.unschedulable)
    taints.push({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: iso(p.now) });
  const spec: Record<string, unknown> = {};
  if (n.unschedulable) spec.unschedulable = true;
  if (taints.length) spec.taints = taints;
  return {
    kind: "Node",
    apiVersion: "v1",
    metadata: { name: n.name, uid: n.uid, creationTimestamp: iso(n.createdAt), labels },
    spec,
    status: {
      conditions: [readyCondition(nodeReady(p, n.name), p.now)],
      addresses: [
        { type: "InternalIP", address: n.ip },
        { type: "Hostname", address: n.name },
      ],
      nodeInfo: {
        kubeletVersion: n.kubeletVersion,
        osImage: n.osImage,
        operatingSystem: "linux",
        architecture: n.arch,
        containerRuntimeVersion: "containerd://2.1.4",
        kubeProxyVersion: n.kubeletVersion,
      },
    },
  };
}

/**
 * The component a system pod runs, as its `k8s-app` label and container name say (Talos's static
 * pod manifests and bootstrap manifests): the static pod's name minus its node, the DaemonSet's
 * name, `kube-dns` for CoreDNS. talosctl upgrade-k8s detects the running version by these.
 */
function systemApp(x: SimPod): string | undefined {
  if (x.namespace !== "kube-system") return undefined;
  if (x.owner?.kind === "Node") return x.name.slice(0, x.name.length - x.owner.name.length - 1);
  if (x.owner?.kind === "DaemonSet") return x.owner.name;
  return x.app === "coredns" ? "kube-dns" : undefined;
}

/** A v1 Pod. */
export function podObject(p: Pass, x: SimPod): object {
  const k8sApp = systemApp(x);
  const metadata: Record<string, unknown> = {
    name: x.name,
    namespace: x.namespace,
    uid: x.uid,
    creationTimestamp: iso(x.createdAt),
    labels: { ...(x.app ? { app: x.app } : {}), ...(k8sApp ? { "k8s-app": k8sApp } : {}) },
  };
  if (x.mirror) metadata.annotations = { "kubernetes.io/config.mirror": x.uid, "kubernetes.io/config.source": "file" };
  if (x.owner)
    metadata.ownerReferences = [
      {
        apiVersion: x.owner.kind === "Node" ? "v1" : "apps/v1",
        kind: x.owner.kind,
        name: x.owner.name,
        uid: x.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  if (x.deletedAt !== undefined)
    Object.assign(metadata, { deletionTimestamp: iso(x.deletedAt), deletionGracePeriodSeconds: 30 });
  const spec: Record<string, unknown> = {
    containers: [
      { name: x.app ?? (x.owner?.kind === "Node" ? k8sApp : x.name.replace(/-[^-]+$/, "")), image: x.image },
    ],
  };
  if (x.nodeName) spec.nodeName = x.nodeName;
  if (x.emptyDir) spec.volumes = [{ name: "scratch", emptyDir: {} }];
  const hostIP = p.d.nodes[x.nodeName]?.ip;
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata,
    spec,
    status: { phase: phaseOf(x, p.now), ...(hostIP ? { hostIP } : {}) },
  };
}

/** A policy/v1 PodDisruptionBudget with its current status. */
export function pdbObject(p: Pass, b: SimPdb): object {
  const healthy = healthyPods(p, b.namespace, b.app).length;
  const expected = p.d.pods.filter(
    (x) => x.namespace === b.namespace && x.app === b.app && x.deletedAt === undefined,
  ).length;
  return {
    kind: "PodDisruptionBudget",
    apiVersion: "policy/v1",
    metadata: { name: b.name, namespace: b.namespace },
    spec: { minAvailable: b.minAvailable, selector: { matchLabels: { app: b.app } } },
    status: {
      currentHealthy: healthy,
      desiredHealthy: b.minAvailable,
      disruptionsAllowed: Math.max(0, healthy - b.minAvailable),
      expectedPods: expected,
    },
  };
}
