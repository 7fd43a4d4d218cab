/**
 * Where a new Events watcher starts in a node's event log, as machined's Events.Watch positions it
 * (internal/app/machined/pkg/runtime/v1alpha1/v1alpha1_events.go): `tail_events` counts back over
 * all buffered events (-1: all of them), else `tail_id` starts after that event, else `tail_seconds`
 * starts at the first event newer than that; the actor filter applies after the position is chosen.
 */
import { GrpcError } from "../api";
import { NodeEvent } from "./events";

/** The tail options of an EventsRequest (proto field names). */
export interface TailRequest {
  tail_events?: number;
  tail_id?: string;
  tail_seconds?: number;
  with_actor_id?: string;
}

const XID = /^[0-9a-v]{20}$/;

/** The creation second an xid carries (its first 4 of 12 bytes; 20 base32hex digits hold 100 bits). */
function xidSeconds(id: string): number {
  let bits = 0n;
  for (const c of id) bits = (bits << 5n) | BigInt(parseInt(c, 32));
  return Number(bits >> 68n);
}

/** Index of the first event the request asks to replay (events.length: none). */
function start(events: NodeEvent[], req: TailRequest, nowMs: number): number {
  const n = Number(req.tail_events ?? 0);
  if (n < 0) return 0;
  if (n > 0) return Math.max(0, events.length - n);
  const tailId = String(req.tail_id ?? "");
  if (tailId) {
    // rs/xid's FromString, wrapped by machined's Events handler; the status is Unknown as for any plain error.
    if (!XID.test(tailId)) throw new GrpcError("Unknown", "error parsing tail_id: xid: invalid ID");
    const i = events.findIndex((e) => e.id > tailId);
    return i < 0 ? events.length : i;
  }
  const seconds = Number(req.tail_seconds ?? 0);
  if (seconds) {
    const i = events.findIndex((e) => xidSeconds(e.id) * 1000 > nowMs - seconds * 1000);
    return i < 0 ? events.length : i;
  }
  return events.length;
}

/** The buffered events a new watcher gets before live ones, filtered to the requested actor. */
export function tailOf(events: NodeEvent[], req: TailRequest, nowMs = Date.now()): NodeEvent[] {
  const actorId = String(req.with_actor_id ?? "");
  return events.slice(start(events, req, nowMs)).filter((e) => !actorId || e.actor_id === actorId);
}
