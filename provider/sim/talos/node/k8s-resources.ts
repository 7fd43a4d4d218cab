/**
 * The Kubernetes resources machined derives from the machine config that `talosctl upgrade-k8s`
 * reads and watches (pkg/cluster/kubernetes, go-kubernetes upgrade checks): the control-plane
 * component configs (k8s.ControlPlaneController), their static pods (k8s.StaticPodController,
 * annotated with the config version they render), the kubelet spec and the kubelet service.
 * A resource's version moves only when its spec changes, as a controller's Modify of an equal spec
 * writes nothing.
 */
import { at } from "../config-docs";
import { defaultKubernetesVersion } from "../versions";
import { Data, DataMap, isDataMap } from "../yaml";
import { TalosNode } from "./node";
import type { TypeDef, WireResource } from "./resources";

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** Per node and resource: the spec last seen, its version and when it changed. */
const history = new WeakMap<TalosNode, Map<string, { json: string; version: number; updated: number }>>();

function versioned(node: TalosNode, key: string, spec: unknown): { version: number; updated: number } {
  const seen = history.get(node) ?? new Map();
  history.set(node, seen);
  const json = JSON.stringify(spec);
  const last = seen.get(key);
  if (last?.json === json) return last;
  const next = { json, version: (last?.version ?? 0) + 1, updated: last ? Date.now() : node.bootedAt };
  seen.set(key, next);
  return next;
}

/** `identity`: what the controller's spec holds beyond what is shown (default: the spec). */
function resource(
  node: TalosNode,
  def: TypeDef,
  id: string,
  spec: Data,
  owner: string,
  proto: object,
  identity: unknown = spec,
): WireResource {
  const v = versioned(node, `${def.type}/${id}`, identity);
  const metadata = {
    namespace: def.namespace,
    type: def.type,
    id,
    version: v.version,
    owner,
    phase: "running",
    created: rfc3339(node.bootedAt),
    updated: rfc3339(v.updated),
  };
  return { metadata, spec, proto: { message: protoMessage(def.type), value: proto } };
}

/** The spec message of a resource type in Talos's resource definitions (package talos.resource.definitions). */
function protoMessage(type: string): string {
  const [plural, group] = type.split(".");
  const pkg = group === "kubernetes" ? "k8s" : group;
  const singular = plural.replace(/s$/, "");
  return `talos.resource.definitions.${pkg}.${singular}Spec`;
}

/** The configured image of a component, or Talos's default for the node's version. */
function image(node: TalosNode, field: string, repo: string): string {
  const set = node.active?.v1alpha1 ? at(node.active.v1alpha1, field) : undefined;
  return typeof set === "string" && set !== "" ? set : `${repo}:v${defaultKubernetesVersion(node.version)}`;
}

/** `extraArgs` as `--key=value` flags, sorted as Talos's argsbuilder emits them. */
function flags(node: TalosNode, section: string): string[] {
  const extra = node.active?.v1alpha1 ? at(node.active.v1alpha1, `${section}.extraArgs`) : undefined;
  if (!isDataMap(extra)) return [];
  return Object.keys(extra)
    .sort()
    .map((k) => `--${k}=${String(extra[k])}`);
}

interface Component {
  id: string;
  configType: string;
  field: string;
  section: string;
  repo: string;
  /** Talos's short alias of the config type. */
  abbrev: string;
}

const COMPONENTS: Component[] = [
  {
    id: "kube-apiserver",
    configType: "APIServerConfigs.kubernetes.talos.dev",
    field: "cluster.apiServer.image",
    section: "cluster.apiServer",
    repo: "registry.k8s.io/kube-apiserver",
    abbrev: "apisc",
  },
  {
    id: "kube-controller-manager",
    configType: "ControllerManagerConfigs.kubernetes.talos.dev",
    field: "cluster.controllerManager.image",
    section: "cluster.controllerManager",
    repo: "registry.k8s.io/kube-controller-manager",
    abbrev: "cmc",
  },
  {
    id: "kube-scheduler",
    configType: "SchedulerConfigs.kubernetes.talos.dev",
    field: "cluster.scheduler.image",
    section: "cluster.scheduler",
    repo: "registry.k8s.io/kube-scheduler",
    abbrev: "sc",
  },
];

function configDef(c: Component): TypeDef {
  const singular = c.configType.split(".")[0].replace(/s$/, "").toLowerCase();
  return {
    type: c.configType,
    namespace: "controlplane",
    singular,
    abbrev: c.abbrev,
    sensitive: false,
    list(node) {
      if (!node.active || !node.controlPlane) return [];
      const img = image(node, c.field, c.repo);
      // APIServerConfigSpec has no `enabled` (the API server always runs on a control plane).
      const spec: DataMap = c.id === "kube-apiserver" ? { image: img } : { enabled: true, image: img };
      // Talos's spec also carries extra args, volumes, env: a change there renders a new static pod too.
      const identity = { spec, args: flags(node, c.section) };
      return [resource(node, this, c.id, spec, "k8s.ControlPlaneController", spec, identity)];
    },
  };
}

/** The static pod machined renders for one component (the parts upgrade-k8s reads). */
function staticPod(node: TalosNode, c: Component, configVersion: number): DataMap {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: c.id,
      namespace: "kube-system",
      labels: { tier: "control-plane", "k8s-app": c.id },
      annotations: { "talos.dev/config-version": String(configVersion) },
    },
    spec: {
      hostNetwork: true,
      priorityClassName: "system-cluster-critical",
      containers: [
        {
          name: c.id,
          image: image(node, c.field, c.repo),
          command: [`/usr/local/bin/${c.id}`, ...flags(node, c.section)],
        },
      ],
    },
  };
}

const STATIC_PODS: TypeDef = {
  type: "StaticPods.kubernetes.talos.dev",
  namespace: "k8s",
  singular: "staticpod",
  abbrev: "sp",
  sensitive: false,
  list(node) {
    if (!node.active || !node.controlPlane) return [];
    return COMPONENTS.map((c) => {
      const [cfg] = configDef(c).list(node);
      const pod = staticPod(node, c, cfg.metadata.version);
      return resource(node, this, c.id, { pod }, "k8s.StaticPodController", { pod: toStruct(pod) });
    });
  },
};

const KUBELET_SPEC: TypeDef = {
  type: "KubeletSpecs.kubernetes.talos.dev",
  namespace: "k8s",
  singular: "kubeletspec",
  abbrev: "ks",
  sensitive: false,
  list(node) {
    if (!node.active) return [];
    const img = image(node, "machine.kubelet.image", "ghcr.io/siderolabs/kubelet");
    const args = [
      "--config=/etc/kubernetes/kubelet.yaml",
      "--kubeconfig=/etc/kubernetes/kubeconfig-kubelet",
      ...flags(node, "machine.kubelet"),
    ];
    const spec: DataMap = { image: img, args, expectedNodename: node.hostname };
    const proto = { image: img, args, expected_nodename: node.hostname };
    return [resource(node, this, "kubelet", spec, "k8s.KubeletSpecController", proto)];
  },
};

const SERVICES: TypeDef = {
  type: "Services.v1alpha1.talos.dev",
  namespace: "runtime",
  singular: "service",
  abbrev: "svc",
  sensitive: false,
  list(node) {
    if (!node.active) return [];
    // The kubelet service restarts (a new Running resource) when its image changes.
    const kubeletImage = image(node, "machine.kubelet.image", "ghcr.io/siderolabs/kubelet");
    const spec = { running: true, healthy: true, unknown: false };
    const r = resource(node, this, "kubelet", { ...spec, image: kubeletImage }, "v1alpha1.ServiceController", spec);
    return [{ ...r, spec }];
  },
};

/**
 * google.protobuf.Struct of a JSON object, as protobufjs takes it when its types come from a
 * descriptor set: a map as its wire form (a list of key/value entries), oneof members by name.
 */
export function toStruct(v: DataMap): object {
  return { fields: Object.entries(v).map(([key, x]) => ({ key, value: toValue(x) })) };
}

function toValue(x: Data): object {
  if (x === null || x === undefined) return { null_value: 0 };
  if (typeof x === "number") return { number_value: x };
  if (typeof x === "string") return { string_value: x };
  if (typeof x === "boolean") return { bool_value: x };
  if (Array.isArray(x)) return { list_value: { values: x.map(toValue) } };
  return { struct_value: toStruct(x as DataMap) };
}

/** The types this file serves, for node/resources.ts. */
export const K8S_TYPES: TypeDef[] = [...COMPONENTS.map(configDef), STATIC_PODS, KUBELET_SPEC, SERVICES];
