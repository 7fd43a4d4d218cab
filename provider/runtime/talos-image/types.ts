/**
 * Plain types of the `TalosImage` resource (provider/resources/talos-image.ts): inputs, outputs, the
 * per-phase timeouts and the timing every wait derives from them.
 */
import type { Schematic } from "../../talos/schematic";
import { clamp, secondsToMs } from "../shared/timing";
import { KeysOf, OutputOnlyKeys, resourceSchema } from "../dispatch/schema";
import { EXPECTED_MS, pollPace } from "../../internal/pace";

/** Hetzner's architecture names; the builder's server type decides the snapshot's architecture. */
export type CloudArch = "x86" | "arm";

/** How long each phase may take, in seconds. */
export interface TalosImageTimeouts {
  /** Each Cloud action: create/delete the builder, enable rescue, power on/off. @default 300 */
  actionSeconds?: number;
  /** From power-on until the rescue system accepts SSH (hcloud-upload-image allows about 3 minutes). @default 300 */
  sshSeconds?: number;
  /** Discarding the disk, downloading, decompressing and writing the image, and `sync`. @default 1200 */
  writeSeconds?: number;
  /** From the shutdown until the builder reports `off`; then it is powered off hard. @default 120 */
  shutdownSeconds?: number;
  /** From `create_image` until the snapshot is `available`. @default 1800 */
  imageSeconds?: number;
  /** How long to wait for another build of the same image (another resource or stack). @default 3600 */
  lockWaitSeconds?: number;
  /** How often a running build refreshes its build lock; a lock not refreshed for 5 intervals is taken over. @default 30 */
  heartbeatSeconds?: number;
}

/** Inputs of `TalosImage` (the user-facing documentation is on `TalosImageArgs`). */
export interface TalosImageInputs {
  /** The Pulumi resource name, set by the resource class; only used in log lines. */
  resourceName?: string;
  talosVersion: string;
  schematic?: Schematic;
  schematicId?: string;
  arch?: CloudArch;
  imageUrl?: string;
  location?: string;
  serverType?: string;
  labels?: Record<string, string>;
  description?: string;
  retainOnDelete?: boolean;
  timeouts?: TalosImageTimeouts;
  /** CIDRs the builder's temporary firewall admits to SSH (builder-firewall.ts); none: the builder's rescue SSH is open. */
  adminCidrs?: string[];
  /** Cloud pools that boot from the snapshot, checked at preview only (never diffed: not in INPUT_KEYS). */
  pools?: { name: string; serverType: string; location: string }[];
}

/** Outputs of `TalosImage`: the inputs under the same keys plus what the snapshot is. */
export interface TalosImageOutputs extends TalosImageInputs {
  /** Hetzner Cloud image id of the snapshot (also the resource id, as a string). */
  imageId: number;
  /** The full 64-hex Image Factory schematic id the image was made from. */
  resolvedSchematicId: string;
  /** Size of the snapshot's content in GB, as the API reports `image_size` (null while unknown). */
  imageSizeGb: number | null;
  /** Size of the disk the snapshot was taken from, in GB. */
  diskSizeGb: number;
  /** True when an existing snapshot was found and reused; an adopted snapshot is never deleted by this resource. */
  adopted: boolean;
  /** Every label of the snapshot (the lookup labels plus the user's). */
  imageLabels: Record<string, string>;
  /** The URL the image was (or would have been) downloaded from. */
  sourceUrl: string;
}

/**
 * Inputs and outputs of TalosImage, declared once. Every input replaces (a snapshot cannot change)
 * except the log name, the timeouts and the admin CIDRs, which only change how a build runs. Nothing is secret.
 */
export const TALOS_IMAGE_FIELDS = resourceSchema<
  KeysOf<TalosImageInputs>,
  OutputOnlyKeys<TalosImageOutputs, TalosImageInputs>
>({
  inputs: {
    resourceName: {},
    talosVersion: { replaces: true },
    schematic: { replaces: true },
    schematicId: { replaces: true },
    arch: { replaces: true },
    imageUrl: { replaces: true },
    location: { replaces: true },
    serverType: { replaces: true },
    labels: { replaces: true },
    description: { replaces: true },
    retainOnDelete: { replaces: true },
    timeouts: {},
    adminCidrs: {},
    pools: { checkOnly: true },
  },
  outputs: {
    imageId: {},
    resolvedSchematicId: {},
    imageSizeGb: {},
    diskSizeGb: {},
    adopted: {},
    imageLabels: {},
    sourceUrl: {},
  },
});

/** Every input key; outputs repeat them so diff compares like with like (contract §3). */
export const INPUT_KEYS = TALOS_IMAGE_FIELDS.inputKeys;

/** Every output-only key (seeded by the resource class). */
export const OUTPUT_KEYS = TALOS_IMAGE_FIELDS.outputKeys;

/** Default builder location (hcloud-upload-image's default). */
export const DEFAULT_LOCATION = "fsn1";
/** Default builder server type per architecture (hcloud-upload-image after cx22 was retired, issue #129). */
export const DEFAULT_SERVER_TYPE: Record<CloudArch, string> = { x86: "cx23", arm: "cax11" };

/** Timeout defaults in seconds. */
export const DEFAULT_TIMEOUTS: Required<TalosImageTimeouts> = {
  actionSeconds: 300,
  sshSeconds: 300,
  writeSeconds: 1200,
  shutdownSeconds: 120,
  imageSeconds: 1800,
  lockWaitSeconds: 3600,
  heartbeatSeconds: 30,
};

/** Every wait of one run, in ms. */
export interface Timing {
  actionMs: number;
  sshMs: number;
  writeMs: number;
  shutdownMs: number;
  imageMs: number;
  lockWaitMs: number;
  heartbeatMs: number;
  /** First pause between polls of the Cloud API; shrinks with the deadlines so a simulator run takes milliseconds. */
  pollMs: number;
}

/** The timing of a run from the (validated) timeouts, in a world running at `timeScale` (1 on real Hetzner). */
export function timingOf(t: TalosImageTimeouts | undefined, timeScale = 1): Timing {
  const s = { ...DEFAULT_TIMEOUTS, ...t };
  const ms = secondsToMs;
  const r = {
    actionMs: ms(s.actionSeconds),
    sshMs: ms(s.sshSeconds),
    writeMs: ms(s.writeSeconds),
    shutdownMs: ms(s.shutdownSeconds),
    imageMs: ms(s.imageSeconds),
    lockWaitMs: ms(s.lockWaitSeconds),
    heartbeatMs: ms(s.heartbeatSeconds),
  };
  // hcloud-go polls actions every 500 ms; short test deadlines and a scaled (simulated) world poll faster.
  const shortest = Math.min(r.actionMs, r.shutdownMs, r.heartbeatMs);
  const paced = pollPace(EXPECTED_MS.cloudAction, timeScale, shortest).initialMs;
  return { ...r, pollMs: Math.min(clamp(shortest / 60, 5, 500), paced) };
}
