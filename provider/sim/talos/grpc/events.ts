/**
 * A node's runtime events (machined's event stream, internal/app/machined/pkg/runtime/events.go),
 * per boot: what `talosctl`'s action tracker watches. Each event carries its payload as an Any
 * whose type URL is `talos/runtime/<message>`, an xid-like id and the actor that caused it.
 */
import * as crypto from "crypto";
import { TalosNode } from "../node/node";

/** One event as the Events stream sends it (proto field names; `data` is encoded as an Any). */
export interface NodeEvent {
  id: string;
  actor_id: string;
  data: Record<string, unknown>;
}

/** machined's buffer keeps 1000 events with a safety gap of 10 (v1alpha1_controller.go: NewEvents(1000, 10)). */
const HISTORY = 990;

/**
 * Wall-clock ms from boot to the machine reporting RUNNING/ready. Not scaled with the world: the
 * action tracker reconnects on its own 1 s cadence after a reboot and must find the node still
 * booting, as a real node is, or it would wait for a ready event that already went by.
 */
const READY_AFTER_MS = 1500;
const XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv";

let counter = crypto.randomInt(0xffffff);

/** A 20-character id in xid's base32hex alphabet that sorts by creation time, like machined's. */
function newId(): string {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(Math.floor(Date.now() / 1000), 0);
  crypto.randomFillSync(b, 4, 5);
  b.writeUIntBE((counter = (counter + 1) & 0xffffff), 9, 3);
  let bits = BigInt(`0x${b.toString("hex")}`) << 4n;
  let out = "";
  for (let i = 0; i < 20; i++) {
    out = XID_ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/** The event log of one boot of a node (its last HISTORY events), with live subscribers. */
export class EventLog {
  readonly events: NodeEvent[] = [];
  private readonly listeners = new Set<(e: NodeEvent | null) => void>();
  private readonly watched = new Set<() => void>();

  /** Appends an event of message type `type` (e.g. `machine.SequenceEvent`). */
  push(type: string, payload: Record<string, unknown>, actorId = ""): void {
    const event = { id: newId(), actor_id: actorId, data: { "@type": `talos/runtime/${type}`, ...payload } };
    this.events.push(event);
    if (this.events.length > HISTORY) this.events.shift();
    for (const l of this.listeners) l(event);
  }

  /** Calls `fn` for every later event, and with null once the boot ends; returns the unsubscribe. */
  subscribe(fn: (e: NodeEvent | null) => void): () => void {
    this.listeners.add(fn);
    for (const w of [...this.watched]) w();
    return () => this.listeners.delete(fn);
  }

  /**
   * Resolves once someone watches the log, or after `ms`. A sequence waits here before its first
   * event: talosctl's action tracker opens its stream (without a tail) concurrently with the call,
   * and on a real node the stream is up long before a sequence gets going.
   */
  watchedWithin(ms: number): Promise<void> {
    if (this.listeners.size) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.watched.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.watched.add(done);
    });
  }

  /** Ends the boot: every subscriber hears null. */
  close(): void {
    for (const l of [...this.listeners]) l(null);
    this.listeners.clear();
  }
}

const logs = new WeakMap<TalosNode, EventLog>();

function machineStatus(stage: string, ready: boolean): Record<string, unknown> {
  return {
    stage,
    status: { ready, unmet_conditions: ready ? [] : [{ name: "nodeReady", reason: "node is booting" }] },
  };
}

/** The node's event log, started at its boot (BOOTING, then RUNNING or MAINTENANCE once ready). */
export function eventLog(node: TalosNode): EventLog {
  let log = logs.get(node);
  if (log) return log;
  log = new EventLog();
  logs.set(node, log);
  log.push("machine.MachineStatusEvent", machineStatus("BOOTING", false));
  const created = log;
  setTimeout(() => {
    if (!node.stopped)
      created.push("machine.MachineStatusEvent", machineStatus(node.maintenance ? "MAINTENANCE" : "RUNNING", true));
  }, READY_AFTER_MS).unref();
  return log;
}

/** The empty "hello" event machined sends first so the client knows the stream is up. */
export function helloEvent(actorId: string): NodeEvent {
  return { id: newId(), actor_id: actorId, data: { type_url: "", value: Buffer.alloc(0) } };
}
