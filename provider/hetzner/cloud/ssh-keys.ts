/** SSH keys client: create, list, get, update, delete. */
import { Transport } from "./transport";
import { listAll } from "./pagination";
import { getOrUndefined } from "./get-or-undefined";
import { Labels, SshKey } from "./types";

/** Client for /ssh_keys. */
export class SshKeysClient {
  constructor(private readonly t: Transport) {}

  /** Uploads a public key; a duplicate fingerprint or name fails with 409 uniqueness_error. */
  async create(o: { name: string; publicKey: string; labels?: Labels }): Promise<SshKey> {
    return (
      await this.t.request<{ ssh_key: SshKey }>("POST", "/ssh_keys", {
        body: { name: o.name, public_key: o.publicKey, labels: o.labels },
      })
    ).ssh_key;
  }

  /** Every key matching the filters (all pages). */
  list(f: { name?: string; fingerprint?: string; labelSelector?: string } = {}): Promise<SshKey[]> {
    return listAll(this.t, "/ssh_keys", "ssh_keys", {
      name: f.name,
      fingerprint: f.fingerprint,
      label_selector: f.labelSelector,
    });
  }

  /** The key, or undefined when it does not exist. */
  get(id: number): Promise<SshKey | undefined> {
    return getOrUndefined(this.t, `/ssh_keys/${id}`, "ssh_key");
  }

  /** Renames a key or replaces its labels. */
  async update(id: number, u: { name?: string; labels?: Labels }): Promise<SshKey> {
    return (await this.t.request<{ ssh_key: SshKey }>("PUT", `/ssh_keys/${id}`, { body: u })).ssh_key;
  }

  /** Deletes a key (204). */
  async delete(id: number): Promise<void> {
    await this.t.request("DELETE", `/ssh_keys/${id}`);
  }
}
