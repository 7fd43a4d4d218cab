/** A dependency-free Kubernetes API client for the day-2 operations: nodes, pods, cordon, eviction. */
import { KubeApiError, kubeStatus } from "./errors";
import { parseKubeconfig } from "./kubeconfig";
import { KubeNode, KubePod, toNode, toPod } from "./objects";
import { KubeResponse, KubeTransport, checkStatus, httpsTransport } from "./transport";

/** Options of `KubeClient`. */
export interface KubeClientOptions {
  /** Timeout of each request in ms. @default 15000 */
  timeoutMs?: number;
  /** Another API server URL than the kubeconfig's (e.g. a second control plane while the endpoint's node reboots). */
  server?: string;
  /** Replaces the HTTPS transport (tests). */
  transport?: KubeTransport;
}

/** Result of one eviction: evicted (or already gone), or refused with the API's message (a PodDisruptionBudget). */
export type EvictResult = { evicted: true } | { evicted: false; reason: string };

const STRATEGIC = "application/strategic-merge-patch+json";
const enc = encodeURIComponent;

/** Client of one cluster's API, built from a kubeconfig (current context); never logs the credentials. */
export class KubeClient {
  /** API server URL of the current context. */
  readonly server: string;
  private readonly send: KubeTransport;

  constructor(kubeconfig: string, o: KubeClientOptions = {}) {
    const creds = { ...parseKubeconfig(kubeconfig), ...(o.server ? { server: o.server.replace(/\/+$/, "") } : {}) };
    this.server = creds.server;
    this.send = o.transport ?? httpsTransport(creds, o.timeoutMs ?? 15000);
  }

  private async call(
    method: string,
    path: string,
    body?: { contentType: string; json: unknown },
  ): Promise<KubeResponse> {
    return checkStatus(method, path, await this.send(method, path, body));
  }

  /** All nodes. */
  async listNodes(): Promise<KubeNode[]> {
    const r = await this.call("GET", "/api/v1/nodes");
    return ((r.body as { items?: object[] }).items ?? []).map(toNode);
  }

  /** One node, undefined when it does not exist. */
  async getNode(name: string): Promise<KubeNode | undefined> {
    try {
      return toNode((await this.call("GET", `/api/v1/nodes/${enc(name)}`)).body as object);
    } catch (e) {
      if (kubeStatus(e) === 404) return undefined;
      throw e;
    }
  }

  /** The node with this InternalIP/ExternalIP, undefined when none has it. */
  async nodeByAddress(ip: string): Promise<KubeNode | undefined> {
    return (await this.listNodes()).find((n) => n.addresses.includes(ip));
  }

  /** Marks a node unschedulable (kubectl cordon). */
  async cordon(name: string): Promise<void> {
    await this.call("PATCH", `/api/v1/nodes/${enc(name)}`, {
      contentType: STRATEGIC,
      json: { spec: { unschedulable: true } },
    });
  }

  /** Makes a node schedulable again; kubectl's patch removes the field (null), as `false` is its omitted default. */
  async uncordon(name: string): Promise<void> {
    await this.call("PATCH", `/api/v1/nodes/${enc(name)}`, {
      contentType: STRATEGIC,
      json: { spec: { unschedulable: null } },
    });
  }

  /** Deletes a Node object; a node that is already gone is fine. */
  async deleteNode(name: string): Promise<void> {
    try {
      await this.call("DELETE", `/api/v1/nodes/${enc(name)}`);
    } catch (e) {
      if (kubeStatus(e) !== 404) throw e;
    }
  }

  /** Pods bound to a node (field selector spec.nodeName). */
  async podsOnNode(name: string): Promise<KubePod[]> {
    const r = await this.call("GET", `/api/v1/pods?fieldSelector=${enc(`spec.nodeName=${name}`)}`);
    return ((r.body as { items?: object[] }).items ?? []).map(toPod);
  }

  /** Evicts a pod through the policy/v1 Eviction subresource; 404 means already gone, 429 means a disruption budget refused it. */
  async evict(pod: KubePod): Promise<EvictResult> {
    const path = `/api/v1/namespaces/${enc(pod.namespace)}/pods/${enc(pod.name)}/eviction`;
    const json = { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod.name, namespace: pod.namespace } };
    try {
      await this.call("POST", path, { contentType: "application/json", json });
      return { evicted: true };
    } catch (e) {
      const status = kubeStatus(e);
      if (status === 404) return { evicted: true };
      if (status === 429) return { evicted: false, reason: (e as KubeApiError).detail };
      throw e;
    }
  }
}
