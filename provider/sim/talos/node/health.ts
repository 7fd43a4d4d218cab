/**
 * Server-side cluster health (contracts/talosctl.md §10): the default checks in Talos's order; each
 * is polled until it passes or the (scaled) wait timeout ends with DeadlineExceeded.
 */
import { APID_PORT, GrpcError, GrpcStatus, dialError } from "../api";
import { multierror } from "../multierror";
import { pollUntil } from "../../../internal/poll";
import { KUBE_CHECKS, SKIP, kubeState } from "./health-k8s";
import { TalosNode } from "./node";

/** Health payload. */
export interface HealthPayload {
  controlPlaneNodes: string[];
  workerNodes: string[];
  waitTimeoutMs: number;
}

/** What the client prints: progress lines, then the error if the checks did not pass. */
export interface HealthReply {
  lines: string[];
  error?: GrpcStatus;
}

type Check = [string, (self: TalosNode, cps: string[], all: string[]) => string | null];

function problems(items: string[]): string | null {
  return items.length ? multierror(items).trimEnd() : null;
}

function peer(self: TalosNode, ip: string): TalosNode | string {
  const n = self.host.nodeByAddress(ip);
  if (!n || n.stopped || (n !== self && !n.machine.inboundAllowed("tcp", APID_PORT, self.ip ?? "")))
    return dialError(`${ip}:${APID_PORT}`).message;
  if (n.maintenance || n.cluster !== self.cluster) return "node is not configured for this cluster";
  return n;
}

const perNode = (f: (n: TalosNode) => string | null) => (self: TalosNode, ips: string[]) =>
  problems(
    ips
      .map((ip) => {
        const n = peer(self, ip);
        const e = typeof n === "string" ? n : f(n);
        return e ? `${ip}: ${e}` : "";
      })
      .filter(Boolean),
  );

/** A Kubernetes check (health-k8s.ts) against the cluster's simulated API. */
const viaKube =
  (name: string) =>
  (self: TalosNode, cps: string[], all: string[]): string | null => {
    const p = kubeState(self.cluster ? self.host.kube?.(self.cluster) : undefined);
    return typeof p === "string" ? p : KUBE_CHECKS[name](p, cps, all);
  };

const ETCD_DOWN = 'service "etcd" not in expected state "Running": current state [Preparing] Running pre state';
const OK = () => null;

const CHECKS: Check[] = [
  ["etcd to be healthy", (s, cps) => perNode((n) => (n.saved.etcd ? null : ETCD_DOWN))(s, cps)],
  ["etcd members to be consistent across nodes", OK],
  [
    "etcd members to be control plane nodes",
    (s, cps) => {
      const ips = s.cluster ? s.host.registry.etcdMembers(s.cluster).map((m) => m.ip ?? "") : [];
      const ok = ips.every((ip) => cps.includes(ip)) && cps.every((ip) => ips.includes(ip));
      return ok ? null : `etcd member ips ${goQuote(ips)} are not subset of control plane node ips ${goQuote(cps)}`;
    },
  ],
  ["apid to be ready", (s, _c, all) => perNode(() => null)(s, all)],
  ["all nodes memory sizes", OK],
  ["all nodes disk sizes", OK],
  ["no diagnostics", OK],
  [
    // ServiceHealthAssertion(..., WithNodeTypes(init, controlplane)): control planes only.
    "kubelet to be healthy",
    (s, cps) =>
      perNode((n) =>
        n.rebootPending ? 'service "kubelet" not in expected state "Running": current state [Finished]' : null,
      )(s, cps),
  ],
  ["all nodes to finish boot sequence", OK],
  ["all k8s nodes to report", viaKube("all k8s nodes to report")],
  ["all control plane static pods to be running", viaKube("all control plane static pods to be running")],
  ["all control plane components to be ready", OK],
  ["all k8s nodes to report ready", viaKube("all k8s nodes to report ready")],
  ["kube-proxy to report ready", viaKube("kube-proxy to report ready")],
  ["coredns to report ready", viaKube("coredns to report ready")],
  ["all k8s nodes to report schedulable", viaKube("all k8s nodes to report schedulable")],
];

/** Go's `%q` of a string slice: `["a" "b"]`. */
export function goQuote(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(" ")}]`;
}

function discovered(self: TalosNode): { cps: string[]; workers: string[] } {
  const list = self.cluster ? self.host.registry.list(self.cluster) : [];
  const ip = (t: string[]) => list.filter((a) => t.includes(a.machineType) && a.ip).map((a) => a.ip as string);
  return { cps: ip(["controlplane", "init"]), workers: ip(["worker"]) };
}

/** The handler. */
export async function clusterHealth(self: TalosNode, payload: unknown): Promise<HealthReply> {
  const p = payload as HealthPayload;
  const lists =
    p.controlPlaneNodes.length || p.workerNodes.length
      ? { cps: p.controlPlaneNodes, workers: p.workerNodes }
      : discovered(self);
  const all = [...lists.cps, ...lists.workers];
  const lines = [`discovered nodes: ${goQuote(all)}`];
  const deadline = Date.now() + Math.max(50, p.waitTimeoutMs * self.host.world.timeScale);
  try {
    for (const [what, check] of CHECKS) {
      lines.push(`waiting for ${what}: ...`);
      let last = "";
      await pollUntil(
        async () => {
          const err = check(self, lists.cps, all);
          if (err && err !== last && err !== SKIP) lines.push(`waiting for ${what}: ${(last = err)}`);
          return err && err !== SKIP ? undefined : (last = err ?? "OK");
        },
        { what, timeoutMs: Math.max(0, deadline - Date.now()), initialMs: 20, maxMs: 200 },
      );
      lines.push(`waiting for ${what}: ${last === SKIP ? SKIP : "OK"}`);
    }
    return { lines };
  } catch {
    return { lines, error: new GrpcError("DeadlineExceeded", "context deadline exceeded").status() };
  }
}
