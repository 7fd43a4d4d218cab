/**
 * SSH keys: `GET/POST /key`, `GET/DELETE /key/{fingerprint}`. Robot keys are unique by key
 * material, not name: creating a known key under a new name is 409 KEY_ALREADY_EXISTS (CAPH PR #719),
 * so look keys up by fingerprint (`sshKeyFingerprint`) before creating. POST is never retried blindly.
 */
import { InputError } from "../../internal/errors";
import { absentOn } from "./errors";
import { RobotTransport } from "./transport";

/** A stored key. */
export interface RobotKey {
  name: string;
  /** MD5 colon-hex fingerprint. */
  fingerprint: string;
  type: string;
  size: number;
  data: string;
  /** "YYYY-MM-DD hh:mm:ss", Europe/Berlin local time; null where Robot leaves it out (old doc). */
  createdAt: string | null;
}

interface KeyWire {
  name: string;
  fingerprint: string;
  type: string;
  size: number;
  data: string;
  created_at?: string;
}

function keyFromWire(w: KeyWire): RobotKey {
  return {
    name: w.name,
    fingerprint: w.fingerprint,
    type: w.type,
    size: w.size,
    data: w.data,
    createdAt: w.created_at ?? null,
  };
}

function keyPath(fingerprint: string): string {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/i.test(fingerprint)) {
    throw new InputError(
      "fingerprint",
      `must be an MD5 fingerprint like "d7:34:1c:…" (16 colon-separated hex bytes), got "${fingerprint}"`,
    );
  }
  return `/key/${fingerprint}`;
}

/** Key calls. */
export class RobotKeys {
  constructor(private readonly t: RobotTransport) {}

  /** Every key; [] when Robot answers 404 NOT_FOUND (its answer for an empty list). */
  async list(): Promise<RobotKey[]> {
    const r = await absentOn(this.t.get<{ key: KeyWire }[]>("/key"), "NOT_FOUND");
    return (r ?? []).map((x) => keyFromWire(x.key));
  }

  /** The key with this fingerprint, or undefined (404 NOT_FOUND). */
  async get(fingerprint: string): Promise<RobotKey | undefined> {
    const r = await absentOn(this.t.get<{ key: KeyWire }>(keyPath(fingerprint)), "NOT_FOUND");
    return r && keyFromWire(r.key);
  }

  /** Stores an OpenSSH public key line under `name`; 409 KEY_ALREADY_EXISTS when the material is known. */
  async create(name: string, data: string): Promise<RobotKey> {
    return keyFromWire((await this.t.post<{ key: KeyWire }>("/key", { name, data })).key);
  }

  /** Deletes a key: true when deleted, false when there was none (also after a retried DELETE that already succeeded). */
  async delete(fingerprint: string): Promise<boolean> {
    return (
      (await absentOn(
        this.t.delete(keyPath(fingerprint)).then(() => true),
        "NOT_FOUND",
      )) ?? false
    );
  }
}
