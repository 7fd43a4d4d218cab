/**
 * Builds the v1alpha1 document `gen config` generates, per version contract; key order follows
 * the Talos structs and the stability fixtures (shared/fixtures/talos/gen-config/v1.X).
 */
import { TalosVersion, atLeast } from "../versions";
import { DataMap } from "../yaml";
import { SecretsBundle } from "./secrets";

/** Inputs of one generation run. */
export interface GenInput {
  clusterName: string;
  endpoint: string;
  secrets: SecretsBundle;
  contract: TalosVersion;
  kubernetesVersion: string;
  installDisk?: string;
  installImage?: string;
  dnsDomain: string;
  additionalSans: string[];
  discovery: boolean;
  kubespan: boolean;
  registryMirrors: { host: string; url: string }[];
}

/** Machine role of a generated document. */
export type Role = "controlplane" | "worker";

function features(c: TalosVersion): DataMap {
  const f: DataMap = {};
  if (!atLeast(c, 1, 12)) Object.assign(f, { rbac: true, stableHostname: true, apidCheckExtKeyUsage: true });
  f.diskQuotaSupport = true;
  f.kubePrism = { enabled: true, port: 7445 };
  if (atLeast(c, 1, 8)) f.hostDNS = { enabled: true, forwardKubeDNSToHost: true };
  else if (atLeast(c, 1, 7)) f.hostDNS = { enabled: true };
  return f;
}

function install(g: GenInput): DataMap {
  const i: DataMap = {};
  if (g.installDisk) i.disk = g.installDisk;
  if (g.installImage) i.image = g.installImage;
  i.wipe = false;
  if (atLeast(g.contract, 1, 12)) i.grubUseUKICmdline = true;
  return i;
}

function machine(g: GenInput, role: Role): DataMap {
  const cp = role === "controlplane";
  const m: DataMap = {
    type: role,
    token: g.secrets.trustdinfo.token,
    ca: { crt: g.secrets.certs.os.crt, key: cp ? g.secrets.certs.os.key : "" },
    certSANs: [...g.additionalSans],
    kubelet: {
      image: `ghcr.io/siderolabs/kubelet:v${g.kubernetesVersion}`,
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
    },
  };
  if (!atLeast(g.contract, 1, 13)) m.network = g.kubespan ? { kubespan: { enabled: true } } : {};
  m.install = install(g);
  if (!atLeast(g.contract, 1, 12) && g.registryMirrors.length) {
    const mirrors: DataMap = {};
    for (const r of g.registryMirrors) mirrors[r.host] = { endpoints: [r.url] };
    m.registries = { mirrors };
  }
  m.features = features(g.contract);
  if (cp && atLeast(g.contract, 1, 8)) m.nodeLabels = { "node.kubernetes.io/exclude-from-external-load-balancers": "" };
  return m;
}

const POD_SECURITY: DataMap = {
  name: "PodSecurity",
  configuration: {
    apiVersion: "pod-security.admission.config.k8s.io/v1alpha1",
    defaults: {
      audit: "restricted",
      "audit-version": "latest",
      enforce: "baseline",
      "enforce-version": "latest",
      warn: "restricted",
      "warn-version": "latest",
    },
    exemptions: { namespaces: ["kube-system"], runtimeClasses: [], usernames: [] },
    kind: "PodSecurityConfiguration",
  },
};

function apiServer(g: GenInput): DataMap {
  const a: DataMap = { image: `registry.k8s.io/kube-apiserver:v${g.kubernetesVersion}` };
  const legacy = !atLeast(g.contract, 1, 12);
  const sans = legacy ? [new URL(g.endpoint).hostname.replace(/^\[|\]$/g, ""), ...g.additionalSans] : g.additionalSans;
  if (sans.length) a.certSANs = [...new Set(sans)];
  if (legacy) a.disablePodSecurityPolicy = true;
  a.admissionControl = [POD_SECURITY];
  a.auditPolicy = { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: [{ level: "Metadata" }] };
  return a;
}

function cluster(g: GenInput, role: Role): DataMap {
  const cp = role === "controlplane";
  const s = g.secrets;
  const c: DataMap = { id: s.cluster.id, secret: s.cluster.secret, controlPlane: { endpoint: g.endpoint } };
  if (cp || atLeast(g.contract, 1, 8)) c.clusterName = g.clusterName;
  c.network = { dnsDomain: g.dnsDomain, podSubnets: ["10.244.0.0/16"], serviceSubnets: ["10.96.0.0/12"] };
  c.token = s.secrets.bootstraptoken;
  if (cp && s.secrets.secretboxencryptionsecret) c.secretboxEncryptionSecret = s.secrets.secretboxencryptionsecret;
  if (cp && s.secrets.aescbcencryptionsecret) c.aescbcEncryptionSecret = s.secrets.aescbcencryptionsecret;
  c.ca = { crt: s.certs.k8s.crt, key: cp ? s.certs.k8s.key : "" };
  if (cp) {
    c.aggregatorCA = { ...s.certs.k8saggregator };
    c.serviceAccount = { key: s.certs.k8sserviceaccount.key };
    c.apiServer = apiServer(g);
    c.controllerManager = { image: `registry.k8s.io/kube-controller-manager:v${g.kubernetesVersion}` };
    c.proxy = { image: `registry.k8s.io/kube-proxy:v${g.kubernetesVersion}` };
    c.scheduler = { image: `registry.k8s.io/kube-scheduler:v${g.kubernetesVersion}` };
  }
  c.discovery = { enabled: g.discovery, registries: { kubernetes: { disabled: true }, service: {} } };
  if (cp) c.etcd = { ca: { ...s.certs.etcd } };
  return c;
}

/** The v1alpha1 document for a role. */
export function v1alpha1Doc(g: GenInput, role: Role): DataMap {
  return { version: "v1alpha1", debug: false, persist: true, machine: machine(g, role), cluster: cluster(g, role) };
}

/** Extra documents after v1alpha1: registry mirrors (v1.12+), HostnameConfig (v1.12+), KubeSpanConfig (v1.13+). */
export function extraDocs(g: GenInput): DataMap[] {
  if (!atLeast(g.contract, 1, 12)) return [];
  const docs: DataMap[] = g.registryMirrors.map((r) => ({
    apiVersion: "v1alpha1",
    kind: "RegistryMirrorConfig",
    name: r.host,
    endpoints: [{ url: r.url }],
  }));
  docs.push({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" });
  if (g.kubespan && atLeast(g.contract, 1, 13))
    docs.push({ apiVersion: "v1alpha1", kind: "KubeSpanConfig", enabled: true });
  return docs;
}
