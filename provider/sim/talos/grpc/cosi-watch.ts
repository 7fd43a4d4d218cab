/**
 * cosi.resource.State.Watch as machined serves it (API version 1): an empty first response the
 * client waits for, then for one resource its current state (Created, or Destroyed when absent),
 * for a kind the bootstrap contents when asked (Created each, then Bootstrapped); after that every
 * change as it is seen. A service that restarts (its spec moved) is destroyed and created again,
 * as machined's ServiceController recreates the resource when the service's runner is replaced.
 */
import { GrpcError } from "../api";
import { Auth } from "../node/auth";
import { TalosNode } from "../node/node";
import { Message, Open } from "./router";

type Req = Record<string, unknown>;
type List = (node: TalosNode, auth: Auth, req: Req) => Promise<Message[]>;

/** How often the node's resources are compared with what the watcher saw (real time). */
const POLL_MS = 100;
const RESTARTS = new Set(["Services.v1alpha1.talos.dev"]);

const idOf = (r: Message) => String((r.metadata as Message).id);
const versionOf = (r: Message) => String((r.metadata as Message).version);
const event = (type: string, resource: Message, old?: Message) => ({
  resource,
  event_type: type,
  ...(old ? { old } : {}),
});

/** The events that turn `before` into `after` (by id and version). */
function changes(type: string, before: Map<string, Message>, after: Map<string, Message>): Message[] {
  const out: Message[] = [];
  for (const [id, r] of after) {
    const old = before.get(id);
    if (!old) out.push(event("CREATED", r));
    else if (versionOf(old) !== versionOf(r)) {
      if (RESTARTS.has(type)) out.push(event("DESTROYED", old), event("CREATED", r));
      else out.push(event("UPDATED", r, old));
    }
  }
  for (const [id, r] of before) if (!after.has(id)) out.push(event("DESTROYED", r));
  return out;
}

/** A resource that does not exist, as cosi's tombstone for a single-resource watch. */
function tombstone(req: Req): Message {
  const metadata = { namespace: req.namespace, type: req.type, id: req.id, version: "0", phase: "running" };
  return { metadata, spec: { proto_spec: Buffer.alloc(0), yaml_spec: "" } };
}

/** The Watch stream's opener; `list` reads the node's resources of the requested kind. */
export function watch(req: Req, cancelled: Promise<void>, list: List): Open {
  const single = req._id === "id";
  const type = String(req.type ?? "");
  const options = (req.options ?? {}) as Req;
  return async (node: TalosNode, auth: Auth, emit: (m: Message) => void) => {
    const read = async () => {
      const all = await list(node, auth, req);
      return new Map(all.filter((r) => !single || idOf(r) === req.id).map((r) => [idOf(r), r]));
    };
    let seen = await read();
    emit({ event: [] });
    if (single)
      emit({ event: [seen.size ? event("CREATED", [...seen.values()][0]) : event("DESTROYED", tombstone(req))] });
    else if (options.bootstrap_contents)
      emit({ event: [...[...seen.values()].map((r) => event("CREATED", r)), { event_type: "BOOTSTRAPPED" }] });
    let done = false;
    void cancelled.then(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (done) break;
      if (node.stopped) throw new GrpcError("Unavailable", "error reading from server: EOF");
      const now = await read();
      const events = changes(type, seen, now);
      if (events.length) emit({ event: events });
      seen = now;
    }
  };
}
