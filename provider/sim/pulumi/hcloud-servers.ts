/** `hcloud:index/server:Server` and `hcloud:index/sshKey:SshKey` against the Cloud API. */
import { SshKey } from "../../hetzner/cloud";
import { Hcloud, HcloudType, ignoreNotFound, numericIds, retarget, serverTargets } from "./hcloud-types";
import { Props } from "./values";

async function serverOutputs(h: Hcloud, id: string, inputs: Props): Promise<Props> {
  const server = await h.client.servers.get(Number(id));
  if (!server) throw new Error(`hcloud server ${id} disappeared`);
  const v6net = server.public_net.ipv6?.ip;
  return {
    ...inputs,
    ipv4Address: server.public_net.ipv4?.ip ?? "",
    ipv6Network: v6net ?? "",
    // The API gives the /64; the provider reports its ::1 address (what Packer connects to).
    ipv6Address: v6net ? v6net.replace(/\/\d+$/, "").replace(/::$/, "::1") : "",
    status: server.status,
    primaryDiskSize: server.primary_disk_size,
  };
}

/** hcloud.Server. A change of server type, image, location, user data, SSH keys or public nets replaces. */
export const serverType: HcloudType = {
  required: ["serverType", "image"],
  replaceKeys: ["serverType", "image", "location", "userData", "sshKeys", "publicNets"],
  autoname: true,
  async create(h, i) {
    const net = (i.publicNets as Props[] | undefined)?.[0];
    const r = await h.client.servers.create({
      name: i.name as string,
      serverType: i.serverType as string,
      image: i.image as string,
      location: i.location as string | undefined,
      userData: i.userData as string | undefined,
      labels: (i.labels as Record<string, string>) ?? {},
      sshKeys: i.sshKeys as string[] | undefined,
      firewalls: numericIds(i.firewallIds),
      publicNet: net && {
        enableIpv4: net.ipv4Enabled as boolean | undefined,
        enableIpv6: net.ipv6Enabled as boolean | undefined,
      },
    });
    await h.wait([r.action, ...r.nextActions]);
    const id = String(r.server.id);
    return { id, outputs: await serverOutputs(h, id, i) };
  },
  async update(h, old, i) {
    await h.client.servers.update(Number(old.id), {
      name: i.name as string,
      labels: (i.labels as Record<string, string>) ?? {},
    });
    const target = serverTargets([Number(old.id)]);
    const before = numericIds(old.inputs.firewallIds);
    const after = numericIds(i.firewallIds);
    for (const fw of before.filter((x) => !after.includes(x))) await retarget(h, fw, target, []);
    for (const fw of after.filter((x) => !before.includes(x))) await retarget(h, fw, [], target);
    return serverOutputs(h, old.id, i);
  },
  async delete(h, old) {
    if (!(await h.client.servers.get(Number(old.id)))) return;
    await h.wait([await h.client.servers.delete(Number(old.id))]);
  },
};

/** hcloud.SshKey. A change of the public key replaces. */
export const sshKeyType: HcloudType = {
  required: ["publicKey"],
  replaceKeys: ["publicKey"],
  autoname: true,
  async create(h, i) {
    const key = await h.client.sshKeys.create({
      name: i.name as string,
      publicKey: i.publicKey as string,
      labels: (i.labels as Record<string, string>) ?? {},
    });
    return { id: String(key.id), outputs: { ...i, fingerprint: key.fingerprint } };
  },
  async update(h, old, i) {
    // SshKeysClient has no update yet: PUT through the same transport.
    const { ssh_key } = await h.transport.request<{ ssh_key: SshKey }>("PUT", `/ssh_keys/${old.id}`, {
      body: { name: i.name, labels: i.labels ?? {} },
    });
    return { ...i, fingerprint: ssh_key.fingerprint };
  },
  async delete(h, old) {
    await ignoreNotFound(h.client.sshKeys.delete(Number(old.id)));
  },
};
