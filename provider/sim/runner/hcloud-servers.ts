/** `hcloud:index/server:Server` and `hcloud:index/sshKey:SshKey` against the Cloud API. */
import { HcloudApi, HcloudAction } from "./hcloud-api";
import { HcloudType, ignoreNotFound, numericIds } from "./hcloud-types";
import { Props } from "./values";

function serverBody(i: Props): Props {
  const net = (i.publicNets as Props[] | undefined)?.[0];
  return {
    name: i.name, server_type: i.serverType, image: i.image, location: i.location, user_data: i.userData,
    labels: i.labels ?? {}, ssh_keys: i.sshKeys, start_after_create: true,
    firewalls: numericIds(i.firewallIds).map((id) => ({ firewall: id })),
    ...(net ? { public_net: { enable_ipv4: net.ipv4Enabled ?? true, enable_ipv6: net.ipv6Enabled ?? true } } : {}),
  };
}

async function serverOutputs(api: HcloudApi, id: string, inputs: Props): Promise<Props> {
  const { server } = await api.request("GET", `/servers/${id}`);
  const v6net: string | undefined = server.public_net.ipv6?.ip;
  return {
    ...inputs,
    ipv4Address: server.public_net.ipv4?.ip ?? "",
    ipv6Network: v6net ?? "",
    ipv6Address: v6net ? v6net.replace(/\/\d+$/, "").replace(/::$/, "::1") : "",
    status: server.status,
    primaryDiskSize: server.primary_disk_size,
  };
}

/** Firewall ids to apply and to remove when `firewallIds` changes. */
function firewallChanges(olds: unknown, news: unknown): { add: number[]; remove: number[] } {
  const o = numericIds(olds);
  const n = numericIds(news);
  return { add: n.filter((id) => !o.includes(id)), remove: o.filter((id) => !n.includes(id)) };
}

/** hcloud.Server. A change of server type, image, location, user data, SSH keys or public nets replaces. */
export const serverType: HcloudType = {
  required: ["serverType", "image"],
  replaceKeys: ["serverType", "image", "location", "userData", "sshKeys", "publicNets"],
  autoname: true,
  async create(api, inputs) {
    const r = await api.request("POST", "/servers", serverBody(inputs));
    await api.waitActions([r.action, ...(r.next_actions ?? [])]);
    const id = String(r.server.id);
    return { id, outputs: await serverOutputs(api, id, inputs) };
  },
  async update(api, old, inputs) {
    await api.request("PUT", `/servers/${old.id}`, { name: inputs.name, labels: inputs.labels ?? {} });
    const { add, remove } = firewallChanges(old.inputs.firewallIds, inputs.firewallIds);
    const target = [{ type: "server", server: { id: Number(old.id) } }];
    for (const fw of remove) await applyTo(api, fw, "remove_from_resources", target);
    for (const fw of add) await applyTo(api, fw, "apply_to_resources", target);
    return serverOutputs(api, old.id, inputs);
  },
  async delete(api, old) {
    const r = await api.find<{ action: HcloudAction }>(`/servers/${old.id}`).then((s) => s && api.request("DELETE", `/servers/${old.id}`));
    if (r) await api.waitActions([r.action]);
  },
};

/** Runs one firewall action (apply/remove) and waits for it. */
export async function applyTo(api: HcloudApi, firewall: number, action: "apply_to_resources" | "remove_from_resources", targets: Props[]): Promise<void> {
  const field = action === "apply_to_resources" ? "apply_to" : "remove_from";
  const r = await api.request("POST", `/firewalls/${firewall}/actions/${action}`, { [field]: targets });
  await api.waitActions(r.actions ?? []);
}

/** hcloud.SshKey. A change of the public key replaces. */
export const sshKeyType: HcloudType = {
  required: ["publicKey"],
  replaceKeys: ["publicKey"],
  autoname: true,
  async create(api, inputs) {
    const { ssh_key } = await api.request("POST", "/ssh_keys", { name: inputs.name, public_key: inputs.publicKey, labels: inputs.labels ?? {} });
    return { id: String(ssh_key.id), outputs: { ...inputs, fingerprint: ssh_key.fingerprint } };
  },
  async update(api, old, inputs) {
    const { ssh_key } = await api.request("PUT", `/ssh_keys/${old.id}`, { name: inputs.name, labels: inputs.labels ?? {} });
    return { ...inputs, fingerprint: ssh_key.fingerprint };
  },
  async delete(api, old) {
    await ignoreNotFound(api.request("DELETE", `/ssh_keys/${old.id}`));
  },
};
