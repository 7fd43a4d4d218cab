/** POST /servers: checks the request like the real API, then creates the machine and the create/start actions. */
import * as crypto from "crypto";
import { MachineSpec } from "../../types";
import { CloudState, ImageRecord, ServerRecord, SshKeyRecord, isoNow } from "./state";
import { ServerTypeSpec, findServerType } from "./catalog";
import { SimApiError, fail, invalidInput, unknownReference, uniquenessError } from "./errors";
import { checkLabels } from "./labels";

/** What a valid create request resolves to. */
export interface CreatePlan {
  name: string;
  type: ServerTypeSpec;
  location: CloudState["locations"][number];
  image: ImageRecord;
  sshKeys: SshKeyRecord[];
  userData?: string;
  labels: Record<string, string>;
  firewallIds: number[];
  startAfterCreate: boolean;
  ipv4: boolean;
  ipv6: boolean;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** user_data limit of the API (spec: "This field is limited to 32KiB"). */
export const USER_DATA_LIMIT = 32 * 1024;

/** Resolves and checks every field of a create request; throws the API's error for the first problem. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are untyped JSON
export function planCreate(state: CloudState, b: Record<string, any>): CreatePlan {
  if (!HOSTNAME.test(b.name)) throw invalidInput("name", "must be a valid hostname (RFC 1123)");
  if ([...state.servers.values()].some((s) => s.name === b.name))
    throw uniquenessError("name", `server name '${b.name}' is already used`);
  const type = findServerType(b.server_type) ?? fail(unknownReference("server_type", "server type", b.server_type));
  const location =
    b.location === undefined
      ? state.locations[0]
      : (state.locations.find((l) => l.name === b.location || String(l.id) === String(b.location)) ??
        fail(unknownReference("location", "location", b.location)));
  if (state.unavailable(type.name, location.name)) {
    // Real wording (kube-hetzner issue #1613); hcloud-go appends the code and a correlation id.
    throw new SimApiError(
      412,
      "resource_unavailable",
      "we are unable to provision servers for this location, try with a different location or try later",
    );
  }
  if (typeof b.user_data === "string" && Buffer.byteLength(b.user_data, "utf8") > USER_DATA_LIMIT) {
    throw invalidInput(
      "user_data",
      `user_data is limited to 32 KiB (got ${Buffer.byteLength(b.user_data, "utf8")} bytes)`,
    );
  }
  const publicNet = b.public_net ?? {};
  if (publicNet.ipv4 != null || publicNet.ipv6 != null)
    throw invalidInput("public_net", "existing primary IPs are not supported by the simulator");
  const firewallIds: number[] = (b.firewalls ?? []).map((f: { firewall: number }) => f.firewall);
  const missingFw = firewallIds.find((id) => !state.firewalls.has(id));
  if (missingFw !== undefined) throw unknownReference("firewalls", "firewall", missingFw);
  return {
    name: b.name,
    type,
    location,
    image: resolveImage(state, b.image, type),
    sshKeys: resolveSshKeys(state, b.ssh_keys ?? []),
    userData: b.user_data,
    labels: checkLabels(b.labels),
    firewallIds,
    startAfterCreate: b.start_after_create !== false,
    ipv4: publicNet.enable_ipv4 !== false,
    ipv6: publicNet.enable_ipv6 !== false,
  };
}

function resolveImage(state: CloudState, ref: unknown, type: ServerTypeSpec): ImageRecord {
  const all = [...state.images.values()];
  const byId = all.find((i) => String(i.id) === String(ref));
  const image =
    byId ??
    all.find((i) => i.name === ref && i.architecture === type.architecture) ??
    fail(unknownReference("image", "image", ref));
  if (image.architecture !== type.architecture) {
    throw invalidInput(
      "image",
      `image architecture ${image.architecture} does not match server type ${type.name} (${type.architecture})`,
    );
  }
  if (image.status !== "available")
    throw invalidInput("image", `image ${image.id} is not available (status ${image.status})`);
  return image;
}

function resolveSshKeys(state: CloudState, refs: unknown[]): SshKeyRecord[] {
  const keys = [...state.sshKeys.values()];
  return refs.map(
    (ref) =>
      keys.find((k) => String(k.id) === String(ref) || k.name === ref) ??
      fail(unknownReference("ssh_keys", "SSH key", ref)),
  );
}

/** The server record and the machine spec behind it (loopback IPv4 from 127.<addressOctet>.0.0/16, IPv6 /64 per server). */
export function buildServer(state: CloudState, plan: CreatePlan): { server: ServerRecord; spec: MachineSpec } {
  const id = state.nextId("server");
  const n = state.nextId("address");
  const ip = `127.${state.scenario.addressOctet ?? 20}.${Math.floor(n / 254)}.${(n % 254) + 1}`;
  const ipv6Net = `2a01:4f8:c0c:${id.toString(16)}::/64`;
  const server: ServerRecord = {
    id,
    name: plan.name,
    created: isoNow(),
    labels: plan.labels,
    type: plan.type,
    location: plan.location,
    image: plan.image,
    machineId: `cloud-${id}`,
    running: new Set(),
    deleting: false,
    ipv4: plan.ipv4 ? { id: state.nextId("primary_ip"), ip } : null,
    ipv6: plan.ipv6 ? { id: state.nextId("primary_ip"), net: ipv6Net } : null,
  };
  const spec: MachineSpec = {
    id: server.machineId,
    kind: "cloud",
    ipv4: plan.ipv4 ? ip : null,
    ipv4Prefix: 32,
    gateway: plan.ipv4 ? "172.31.1.1" : null,
    ipv6Net,
    // Hetzner's arm (Ampere) servers boot UEFI; x86 cloud servers boot SeaBIOS.
    bootMode: plan.type.architecture === "arm" ? "uefi" : "bios",
    smbiosUuid: crypto.randomUUID(),
    arch: plan.type.architecture === "arm" ? "arm64" : "amd64",
    memoryBytes: plan.type.memory * 2 ** 30,
    disks: [
      {
        name: "sda",
        model: "QEMU HARDDISK",
        serial: "drive-scsi0-0-0-0",
        wwn: null,
        sizeBytes: plan.type.disk * 2 ** 30,
        rotational: false,
        transport: "virtio",
      },
    ],
    nics: [{ rescueName: "eth0", talosName: "eth0", mac: `96:00:0${(id >> 16) & 0xf}:${hex(id >> 8)}:${hex(id)}:01` }],
    power: "off",
  };
  return { server, spec };
}

function hex(n: number): string {
  return (n & 0xff).toString(16).padStart(2, "0");
}
