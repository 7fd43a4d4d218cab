/** The KubeSpan patch per Talos version: `machine.network.kubespan` before v1.13, a KubeSpanConfig document from v1.13. */
import { InputError } from "../../internal/errors";
import { contractAtLeast, parseTalosVersion } from "../versions";
import { writeYaml, writeYamlDocuments } from "./yaml-io";

/** KubeSpan settings; unset options are left to Talos's defaults (mtu 1420, the rest false). */
export interface KubeSpanOptions {
  /** Talos version of the nodes, e.g. `v1.13.9`; decides the patch layout. */
  talosVersion: string;
  /** WireGuard link MTU in bytes, at least 1280. @default 1420 (Talos) */
  mtu?: number;
  /** Advertise pod/service networks over KubeSpan. @default false */
  advertiseKubernetesNetworks?: boolean;
  /** Let traffic bypass a peer that is down. @default false */
  allowDownPeerBypass?: boolean;
  /** Learn extra endpoints from peers. @default false */
  harvestExtraEndpoints?: boolean;
}

function settings(o: KubeSpanOptions): Record<string, unknown> {
  if (o.mtu !== undefined && (!Number.isInteger(o.mtu) || o.mtu < 1280)) {
    // Talos's validation text (v1alpha1_validation.go, contract §18.1).
    throw new InputError("mtu", "kubespan link MTU must be at least 1280");
  }
  const out: Record<string, unknown> = { enabled: true };
  if (o.advertiseKubernetesNetworks !== undefined) out.advertiseKubernetesNetworks = o.advertiseKubernetesNetworks;
  if (o.allowDownPeerBypass !== undefined) out.allowDownPeerBypass = o.allowDownPeerBypass;
  if (o.harvestExtraEndpoints !== undefined) out.harvestExtraEndpoints = o.harvestExtraEndpoints;
  if (o.mtu !== undefined) out.mtu = o.mtu;
  return out;
}

/** Patch text enabling KubeSpan and cluster discovery (which KubeSpan requires) for the given Talos version. */
export function kubeSpanPatch(options: KubeSpanOptions): string {
  parseTalosVersion(options.talosVersion);
  const discovery = { cluster: { discovery: { enabled: true } } };
  if (contractAtLeast(options.talosVersion, "v1.13")) {
    return writeYamlDocuments([discovery, { apiVersion: "v1alpha1", kind: "KubeSpanConfig", ...settings(options) }]);
  }
  return writeYaml({ machine: { network: { kubespan: settings(options) } }, ...discovery });
}
