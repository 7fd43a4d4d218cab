/**
 * Who may log in to a simulated rescue system: root, with one of the keys the rescue was armed with
 * (signature verified) or with its root password — as Hetzner's rescue accepts both.
 */
import { createHash, timingSafeEqual } from "crypto";
import { AuthContext, ParsedKey, utils } from "ssh2";
import { RescueArm } from "../../types";

/** Parses OpenSSH authorized_keys lines (options before the key type are allowed; bad lines are skipped). */
export function parseAuthorizedKeys(lines: string[]): ParsedKey[] {
  const keys: ParsedKey[] = [];
  for (const line of lines) {
    const m = /(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com)\s+([A-Za-z0-9+/=]+)/.exec(line);
    const key = m ? utils.parseKey(`${m[1]} ${m[2]}`) : null;
    if (key && !(key instanceof Error)) keys.push(Array.isArray(key) ? key[0] : key);
  }
  return keys;
}

/** The ssh2 `authentication` handler for one armed rescue. */
export function rescueAuthenticator(arm: RescueArm): (ctx: AuthContext) => void {
  const keys = parseAuthorizedKeys(arm.authorizedKeys);
  const methods: ("publickey" | "password")[] = ["publickey", "password"];
  return (ctx) => {
    arm.logins?.push(ctx.method);
    if (ctx.username !== "root") return ctx.reject(methods);
    if (ctx.method === "password")
      return arm.password && sameSecret(ctx.password, arm.password) ? ctx.accept() : ctx.reject(methods);
    if (ctx.method !== "publickey") return ctx.reject(methods);
    const key = keys.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
    if (!key) return ctx.reject(methods);
    // Without a signature the client only asks whether the key would do (SSH_MSG_USERAUTH_PK_OK).
    if (!ctx.signature) return ctx.accept();
    return key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(methods);
  };
}

function sameSecret(given: string, expected: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(given), h(expected));
}
