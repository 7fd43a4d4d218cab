/**
 * A stranger on the network: connections from 127.0.0.2 (not in any test's adminCidrs) to a
 * machine's ports, telling a firewall's cut from a listener's answer and from nothing listening.
 */
import * as net from "net";
import type { MachineStatus, SimMachine } from "../../provider/sim/types";

/** The stranger's source address. */
export const STRANGER = "127.0.0.2";

/** How one connection ended: refused (nothing listens), cut unanswered (a firewall), or answered. */
export type Outcome = "refused" | "cut" | "answered";

/** One connection from the stranger; it sends an HTTP request, which sshd and the Talos stand-in both answer at once. */
export function strangerAttempt(host: string, port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let answered = false;
    let refused = false;
    const s = net.connect({ host, port, localAddress: STRANGER }, () =>
      s.write(`GET /handshake HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    s.on("data", () => ((answered = true), s.destroy()));
    s.on("error", (e: NodeJS.ErrnoException) => (refused = e.code === "ECONNREFUSED"));
    s.on("close", () => resolve(answered ? "answered" : refused ? "refused" : "cut"));
    // Both listeners speak first or answer at once; silence this long is a firewall.
    s.setTimeout(3000, () => s.destroy());
  });
}

/** From a status change on: tries until something listens (answer or cut), the status moves on, or 20 s pass. */
export async function strangerProbe(m: SimMachine, status: MachineStatus, port: number): Promise<Outcome> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await strangerAttempt(m.spec.ipv4!, port);
    if (r !== "refused" || m.status() !== status || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** One probe's result. */
export interface Sighting {
  machine: string;
  status: MachineStatus;
  port: number;
  outcome: Outcome;
}

/** Probes `ports` of each machine at every status change; `settle()` waits for the probes started so far. */
export function watchAsStranger(
  machines: SimMachine[],
  ports: number[],
): { seen: Sighting[]; settle(): Promise<void> } {
  const seen: Sighting[] = [];
  const probes: Promise<void>[] = [];
  for (const m of machines)
    m.onStatus((status) => {
      for (const port of ports)
        probes.push(
          strangerProbe(m, status, port).then((outcome) => void seen.push({ machine: m.id, status, port, outcome })),
        );
    });
  return { seen, settle: async () => void (await Promise.all(probes)) };
}
