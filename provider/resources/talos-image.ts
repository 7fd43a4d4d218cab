/**
 * `TalosImage`: a Hetzner Cloud snapshot of one Talos version, schematic and architecture, found
 * again by its labels so every stack and every re-run reuses it instead of rebuilding it. Runtime:
 * provider/runtime/talos-image/index.ts. The Cloud token comes from stack config (`hcloud:token`, the key
 * `@pulumi/hcloud` uses) or `HCLOUD_TOKEN`, the endpoint from `hcloud:endpoint`/`HCLOUD_ENDPOINT`, the
 * Image Factory from `talos-hetzner:imageFactoryUrl`/`TALOS_IMAGE_FACTORY_URL`; never from these inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Schematic } from "../talos/schematic";
import type { CloudArch, TalosImageInputs, TalosImageTimeouts } from "../runtime/talos-image/types";
import { OUTPUT_KEYS } from "../runtime/talos-image/types";
import { TYPE_MODULE, seedOutputs, shimProvider } from "./framework";

export type { CloudArch, Schematic, TalosImageTimeouts };

/** Arguments of `TalosImage`. Every change replaces the snapshot, except `timeouts`. */
export interface TalosImageArgs {
  /** Talos version with the leading `v` (`v1.13.9`). A change replaces. */
  talosVersion: pulumi.Input<TalosImageInputs["talosVersion"]>;
  /**
   * Image Factory customization (system extensions, extra kernel args…); its id is registered with
   * the factory (`POST /schematics`). Set this or `schematicId`, not both. @default the empty ("vanilla") schematic. A change replaces.
   */
  schematic?: pulumi.Input<Schematic>;
  /** Image Factory schematic id (64 hex) of a schematic the factory already has. A change replaces. */
  schematicId?: pulumi.Input<string>;
  /** Hetzner architecture of the image and of the builder: `x86` or `arm`. @default "x86". A change replaces. */
  arch?: pulumi.Input<CloudArch>;
  /**
   * Download URL of the raw image (`.raw`, `.raw.xz`, `.raw.zst`, `.raw.bz2`, `.raw.gz`), instead of the factory's
   * `hcloud-<arch>.raw.<xz|zst>`; the snapshot is still labelled with version, arch and schematic. A change replaces.
   */
  imageUrl?: pulumi.Input<string>;
  /** Location of the temporary builder server. @default "fsn1". A change replaces. */
  location?: pulumi.Input<string>;
  /** Server type of the temporary builder; its architecture must be `arch`. @default "cx23" (x86) / "cax11" (arm). A change replaces. */
  serverType?: pulumi.Input<string>;
  /** Extra labels on a snapshot this resource builds (not on an adopted one); `os`, `talos-version`, `arch`, `talos-schematic`, `created-by` are reserved. A change replaces. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Description of a snapshot this resource builds. @default "Talos <version> <arch> (schematic <12 hex>)". A change replaces. */
  description?: pulumi.Input<string>;
  /** Keep a snapshot this resource built when the resource is deleted. @default false. A change replaces. */
  retainOnDelete?: pulumi.Input<boolean>;
  /** Deadlines of each phase in seconds (see TalosImageTimeouts for defaults). Updates in place. */
  timeouts?: pulumi.Input<TalosImageTimeouts>;
  /**
   * CIDRs (IPv4 or IPv6) of the people and CI that run pulumi, this program's own address included: a build
   * attaches a temporary Cloud firewall to its builder that admits SSH only from them (labelled like the builder
   * and deleted with it), so the builder's rescue system answers nobody else. Updates in place (used by the next
   * build). @default none: the builder's rescue SSH is reachable from anywhere while it builds
   */
  adminCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Cloud server pools that will boot from the snapshot: previews check (read-only Cloud API) that each
   * server type exists, has the snapshot's architecture and is offered in the pool's location. Never
   * changes the snapshot (not compared by diff). @default none
   */
  pools?: pulumi.Input<
    pulumi.Input<{ name: string; serverType: pulumi.Input<string>; location: pulumi.Input<string> }>[]
  >;
}

/** A Talos snapshot in Hetzner Cloud, adopted when one with its labels exists, else built on a temporary rescue server. */
export class TalosImage extends pulumi.dynamic.Resource {
  declare readonly talosVersion: pulumi.Output<string>;
  declare readonly arch: pulumi.Output<CloudArch>;
  /** Hetzner image id of the snapshot (use it as an `hcloud.Server` image). */
  declare readonly imageId: pulumi.Output<number>;
  /** The full Image Factory schematic id the image was made from. */
  declare readonly resolvedSchematicId: pulumi.Output<string>;
  /** Size of the snapshot's content in GB (null while unknown). */
  declare readonly imageSizeGb: pulumi.Output<number | null>;
  /** Size of the disk the snapshot was taken from, in GB. */
  declare readonly diskSizeGb: pulumi.Output<number>;
  /** True when an existing snapshot was reused; this resource never deletes an adopted snapshot. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** Every label of the snapshot. */
  declare readonly imageLabels: pulumi.Output<Record<string, string>>;
  /** Where the image was downloaded from. */
  declare readonly sourceUrl: pulumi.Output<string>;

  constructor(name: string, args: TalosImageArgs, opts?: pulumi.CustomResourceOptions) {
    const props = seedOutputs({ ...args, resourceName: name }, OUTPUT_KEYS);
    super(shimProvider("talos-image"), name, props, opts, TYPE_MODULE, "TalosImage");
  }
}
