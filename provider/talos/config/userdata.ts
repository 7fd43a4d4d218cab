/** Hetzner Cloud user-data for Talos: plain when it fits, else gzip+base64 (contract §19). */
import { gzipSync } from "zlib";
import { TalosHetznerError } from "../../internal/errors";
import { contractAtLeast } from "../versions";

/** Hetzner's user-data limit in bytes (an API limit, not a Talos one; contract §19). */
export const USER_DATA_LIMIT = 32768;

/** The config does not fit Hetzner's user-data limit even compressed. */
export class UserDataTooLargeError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "UserDataTooLargeError";
  }
}

/** Encoded user-data: the text to send, how it is encoded, and its size in bytes. */
export interface UserData {
  userData: string;
  encoding: "plain" | "gzip+base64";
  bytes: number;
}

/**
 * Plain if the config is at most 32 KiB of UTF-8, else gzip+base64 if that fits (Talos v1.10+ base64-decodes
 * hcloud user-data; pass `talosVersion` to refuse it for older nodes), else UserDataTooLargeError.
 */
export function encodeUserData(config: string, options: { talosVersion?: string } = {}): UserData {
  const plain = Buffer.byteLength(config, "utf8");
  if (plain <= USER_DATA_LIMIT) return { userData: config, encoding: "plain", bytes: plain };
  // zlib writes mtime 0, so the same config always encodes to the same user-data (stable diffs).
  const packed = gzipSync(Buffer.from(config, "utf8"), { level: 9 }).toString("base64");
  const canBase64 = options.talosVersion === undefined || contractAtLeast(options.talosVersion, "v1.10");
  if (canBase64 && packed.length <= USER_DATA_LIMIT)
    return { userData: packed, encoding: "gzip+base64", bytes: packed.length };
  const why = canBase64
    ? `${packed.length} bytes as gzip+base64`
    : `Talos ${options.talosVersion} cannot read base64 user-data (v1.10+ can)`;
  throw new UserDataTooLargeError(
    `machine config too large for Hetzner user-data: ${plain} bytes plain, ${why}; the limit is ${USER_DATA_LIMIT} bytes`,
  );
}
