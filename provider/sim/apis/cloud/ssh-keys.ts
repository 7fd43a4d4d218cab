/** SSH key routes: create (MD5 fingerprint, unique name and fingerprint), list, get, update, delete. */
import * as crypto from "crypto";
import { Router } from "./router";
import { CloudState, SshKeyRecord, isoNow } from "./state";
import { invalidInput, uniquenessError } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels, selectorPredicate } from "./labels";
import { listResponse, sortItems } from "./pagination";

/** MD5 colon-hex fingerprint of an OpenSSH public key line; undefined when the line is not a valid key. */
export function md5Fingerprint(publicKey: string): string | undefined {
  const [type, data] = publicKey.trim().split(/\s+/);
  if (!type || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
  const blob = Buffer.from(data, "base64");
  // The blob starts with the key type as an SSH string (uint32 length + bytes); a mismatch is not a key.
  if (blob.length < 4 || blob.readUInt32BE(0) !== type.length || blob.subarray(4, 4 + type.length).toString() !== type)
    return undefined;
  return crypto.createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");
}

/** Registers the SSH key routes. */
export function registerSshKeyRoutes(router: Router, state: CloudState): void {
  const find = (raw: string) => findById(state.sshKeys, raw, "SSH key");
  const nameTaken = (name: unknown, except?: number) =>
    [...state.sshKeys.values()].some((k) => k.name === name && k.id !== except);

  router.add("POST", "/ssh_keys", (req) => {
    const b = bodyObject(req.body);
    const publicKey = String(b.public_key).trim();
    const fingerprint = md5Fingerprint(publicKey);
    if (!fingerprint) throw invalidInput("public_key", "invalid public key");
    if ([...state.sshKeys.values()].some((k) => k.fingerprint === fingerprint))
      throw uniquenessError("public_key", "SSH key with the same fingerprint already exists");
    if (nameTaken(b.name)) throw uniquenessError("name", "SSH key with the same name already exists");
    const key: SshKeyRecord = {
      id: state.nextId("ssh_key"),
      name: b.name as string,
      fingerprint,
      public_key: publicKey,
      labels: checkLabels(b.labels as Record<string, string>),
      created: isoNow(),
    };
    state.sshKeys.set(key.id, key);
    return { status: 201, body: { ssh_key: key } };
  });
  router.add("GET", "/ssh_keys", (req) => {
    const name = req.query.get("name");
    const fingerprint = req.query.get("fingerprint");
    const selected = selectorPredicate(req.query.get("label_selector"));
    const items = [...state.sshKeys.values()].filter(
      (k) =>
        (name === null || k.name === name) &&
        (fingerprint === null || k.fingerprint === fingerprint) &&
        selected(k.labels),
    );
    return listResponse("ssh_keys", sortItems(items, req.query.getAll("sort"), SSH_KEY_SORT), req, (k) => k);
  });
  router.add("GET", "/ssh_keys/{id}", (req) => ({ status: 200, body: { ssh_key: find(req.params.id) } }));
  router.add("PUT", "/ssh_keys/{id}", (req) => {
    const key = find(req.params.id);
    const b = bodyObject(req.body);
    if (typeof b.name === "string" && nameTaken(b.name, key.id))
      throw uniquenessError("name", "SSH key with the same name already exists");
    if (typeof b.name === "string") key.name = b.name;
    if (b.labels !== undefined) key.labels = checkLabels(b.labels as Record<string, string>);
    return { status: 200, body: { ssh_key: key } };
  });
  router.add("DELETE", "/ssh_keys/{id}", (req) => {
    state.sshKeys.delete(find(req.params.id).id);
    return { status: 204 };
  });
}

const SSH_KEY_SORT = {
  id: (k: SshKeyRecord) => k.id,
  name: (k: SshKeyRecord) => k.name,
  created: (k: SshKeyRecord) => k.created,
};
