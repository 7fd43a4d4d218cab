/**
 * One SSH connection attempt to a rescue system, with the host key checked against a pinned
 * fingerprint (or recorded, trust on first use: Robot returns no host key, contracts/hetzner-robot.md
 * §2), and the rule for which failures are worth another attempt while the machine boots.
 */
import { Client, ConnectConfig } from "ssh2";
import { isError } from "../internal/errors";
import { HostKeyMismatchError, RescueConnectError } from "./session-errors";
import { fingerprintMatches, md5Fingerprint, sshFingerprint } from "./session-keys";

/** What one attempt needs. */
export interface AttemptOptions {
  host: string;
  port: number;
  username: string;
  privateKey?: string | Buffer;
  password?: string;
  expectedHostKeyFingerprint?: string;
  /** Host keys the server may present ("SHA256:…" or MD5 colon hex), e.g. those Robot reported; any one matches. */
  acceptedHostKeys?: string[];
  /** Handshake and authentication must finish within this many ms. */
  timeoutMs: number;
}

/** A ready connection and the host key it presented. */
export interface Connected {
  client: Client;
  hostKeyFingerprint: string;
}

const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "EADDRNOTAVAIL",
]);

/**
 * Whether a failed attempt may succeed later: refused, reset or timed-out connections (still
 * booting), authentication failures (the previous OS still answers on port 22) and host key
 * mismatches (same reason; nothing is sent to such a host). Bad options are permanent.
 */
export function isTransientConnectError(e: unknown): boolean {
  if (isError(e, "HostKeyMismatchError")) return true;
  return isError(e, "RescueConnectError") && (e as RescueConnectError).transient;
}

/** Opens one connection; rejects with RescueConnectError or HostKeyMismatchError. */
export function connectOnce(o: AttemptOptions): Promise<Connected> {
  const target = `${o.host}:${o.port}`;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let fingerprint = "";
    let mismatch: HostKeyMismatchError | null = null;
    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: o.username,
      privateKey: o.privateKey,
      password: o.password,
      readyTimeout: o.timeoutMs,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      // Runs before authentication: a rejected key means neither the password nor the key is offered.
      hostVerifier: (key: Buffer) => {
        fingerprint = sshFingerprint(key);
        const accepted = [
          ...(o.expectedHostKeyFingerprint ? [o.expectedHostKeyFingerprint] : []),
          ...(o.acceptedHostKeys ?? []),
        ];
        const ok = accepted.length === 0 || accepted.some((f) => fingerprintMatches(f, key));
        if (!ok)
          mismatch = new HostKeyMismatchError(
            target,
            accepted.join(" or "),
            `${fingerprint} (MD5 ${md5Fingerprint(key)})`,
          );
        return ok;
      },
    };
    client.once("ready", () => resolve({ client, hostKeyFingerprint: fingerprint }));
    // `on`, not `once`: a socket may report a second error (ECONNRESET) after the first one ended the attempt.
    client.on("error", (e: Error & { level?: string; code?: string }) => {
      client.end();
      reject(
        mismatch ??
          new RescueConnectError(target, describe(e, o.username), !!e.level || TRANSIENT_CODES.has(e.code ?? ""), {
            cause: e,
          }),
      );
    });
    try {
      client.connect(config);
    } catch (e) {
      // ssh2 throws synchronously for unusable options (an unparsable private key).
      reject(new RescueConnectError(target, (e as Error).message, false, { cause: e }));
    }
  });
}

function describe(e: Error & { level?: string; code?: string }, user: string): string {
  if (e.level === "client-authentication") return `authentication as ${user} was refused (${e.message})`;
  if (e.level === "client-timeout") return `no SSH handshake within the attempt timeout (${e.message})`;
  return e.code ? `${e.code}: ${e.message}` : e.message;
}
