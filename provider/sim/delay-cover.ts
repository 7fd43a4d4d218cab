/**
 * How much real time the simulated services spent waiting on their scaled delays: the union of
 * the intervals in which at least one delay was pending. For one install, wall time outside this
 * union is what the library (and the machine it runs on) added: work, process spawns, poll lag.
 * A sum of the delays would count overlapping waits twice and flatter the overhead.
 */
export class DelayCover {
  private pending = 0;
  private openedAt = 0;
  private closedMs = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A delay begins; call the returned function once when it ends (or is cut short). */
  begin(): () => void {
    if (this.pending++ === 0) this.openedAt = this.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.pending === 0) this.closedMs += this.now() - this.openedAt;
    };
  }

  /** Real ms covered by at least one pending delay so far (an open interval counts up to now). */
  coveredMs(): number {
    return this.closedMs + (this.pending > 0 ? this.now() - this.openedAt : 0);
  }
}
