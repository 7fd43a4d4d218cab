/** The runner's stand-in for the `@pulumi/hcloud` provider: resources and the getImage invoke. */
import * as crypto from "crypto";
import { Driver } from "./driver";
import { changedInputKeys } from "./display";
import { HcloudApi } from "./hcloud-api";
import { firewallAttachmentType, firewallType } from "./hcloud-firewalls";
import { serverType, sshKeyType } from "./hcloud-servers";
import { HcloudType } from "./hcloud-types";
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
export function hcloudDriver(type: string, api: () => HcloudApi): Driver {
  const t = TYPES[type];
  if (!t) throw new Error(`the program runner does not support resource type ${type}`);
  return {
    async check(urn, olds, news) {
      const inputs = { ...news };
      if (t.autoname && (inputs.name === undefined || inputs.name === "")) inputs.name = olds.name ?? autoname(urn);
      const failures = t.required.filter((k) => inputs[k] === undefined).map((k) => ({ property: k, reason: `Missing required property '${k}'` }));
      return { inputs, failures };
    },
    async diff(_urn, old, news) {
      const changed = changedInputKeys(old.inputs, news);
      const unknown = Object.values(news).includes(UNKNOWN);
      return { changes: changed.length > 0 || unknown ? "some" : "none", replaces: changed.filter((k) => t.replaceKeys.includes(k)), deleteBeforeReplace: false };
    },
    create: (_urn, inputs) => t.create(api(), inputs),
    update: async (_urn, old, inputs) => ({ outputs: await t.update(api(), old, inputs) }),
    delete: (_urn, old) => t.delete(api(), old),
  };
}

/** `hcloud.getImage`: one image by id, name or label selector (`mostRecent` picks the newest of several). */
export async function getImage(api: HcloudApi, args: Props): Promise<Props> {
  if (args.id !== undefined) return imageResult((await api.request("GET", `/images/${args.id}`)).image, args);
  const q = new URLSearchParams();
  if (args.name) q.set("name", String(args.name));
  const selector = args.withSelector ?? args.selector;
  if (selector) q.set("label_selector", String(selector));
  q.set("architecture", String(args.withArchitecture ?? "x86"));
  for (const s of (args.withStatuses as string[] | undefined) ?? []) q.append("status", s);
  if (args.includeDeprecated) q.set("include_deprecated", "true");
  q.set("per_page", "50");
  const { images } = await api.request("GET", `/images?${q}`);
  if (images.length === 0) throw new Error(`hcloud.getImage: no image found matching ${q}`);
  if (images.length > 1 && !args.mostRecent) throw new Error(`hcloud.getImage: more than one image found matching ${q}; set mostRecent`);
  const newest = [...images].sort((a: Props, b: Props) => String(b.created).localeCompare(String(a.created)) || Number(b.id) - Number(a.id))[0];
  return imageResult(newest, args);
}

function imageResult(img: Props, args: Props): Props {
  return {
    ...args, id: img.id, name: img.name ?? "", description: img.description ?? "", type: img.type, status: img.status,
    architecture: img.architecture, labels: img.labels ?? {}, osFlavor: img.os_flavor, osVersion: img.os_version ?? "",
    created: img.created, deprecated: img.deprecated ?? "", rapidDeploy: img.rapid_deploy ?? false,
  };
}
