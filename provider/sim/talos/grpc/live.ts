/**
 * Long-lived and file-reading MachineService streams: Events (what talosctl's action tracker
 * watches) and Read (the tracker reads the boot id before and after a reboot).
 */
import { GrpcError } from "../api";
import { Auth } from "../node/auth";
import { TalosNode } from "../node/node";
import { EventLog, NodeEvent, eventLog, helloEvent } from "./events";
import { Message, Open } from "./router";

/** The events a new stream replays first: none (0), all (-1) or the last n; optionally one actor's only. */
function tail(log: EventLog, n: number, actorId: string): NodeEvent[] {
  const mine = actorId ? log.events.filter((e) => e.actor_id === actorId) : log.events;
  return n < 0 ? mine : n > 0 ? mine.slice(-n) : [];
}

/** MachineService.Events: hello, the requested tail, then live events until the client leaves or the node stops. */
export function events(req: Record<string, unknown>, cancelled: Promise<void>): Open {
  return (node: TalosNode, _auth: Auth, emit: (m: Message) => void) => new Promise<void>((resolve, reject) => {
    const actorId = String(req.with_actor_id ?? "");
    const log = eventLog(node);
    emit({ ...helloEvent(actorId) });
    for (const e of tail(log, Number(req.tail_events ?? 0), actorId)) emit({ ...e });
    const stop = log.subscribe((e) => {
      if (e === null) { stop(); reject(new GrpcError("Unavailable", "error reading from server: EOF")); return; }
      if (!actorId || e.actor_id === actorId) emit({ ...e });
    });
    void cancelled.then(() => { stop(); resolve(); });
  });
}

/** Files a node can read over the API: only the boot id, which the action tracker compares across a reboot. */
export function read(req: Record<string, unknown>): Open {
  return async (node: TalosNode, _auth: Auth, emit: (m: Message) => void) => {
    const file = String(req.path ?? "");
    if (file !== "/proc/sys/kernel/random/boot_id") throw new GrpcError("Unimplemented", `the simulator cannot read ${file}`);
    emit({ bytes: Buffer.from(`${node.bootId}\n`) });
  };
}
