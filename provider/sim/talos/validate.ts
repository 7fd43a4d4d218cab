/**
 * Machine config validation used by `talosctl validate` and by the simulated nodes: the rules of
 * contracts/talosctl.md §6, §18.1 and §18.3 with Talos's exact texts and multierror layout.
 */
import { MachineConfig, at, docOfKind } from "./config-docs";
import { multierror } from "./multierror";
import { clusterFieldErrors, nodeLabelErrors } from "./validate-fields";
import { Data, DataMap, isDataMap } from "./yaml";

/** Runtime modes `validate -m` accepts. */
export const MODES = ["metal", "cloud", "container", "metal-agent"];

/** Outcome: warnings, and the error text (null when valid). */
export interface ValidationResult {
  warnings: string[];
  error: string | null;
}

const truthy = (v: Data | undefined) => v !== undefined && v !== null && v !== false && v !== "";

function installErrors(m: DataMap | undefined, mode: string): string[] {
  const install = m?.install;
  if (!isDataMap(install)) return mode === "metal" ? ['install instructions are required in "metal" mode'] : [];
  const e: string[] = [];
  const sel = install.diskSelector;
  if (mode === "metal" && !truthy(install.disk) && !isDataMap(sel))
    e.push("either install disk or diskSelector should be defined");
  if (
    isDataMap(sel) &&
    typeof sel.size === "string" &&
    !/^(>=|<=|>|<|==)?\s*\d+(\.\d+)?\s*([KMGTPE]i?B)?$/i.test(sel.size.trim())
  ) {
    e.push(`install disk selector is invalid: invalid size ${JSON.stringify(sel.size)}`);
  }
  if (Array.isArray(install.extraKernelArgs) && install.extraKernelArgs.length && install.grubUseUKICmdline === true) {
    e.push("install.extraKernelArgs and install.grubUseUKICmdline can't be used together");
  }
  return e;
}

function caErrors(cfg: DataMap, type: string): string[] {
  const e: string[] = [];
  const cp = type === "controlplane" || type === "init";
  if (cp && !truthy(at(cfg, "machine.ca.key")))
    e.push("issuing CA key is required for controlplane nodes (.machine.ca.key)");
  if (!cp && truthy(at(cfg, "machine.ca.key")))
    e.push("issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)");
  if (!cp && truthy(at(cfg, "cluster.ca.key")))
    e.push("issuing Kubernetes API CA key is not allowed on non-controlplane nodes (.cluster.ca)");
  const ifaces = at(cfg, "machine.network.interfaces");
  const hasVip =
    Array.isArray(ifaces) &&
    ifaces.some(
      (i) =>
        isDataMap(i) &&
        (isDataMap(i.vip) || (Array.isArray(i.vlans) && i.vlans.some((v) => isDataMap(v) && isDataMap(v.vip)))),
    );
  if (!cp && hasVip) e.push("virtual (shared) IP is not allowed on non-controlplane nodes");
  return e;
}

function kubespanErrors(cfg: DataMap, ks: DataMap | undefined, prefix: string): string[] {
  if (!ks || ks.enabled !== true) return [];
  const e: string[] = [];
  // Only v1alpha1's machine.network.kubespan needs discovery and cluster identity; KubeSpanConfig.Validate
  // (pkg/machinery/config/types/network/kubespan.go) checks the MTU and the filters alone.
  if (prefix !== "KubeSpanConfig") {
    if (at(cfg, "cluster.discovery.enabled") !== true)
      e.push(`.cluster.discovery should be enabled when ${prefix} is enabled`);
    if (!truthy(at(cfg, "cluster.id"))) e.push(`.cluster.id should be set when ${prefix} is enabled`);
    if (!truthy(at(cfg, "cluster.secret"))) e.push(`.cluster.secret should be set when ${prefix} is enabled`);
  }
  if (typeof ks.mtu === "number" && ks.mtu < 1280) e.push("kubespan link MTU must be at least 1280");
  const filters = at(ks as Data, "filters.endpoints");
  for (const f of Array.isArray(filters) ? filters : []) {
    // The "!" is trimmed before ParseSubnetOrAddress, and the text quoted without it.
    const cidr = typeof f === "string" ? f.replace(/^!/, "") : f;
    if (typeof cidr !== "string" || !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(cidr))
      e.push(`KubeSpan endpoint filter is not valid: ${JSON.stringify(cidr)}`);
  }
  return e;
}

function discoveryErrors(cfg: DataMap): string[] {
  const d = at(cfg, "cluster.discovery");
  if (!isDataMap(d) || d.enabled !== true) return [];
  const e: string[] = [];
  const svc = at(d, "registries.service");
  if (isDataMap(svc) && svc.disabled !== true) {
    if (typeof svc.endpoint === "string" && svc.endpoint) {
      let url: URL | null = null;
      try {
        url = new URL(svc.endpoint);
      } catch (err) {
        e.push(
          `cluster discovery service registry endpoint is invalid: parse ${JSON.stringify(svc.endpoint)}: invalid URI for request`,
        );
      }
      if (url && url.pathname !== "/" && url.pathname !== "") e.push("cluster discovery service path should be empty");
    }
    if (!truthy(at(cfg, "cluster.id"))) e.push("cluster discovery service requires .cluster.id");
    if (!truthy(at(cfg, "cluster.secret"))) e.push("cluster discovery service requires .cluster.secret");
  }
  return e;
}

function v1alpha1Errors(cfg: DataMap, mode: string): string[] {
  const type = String(at(cfg, "machine.type") ?? "");
  const e: string[] = [...clusterFieldErrors(cfg)];
  if (!["controlplane", "worker", "init"].includes(type)) e.push(`unknown machine type ${JSON.stringify(type)}`);
  e.push(...installErrors(isDataMap(cfg.machine) ? cfg.machine : undefined, mode));
  if (mode === "container" && at(cfg, "machine.features.hostDNS.enabled") !== true)
    e.push("feature HostDNS should be enabled in container mode (.machine.features.hostDNS.enabled)");
  e.push(...caErrors(cfg, type));
  const ks = at(cfg, "machine.network.kubespan");
  e.push(...kubespanErrors(cfg, isDataMap(ks) ? ks : undefined, ".machine.network.kubespan"));
  e.push(...discoveryErrors(cfg));
  e.push(...nodeLabelErrors(cfg));
  return e;
}

// Documents Talos identifies by name: their errors are labelled `<kind>/<name>` even with an empty name.
const NAMED = new Set([
  "LinkConfig",
  "LinkAliasConfig",
  "VLANConfig",
  "BondConfig",
  "BridgeConfig",
  "DummyLinkConfig",
  "WireguardConfig",
  "DHCPv4Config",
  "DHCPv6Config",
  "Layer2VIPConfig",
  "HCloudVIPConfig",
]);

function documentErrors(doc: DataMap, v1: DataMap | null): string[] {
  const named = NAMED.has(String(doc.kind));
  const label =
    named || (typeof doc.name === "string" && doc.name)
      ? `${doc.kind}/${typeof doc.name === "string" ? doc.name : ""}`
      : String(doc.kind);
  const errs: string[] = [];
  if (named && (typeof doc.name !== "string" || doc.name === "")) errs.push("name must be specified");
  if (doc.kind === "HostnameConfig") {
    const auto = doc.auto;
    if (auto !== undefined && auto !== "off" && auto !== "stable") errs.push("invalid value for 'auto'");
    else if (truthy(doc.hostname) && auto !== undefined && auto !== "off")
      errs.push("'auto' and 'hostname' cannot be set at the same time");
    else if (!truthy(doc.hostname) && (auto === undefined || auto === "off"))
      errs.push("either 'auto' or 'hostname' must be set");
  }
  if (doc.kind === "KubeSpanConfig" && v1) errs.push(...kubespanErrors(v1, doc, "KubeSpanConfig"));
  return errs.map((x) => `${label}: ${x}`);
}

function conflicts(cfg: MachineConfig): string[] {
  const v = cfg.v1alpha1;
  if (!v) return [];
  const e: string[] = [];
  if (docOfKind(cfg, "HostnameConfig")) {
    if (truthy(at(v, "machine.network.hostname"))) e.push("static hostname is already set in v1alpha1 config");
    if (at(v, "machine.features.stableHostname") === true) e.push("stable hostname is already set in v1alpha1 config");
  }
  if (docOfKind(cfg, "KubeSpanConfig") && isDataMap(at(v, "machine.network.kubespan")))
    e.push("kubespan is already configured in v1alpha1 machine.network.kubespan");
  if (docOfKind(cfg, "ResolverConfig")) {
    for (const f of ["nameservers", "searchDomains", "disableSearchDomain"])
      if (truthy(at(v, `machine.network.${f}`))) e.push(`.machine.network.${f} is already set in v1alpha1 config`);
  }
  if (docOfKind(cfg, "TimeSyncConfig") && isDataMap(at(v, "machine.time")))
    e.push("time servers cannot be specified in both v1alpha1 and new-style configuration");
  return e;
}

function warnings(cfg: MachineConfig): string[] {
  const w: string[] = [];
  const ext = at(cfg.v1alpha1 ?? undefined, "machine.install.extensions");
  if (Array.isArray(ext) && ext.length)
    w.push(
      "machine.install.extensions is deprecated, please see https://www.talos.dev/latest/talos-guides/install/boot-assets/",
    );
  return w;
}

/** `container.Validate(mode)`: warnings plus the multierror text of every problem. */
export function validateConfig(cfg: MachineConfig, mode: string, strict = false): ValidationResult {
  const items: string[] = [];
  if (cfg.v1alpha1) {
    const v = v1alpha1Errors(cfg.v1alpha1, mode);
    if (v.length) items.push(`v1alpha1.Config: ${multierror(v)}`);
  }
  for (const d of cfg.docs) items.push(...documentErrors(d, cfg.v1alpha1));
  items.push(...conflicts(cfg));
  const warn = warnings(cfg);
  if (strict) items.push(...warn.map((w) => `warning: ${w}`));
  return { warnings: warn, error: items.length ? multierror(items) : null };
}
