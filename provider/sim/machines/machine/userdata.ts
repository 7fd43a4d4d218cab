/** How Talos on Hetzner Cloud reads server user-data (contracts/talosctl.md §19). */
import * as zlib from "zlib";
import { contractAtLeast } from "../../../talos/versions";

/**
 * The machine config carried by user-data, or null when there is none. Talos ≥ v1.10 base64-decodes
 * user-data that is valid standard base64 (`maybeBase64Decode`; Go's decoder skips \r and \n); any
 * version gunzips a payload that sniffs as gzip.
 */
export function configFromUserData(userData: string | undefined, talosVersion: string): string | null {
  if (!userData) return null;
  let bytes: Buffer = Buffer.from(userData, "utf8");
  const compact = userData.replace(/[\r\n]/g, "");
  if (contractAtLeast(talosVersion, "v1.10") && isStdBase64(compact)) bytes = Buffer.from(compact, "base64");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipOrSame(bytes);
  const text = bytes.toString("utf8");
  return text.trim() === "" ? null : text;
}

function isStdBase64(s: string): boolean {
  return s.length > 0 && s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

function gunzipOrSame(b: Buffer): Buffer {
  try {
    return zlib.gunzipSync(b);
  } catch {
    // A broken gzip stream reaches the config parser as is, which rejects it.
    return b;
  }
}
