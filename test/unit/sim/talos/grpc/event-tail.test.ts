/**
 * Where a simulated node's Events stream starts, as machined positions a watcher: tail_events over
 * all buffered events before the actor filter, tail_id after that event, tail_seconds by the
 * events' xid time, nothing by default; a malformed tail_id is machined's parse error.
 * Does not prove: that talosctl's tracker sends these (test/integration/sim/talos/grpc/api.test.ts).
 */
import * as assert from "assert";
import { GrpcError } from "../../../../../provider/sim/talos/api";
import { NodeEvent } from "../../../../../provider/sim/talos/grpc/events";
import { tailOf } from "../../../../../provider/sim/talos/grpc/event-tail";

/** An xid for second `s` (base32hex of 4 time bytes + 8 zero bytes, 4 padding bits), ending in `tag`. */
function xid(s: number, tag: string): string {
  const bits = BigInt(s) << 68n;
  return bits.toString(32).padStart(20, "0").slice(0, 19) + tag;
}

const T = 1_800_000_000;
const EVENTS: NodeEvent[] = [
  { id: xid(T, "1"), actor_id: "", data: { n: 1 } },
  { id: xid(T + 10, "2"), actor_id: "a", data: { n: 2 } },
  { id: xid(T + 20, "3"), actor_id: "", data: { n: 3 } },
  { id: xid(T + 30, "4"), actor_id: "a", data: { n: 4 } },
];
const ns = (events: NodeEvent[]): unknown[] => events.map((e) => e.data.n);

describe("talos sim Events tail", () => {
  it("replays nothing without a tail, everything for -1, the last n otherwise", () => {
    assert.deepStrictEqual(ns(tailOf(EVENTS, {})), []);
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_events: -1 })), [1, 2, 3, 4]);
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_events: 2 })), [3, 4]);
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_events: 10 })), [1, 2, 3, 4]);
  });

  it("counts tail_events over all events, then keeps the requested actor's", () => {
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_events: 3, with_actor_id: "a" })), [2, 4]);
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_events: 1, with_actor_id: "a" })), [4]);
  });

  it("starts after the event named by tail_id, and at the first event newer than tail_seconds", () => {
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_id: EVENTS[1].id })), [3, 4]);
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_id: EVENTS[3].id })), []);
    assert.deepStrictEqual(ns(tailOf(EVENTS, { tail_seconds: 15 }, (T + 30) * 1000)), [3, 4]);
  });

  it("refuses a malformed tail_id with machined's text", () => {
    assert.throws(
      () => tailOf(EVENTS, { tail_id: "not-an-xid" }),
      (e: unknown) =>
        e instanceof GrpcError && e.code === "Unknown" && e.desc === "error parsing tail_id: xid: invalid ID",
    );
  });
});
