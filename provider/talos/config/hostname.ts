/** The static-hostname patch per Talos version, refusing user patches that set the other form (contract §18.3). */
import { InputError } from "../../internal/errors";
import { contractAtLeast, talosContract } from "../versions";
import { ConfigPatchError } from "./errors";
import { isV1Alpha1 } from "./documents";
import type { ConfigPatch, ParsedPatch } from "./parse";
import { loadConfigPatches, type LoadedPatch } from "./patch";
import { isMap, writeYaml } from "./yaml-io";

/** A patch with the name errors use for it (`nodePatches[1]`). */
export interface LabelledPatch {
  label: string;
  patch: ConfigPatch;
}

const HOSTNAME_RE = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/** `machine.network.hostname` before v1.12; from v1.12 a `HostnameConfig` with `auto: off` (gen config emits `auto: stable`). */
export function hostnamePatch(o: { talosVersion: string; hostname: string; patches?: LabelledPatch[] }): string {
  if (typeof o.hostname !== "string" || !HOSTNAME_RE.test(o.hostname)) {
    throw new InputError(
      "hostname",
      `must be a DNS hostname (letters, digits, '-', '.'), got ${JSON.stringify(o.hostname)}`,
    );
  }
  const patches = o.patches ?? [];
  assertNoHostnameConflict(
    o.talosVersion,
    loadConfigPatches(
      patches.map((p) => p.patch),
      { labels: patches.map((p) => p.label) },
    ),
  );
  if (contractAtLeast(o.talosVersion, "v1.12")) {
    return writeYaml({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: o.hostname });
  }
  return writeYaml({ machine: { network: { hostname: o.hostname } } });
}

/** Throws ConfigPatchError naming the first patch that sets the hostname form the version does not use. */
export function assertNoHostnameConflict(talosVersion: string, patches: LoadedPatch[]): void {
  const multiDoc = contractAtLeast(talosVersion, "v1.12");
  for (const { label, parsed } of patches) {
    const problem = multiDoc ? legacyHostnameIn(parsed) : hostnameConfigIn(parsed, talosVersion);
    if (problem) throw new ConfigPatchError(label, problem);
  }
}

function legacyHostnameIn(p: ParsedPatch): string | undefined {
  const hint = "; since Talos v1.12 the hostname is set with a HostnameConfig document";
  if (p.kind === "json6902") {
    const touches =
      !p.target &&
      p.ops.some((op) => op.op !== "remove" && op.op !== "test" && op.path === "/machine/network/hostname");
    return touches ? `static hostname is already set in v1alpha1 config${hint}` : undefined;
  }
  for (const doc of p.documents.filter(isV1Alpha1)) {
    const machine = isMap(doc.machine) ? doc.machine : {};
    const network = isMap(machine.network) ? machine.network : {};
    const features = isMap(machine.features) ? machine.features : {};
    if (typeof network.hostname === "string" && network.hostname !== "")
      return `static hostname is already set in v1alpha1 config${hint}`;
    if (features.stableHostname === true) return `stable hostname is already set in v1alpha1 config${hint}`;
  }
  return undefined;
}

function hostnameConfigIn(p: ParsedPatch, talosVersion: string): string | undefined {
  const uses =
    p.kind === "json6902" ? p.target?.kind === "HostnameConfig" : p.documents.some((d) => d.kind === "HostnameConfig");
  return uses
    ? `document kind "HostnameConfig" is not known to Talos ${talosContract(talosVersion)} (introduced in v1.12); set machine.network.hostname`
    : undefined;
}
