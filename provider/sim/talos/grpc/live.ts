/**
 * Streams whose messages are not one reply: Events (what talosctl's action tracker watches), Read
 * (the tracker reads the boot id before and after a reboot) and ClusterService.HealthCheck.
 */
import { GrpcError } from "../api";
import { Auth } from "../node/auth";
import { HealthReply, clusterHealth } from "../node/health";
import { TalosNode } from "../node/node";
import { eventLog, helloEvent } from "./events";
import { TailRequest, tailOf } from "./event-tail";
import { durationMs } from "./machine";
import { Message, Open } from "./router";

/** MachineService.Events: hello, the requested tail, then live events until the client leaves or the node stops. */
export function events(req: Record<string, unknown>, cancelled: Promise<void>): Open {
  return (node: TalosNode, _auth: Auth, emit: (m: Message) => void) =>
    new Promise<void>((resolve, reject) => {
      const actorId = String(req.with_actor_id ?? "");
      const log = eventLog(node);
      emit({ ...helloEvent(actorId) });
      for (const e of tailOf(log.events, req as TailRequest)) emit({ ...e });
      const stop = log.subscribe((e) => {
        if (e === null) {
          stop();
          reject(new GrpcError("Unavailable", "error reading from server: EOF"));
          return;
        }
        if (!actorId || e.actor_id === actorId) emit({ ...e });
      });
      void cancelled.then(() => {
        stop();
        resolve();
      });
    });
}

/** Files a node can read over the API: only the boot id, which the action tracker compares across a reboot. */
export function read(req: Record<string, unknown>): Open {
  return async (node: TalosNode, _auth: Auth, emit: (m: Message) => void) => {
    const file = String(req.path ?? "");
    if (file !== "/proc/sys/kernel/random/boot_id")
      throw new GrpcError("Unimplemented", `the simulator cannot read ${file}`);
    emit({ bytes: Buffer.from(`${node.bootId}\n`) });
  };
}

/** ClusterService.HealthCheck: the node's server-side checks as progress messages; a failed run ends with its status. */
export function health(req: Record<string, unknown>): Open {
  return async (node: TalosNode, _auth: Auth, emit: (m: Message) => void) => {
    const info = (req.cluster_info ?? {}) as { control_plane_nodes?: string[]; worker_nodes?: string[] };
    const payload = {
      controlPlaneNodes: info.control_plane_nodes ?? [],
      workerNodes: info.worker_nodes ?? [],
      waitTimeoutMs: durationMs(req.wait_timeout) ?? 20 * 60 * 1000,
    };
    const reply: HealthReply = await clusterHealth(node, payload);
    for (const line of reply.lines) emit({ message: line });
    if (reply.error) throw new GrpcError(reply.error.code, reply.error.message);
  };
}
