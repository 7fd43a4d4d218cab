/**
 * Robot's answer to guessed passwords (contracts/hetzner-robot.md §1, Robot doc "Authentication"):
 * three failed logins block the source IP for 10 minutes. While blocked, every request from that
 * address, right credentials or not, gets a plain-text 403 that is not Robot's JSON error body
 * (the exact live body is unconfirmed; docs/contracts/robot-failures.md says how to settle it).
 */

/** Failed logins before the block. */
export const FAILED_LOGINS_BEFORE_BLOCK = 3;
/** Realistic length of the block, ms (scaled by world.timeScale). */
export const LOGIN_BLOCK_MS = 10 * 60_000;
/** The body of a blocked request. */
export const BLOCKED_BODY = "403 Forbidden: too many failed login attempts\n";

/** Failed logins and blocks per source address. */
export class LoginGuard {
  private readonly byIp = new Map<string, { failures: number; blockedUntil: number }>();

  constructor(
    private readonly now: () => number,
    private readonly timeScale: number,
  ) {}

  /** True while `ip` is blocked; a block that ran out forgets the failures. */
  blocked(ip: string): boolean {
    const e = this.byIp.get(ip);
    if (!e || e.blockedUntil === 0) return false;
    if (this.now() < e.blockedUntil) return true;
    this.byIp.delete(ip);
    return false;
  }

  /** Counts a failed login; the third starts the block. */
  failed(ip: string): void {
    const e = this.byIp.get(ip) ?? { failures: 0, blockedUntil: 0 };
    e.failures++;
    if (e.failures >= FAILED_LOGINS_BEFORE_BLOCK) e.blockedUntil = this.now() + LOGIN_BLOCK_MS * this.timeScale;
    this.byIp.set(ip, e);
  }

  /** A successful login clears the count. */
  succeeded(ip: string): void {
    this.byIp.delete(ip);
  }
}
