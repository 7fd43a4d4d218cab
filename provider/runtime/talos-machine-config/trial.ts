/**
 * Validate before wiping (issue 16, item 5): on a new stack the node facts a config needs (the
 * secrets bundle, the install disk, the addresses) are unknown at preview, because the resources
 * that produce them do not exist yet; the dedicated servers would be wiped and installed before the
 * config was ever rendered. This renders and `validate --strict`s the config with placeholder facts
 * instead, so a bad patch fails the preview. The trial's output is never shown or stored; the real
 * render still happens once the facts are known.
 */
import { CheckFailure, Props } from "../dispatch/types";
import { RuntimeDeps } from "./deps";
import { propertyOfError, renderInputs } from "./render";
import { MachineConfigInputs } from "./types";
import { containsUnknown } from "./validate";

// Documentation addresses (RFC 5737) and a disk path every Talos accepts: stand-ins, never applied.
const PLACEHOLDER_ADDRESS = "192.0.2.10";
const PLACEHOLDERS: Record<string, (i: Props) => unknown> = {
  installDisk: () => "/dev/sda",
  endpoint: () => `https://${PLACEHOLDER_ADDRESS}:6443`,
  node: () => PLACEHOLDER_ADDRESS,
  endpoints: () => [PLACEHOLDER_ADDRESS],
  // The Hetzner routing patch depends on the server's addresses; without it the rest still validates.
  networkPatch: () => undefined,
};

// One throwaway bundle per Talos version and process: `gen secrets` takes a moment and its content does not matter.
const bundles = new Map<string, Promise<string>>();

function placeholderBundle(talosVersion: string, deps: RuntimeDeps): Promise<string> {
  let b = bundles.get(talosVersion);
  if (!b) {
    b = deps.talosctl().genSecrets(talosVersion);
    b.catch(() => bundles.delete(talosVersion));
    bundles.set(talosVersion, b);
  }
  return b;
}

/** The inputs with every unknown fact replaced by a placeholder; undefined when an unknown value has none (a patch itself). */
async function withPlaceholders(inputs: Props, deps: RuntimeDeps): Promise<Props | undefined> {
  const out: Props = { ...inputs };
  for (const [k, v] of Object.entries(inputs)) {
    if (!containsUnknown(v)) continue;
    if (k === "secretsYaml" && typeof inputs.talosVersion === "string" && !containsUnknown(inputs.configVersion)) {
      out[k] = await placeholderBundle(String(inputs.configVersion ?? inputs.talosVersion), deps);
    } else if (k in PLACEHOLDERS) {
      const p = PLACEHOLDERS[k](inputs);
      if (p === undefined) delete out[k];
      else out[k] = p;
    } else {
      return undefined;
    }
  }
  return out;
}

/**
 * The failure a trial render with placeholder facts finds (naming the patch at fault, like the
 * real render), or undefined when it validates or cannot be tried (a patch is not known yet).
 */
export async function trialRenderFailure(inputs: Props, deps: RuntimeDeps): Promise<CheckFailure | undefined> {
  const trial = await withPlaceholders(inputs, deps);
  if (!trial) return undefined;
  try {
    await renderInputs(trial as unknown as MachineConfigInputs, deps);
    return undefined;
  } catch (e) {
    const property = propertyOfError(e);
    if (property === undefined) throw e;
    return {
      property,
      reason: `${(e as Error).message} (found at preview by a trial render with placeholder node facts, before any server is touched)`,
    };
  }
}
