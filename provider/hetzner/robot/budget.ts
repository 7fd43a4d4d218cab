/**
 * Pacing to Robot's hourly budgets (contracts/hetzner-robot.md §1 endpoint table): Robot counts
 * requests per endpoint over a sliding hour and answers 403 RATE_LIMIT_EXCEEDED past the limit,
 * which for POST /reset (50 per hour) stalls a many-server install for up to an hour. Every client
 * of one account in this process shares one budget, so parallel installs wait for a free slot
 * instead of spending requests on refusals.
 */
import { Sleep } from "../../internal/retry";

/** The tight budgets the library's calls meet; other endpoints (500+ per hour) are not paced. */
const LIMITS: [method: string, pattern: RegExp, bucket: string, perHour: number][] = [
  ["POST", /^\/reset\/\d+$/, "POST /reset", 50],
  ["GET", /^\/server(\/\d+)?(\?.*)?$/, "GET /server", 200], // list and get share one bucket
  ["POST", /^\/server\/\d+$/, "POST /server", 200],
  ["POST", /^\/key$/, "POST /key", 200],
  ["DELETE", /^\/key\/[^/]+$/, "DELETE /key", 200],
];

/** The bucket and hourly limit of a request, or undefined when it is not paced. */
export function robotBudgetOf(method: string, path: string): { bucket: string; perHour: number } | undefined {
  const hit = LIMITS.find(([m, re]) => m === method.toUpperCase() && re.test(path));
  return hit && { bucket: hit[2], perHour: hit[3] };
}

/** Sliding-window request counts per bucket; `take` waits until the bucket has room. */
export class RobotBudget {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {}

  /** Waits (never fails) until the request fits its bucket, then counts it; returns the ms waited. */
  async take(method: string, path: string, log: (line: string) => void): Promise<number> {
    const limit = robotBudgetOf(method, path);
    if (!limit) return 0;
    let waited = 0;
    for (;;) {
      const times = this.recent(limit.bucket);
      // Check and count without an await in between: parallel callers cannot both take the last slot.
      if (times.length < limit.perHour) {
        times.push(this.now());
        return waited;
      }
      const wait = Math.max(1, times[0] + this.windowMs - this.now());
      if (waited === 0)
        log(
          `Robot ${method} ${path}: pacing to Robot's ${limit.perHour} requests per hour for ${limit.bucket}; waiting ${seconds(wait)} for a free slot`,
        );
      await this.sleep(wait);
      waited += wait;
    }
  }

  private recent(bucket: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.sent.get(bucket) ?? []).filter((t) => t > since);
    this.sent.set(bucket, times);
    return times;
  }
}

const shared = new Map<string, RobotBudget>();

/** The budget every client of `account` (base URL and user) in this process shares. */
export function sharedRobotBudget(account: string, windowMs: number, now: () => number, sleep: Sleep): RobotBudget {
  const key = `${account} ${windowMs}`;
  let b = shared.get(key);
  if (!b) shared.set(key, (b = new RobotBudget(windowMs, now, sleep)));
  return b;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
