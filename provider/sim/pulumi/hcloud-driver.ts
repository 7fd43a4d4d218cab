/** The runner's stand-in for the `@pulumi/hcloud` provider: resources and the getImage invoke. */
import * as crypto from "crypto";
import { Driver } from "./driver";
import { changedInputKeys } from "./display";
import { firewallAttachmentType, firewallType } from "./hcloud-firewalls";
import { serverType, sshKeyType } from "./hcloud-servers";
import { Hcloud, HcloudType } from "./hcloud-types";
import { Props, UNKNOWN } from "./values";

const TYPES: Record<string, HcloudType> = {
  "hcloud:index/server:Server": serverType,
  "hcloud:index/sshKey:SshKey": sshKeyType,
  "hcloud:index/firewall:Firewall": firewallType,
  "hcloud:index/firewallAttachment:FirewallAttachment": firewallAttachmentType,
};

/** True for the hcloud resource types the runner can execute. */
export function isHcloudType(type: string): boolean {
  return type in TYPES;
}

/** Pulumi-style autoname: `<logical name>-<7 hex>`, kept once chosen. */
function autoname(urn: string): string {
  return `${urn.split("::").pop()}-${crypto.randomBytes(4).toString("hex").slice(0, 7)}`;
}

/** A driver for one hcloud resource type over the Cloud API. */
export function hcloudDriver(type: string, api: () => Hcloud): Driver {
  const t = TYPES[type];
  if (!t) throw new Error(`the program runner does not support resource type ${type}`);
  return {
    async check(urn, olds, news) {
      const inputs = { ...news };
      if (t.autoname && (inputs.name === undefined || inputs.name === "")) inputs.name = olds.name ?? autoname(urn);
      const failures = t.required
        .filter((k) => inputs[k] === undefined)
        .map((k) => ({ property: k, reason: `Missing required property '${k}'` }));
      return { inputs, failures };
    },
    async diff(_urn, old, news) {
      const changed = changedInputKeys(old.inputs, news);
      const unknown = Object.values(news).includes(UNKNOWN);
      return {
        changes: changed.length > 0 || unknown ? "some" : "none",
        replaces: changed.filter((k) => t.replaceKeys.includes(k)),
        deleteBeforeReplace: false,
      };
    },
    create: (_urn, inputs) => t.create(api(), inputs),
    update: async (_urn, old, inputs) => ({ outputs: await t.update(api(), old, inputs) }),
    delete: (_urn, old) => t.delete(api(), old),
  };
}

/** `hcloud.getImage`: one image by id, name or label selector (`mostRecent` picks the newest of several). */
export async function getImage(h: Hcloud, args: Props): Promise<Props> {
  if (args.id !== undefined) {
    const img = await h.client.images.get(Number(args.id));
    if (!img) throw new Error(`hcloud.getImage: no image with id ${args.id}`);
    return imageResult(img as unknown as Props, args);
  }
  const filter = {
    name: args.name as string | undefined,
    labelSelector: (args.withSelector ?? args.selector) as string | undefined,
    architecture: (args.withArchitecture ?? "x86") as "x86" | "arm",
    status: args.withStatuses as ("available" | "creating" | "unavailable")[] | undefined,
  };
  const images = await h.client.images.list(filter);
  const what = JSON.stringify(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)));
  if (images.length === 0) throw new Error(`hcloud.getImage: no image found matching ${what}`);
  if (images.length > 1 && !args.mostRecent)
    throw new Error(`hcloud.getImage: more than one image found matching ${what}; set mostRecent`);
  const newest = [...images].sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id)[0];
  return imageResult(newest as unknown as Props, args);
}

function imageResult(img: Props, args: Props): Props {
  return {
    ...args,
    id: img.id,
    name: img.name ?? "",
    description: img.description ?? "",
    type: img.type,
    status: img.status,
    architecture: img.architecture,
    labels: img.labels ?? {},
    osFlavor: img.os_flavor,
    osVersion: img.os_version ?? "",
    created: img.created,
    deprecated: img.deprecated ?? "",
    rapidDeploy: img.rapid_deploy ?? false,
  };
}
