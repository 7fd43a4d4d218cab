/** Which multi-document config kinds each Talos release understands (contract §18.2). */
import { contractAtLeast, talosContract } from "../versions";

/** Kinds by the release that introduced them (all `apiVersion: v1alpha1`). */
const INTRODUCED: Array<[string, string[]]> = [
  ["v1.6", ["NetworkRuleConfig", "NetworkDefaultActionConfig", "SideroLinkConfig", "EventSinkConfig", "KmsgLogConfig"]],
  // TrustedRootsConfig is not in the contract's list but exists in Talos's security types since v1.7.
  ["v1.7", ["ExtensionServiceConfig", "WatchdogTimerConfig", "TrustedRootsConfig"]],
  ["v1.8", ["VolumeConfig", "KubeSpanEndpointsConfig"]],
  ["v1.10", ["UserVolumeConfig", "EthernetConfig"]],
  ["v1.11", ["RawVolumeConfig", "ExistingVolumeConfig", "SwapVolumeConfig", "ZswapConfig"]],
  [
    "v1.12",
    [
      "HostnameConfig",
      "LinkConfig",
      "LinkAliasConfig",
      "DHCPv4Config",
      "DHCPv6Config",
      "VLANConfig",
      "BondConfig",
      "BridgeConfig",
      "DummyLinkConfig",
      "WireguardConfig",
      "Layer2VIPConfig",
      "HCloudVIPConfig",
      "ResolverConfig",
      "StaticHostConfig",
      "TimeSyncConfig",
      "OOMConfig",
      "RegistryMirrorConfig",
      "RegistryAuthConfig",
      "RegistryTLSConfig",
    ],
  ],
  [
    "v1.13",
    [
      "KubeSpanConfig",
      "BlackholeRouteConfig",
      "RoutingRuleConfig",
      "VRFConfig",
      "TCPProbeConfig",
      "EnvironmentConfig",
      "ExternalVolumeConfig",
      "ImageVerificationConfig",
    ],
  ],
];

/** The release that introduced `kind`, or undefined for a kind no release up to v1.13 knows. */
export function kindIntroducedIn(kind: string): string | undefined {
  return INTRODUCED.find(([, kinds]) => kinds.includes(kind))?.[0];
}

/** Why `talosVersion` (`v1.12.4`) cannot take a document of `kind`, or undefined when it can. */
export function unknownKindProblem(kind: string, talosVersion: string): string | undefined {
  const contract = talosContract(talosVersion);
  const since = kindIntroducedIn(kind);
  // Releases after v1.13 add kinds this table cannot list (contract §22); let those through.
  if (!since)
    return contractAtLeast(talosVersion, "v1.14")
      ? undefined
      : `document kind "${kind}" is not known to Talos ${contract}`;
  if (!contractAtLeast(talosVersion, since))
    return `document kind "${kind}" is not known to Talos ${contract} (introduced in ${since})`;
  return undefined;
}
