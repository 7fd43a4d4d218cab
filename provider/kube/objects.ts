/** The client's view of Kubernetes Nodes and Pods, converted from the API's JSON objects. */

/** A Kubernetes Node as the day-2 operations need it. */
export interface KubeNode {
  name: string;
  /** InternalIP and ExternalIP addresses (not the Hostname entry). */
  addresses: string[];
  ready: boolean;
  unschedulable: boolean;
  kubeletVersion: string;
  osImage: string;
}

/** A Pod as drain needs it. */
export interface KubePod {
  namespace: string;
  name: string;
  nodeName: string;
  /** Kind of the controller owner reference (ReplicaSet, DaemonSet, StatefulSet, Job…); absent for bare pods. */
  ownerKind?: string;
  /** A static pod's mirror (annotation kubernetes.io/config.mirror). */
  mirror: boolean;
  emptyDir: boolean;
  phase: string;
  /** deletionTimestamp is set: the pod is terminating. */
  deleting: boolean;
}

// API objects are read defensively field by field, so they are typed loosely here.
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Converts an API Node object. */
export function toNode(o: Obj): KubeNode {
  const conditions: Obj[] = o.status?.conditions ?? [];
  return {
    name: String(o.metadata?.name ?? ""),
    addresses: (o.status?.addresses ?? [])
      .filter((a: Obj) => a.type === "InternalIP" || a.type === "ExternalIP")
      .map((a: Obj) => String(a.address)),
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    unschedulable: o.spec?.unschedulable === true,
    kubeletVersion: String(o.status?.nodeInfo?.kubeletVersion ?? ""),
    osImage: String(o.status?.nodeInfo?.osImage ?? ""),
  };
}

/** Converts an API Pod object. */
export function toPod(o: Obj): KubePod {
  const owner = (o.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller === true);
  const pod: KubePod = {
    namespace: String(o.metadata?.namespace ?? ""),
    name: String(o.metadata?.name ?? ""),
    nodeName: String(o.spec?.nodeName ?? ""),
    mirror: o.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined,
    emptyDir: (o.spec?.volumes ?? []).some((v: Obj) => v.emptyDir !== undefined),
    phase: String(o.status?.phase ?? ""),
    deleting: Boolean(o.metadata?.deletionTimestamp),
  };
  if (owner) pod.ownerKind = String(owner.kind);
  return pod;
}

/** `namespace/name` of a pod, as kubectl prints it. */
export function podRef(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
