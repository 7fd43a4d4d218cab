/**
 * The library's Kubernetes client: kubeconfig parsing (errors name the field, never a value), the exact requests of
 * cordon/uncordon/pods/eviction/delete over a scripted transport, the Status → KubeApiError mapping, and the real
 * HTTPS transport against a local TLS server (CA + client certificate, refused connection, timeout).
 * Does not prove: behaviour against a real kube-apiserver (see the simulator tests for the served API).
 */
import * as assert from "assert";
import * as https from "https";
import * as net from "net";
import { AddressInfo } from "net";
import { isError } from "../../../provider/internal/errors";
import { KubeApiError, KubeClient, KubeTransport, parseKubeconfig } from "../../../provider/kube";
import { b64, issue, newCA } from "../../../provider/sim/talos/pki/cert";

const ca = newCA("ecdsa", { O: ["kubernetes"] });
const admin = issue(ca, "ecdsa", {
  subject: { O: ["system:masters"], CN: "admin" },
  validityMs: 3600_000,
  clientAuth: true,
  serverAuth: false,
});

/** A kubeconfig shaped like Talos's admin kubeconfig. */
export function kubeconfigFor(server: string, user = admin, drop?: string): string {
  const lines = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: c",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(ca.crt)}`,
    "users:",
    "- name: admin@c",
    "  user:",
    `    client-certificate-data: ${b64(user.crt)}`,
    `    client-key-data: ${b64(user.key)}`,
    "contexts:",
    "- context:",
    "    cluster: c",
    "    namespace: default",
    "    user: admin@c",
    "  name: admin@c",
    "current-context: admin@c",
    "",
  ];
  return lines.filter((l) => !drop || !l.includes(drop)).join("\n");
}

type Call = { method: string; path: string; body?: { contentType: string; json: unknown } };

function scripted(answers: { status: number; body?: unknown }[]): { transport: KubeTransport; calls: Call[] } {
  const calls: Call[] = [];
  const transport: KubeTransport = async (method, path, body) => {
    calls.push(body ? { method, path, body } : { method, path });
    const a = answers.shift();
    if (!a) throw new Error(`unexpected request ${method} ${path}`);
    return { status: a.status, body: a.body };
  };
  return { transport, calls };
}

const status = (code: number, reason: string, message: string) => ({
  status: code,
  body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
});
const pod = {
  namespace: "default",
  name: "web-1",
  nodeName: "w-0",
  mirror: false,
  emptyDir: false,
  phase: "Running",
  deleting: false,
  ownerKind: "ReplicaSet",
};

describe("kube: kubeconfig", () => {
  it("reads server, CA and client certificate of the current context", () => {
    const c = parseKubeconfig(kubeconfigFor("https://10.0.0.1:6443/"));
    assert.deepStrictEqual(c, { server: "https://10.0.0.1:6443", ca: ca.crt, cert: admin.crt, key: admin.key });
  });
  it("names a missing field without printing any value", () => {
    assert.throws(
      () => parseKubeconfig(kubeconfigFor("https://x:6443", admin, "client-key-data")),
      (e: Error) => {
        assert.strictEqual(e.message, 'kubeconfig: users["admin@c"].user.client-key-data is missing');
        return isError(e, "KubeconfigError");
      },
    );
    assert.throws(
      () =>
        parseKubeconfig(kubeconfigFor("https://x:6443").replace("current-context: admin@c", "current-context: other")),
      /^KubeconfigError: kubeconfig: contexts\["other"\] is not defined$/,
    );
  });
});

describe("kube: KubeClient requests", () => {
  it("cordons and uncordons with strategic merge patches like kubectl", async () => {
    const s = scripted([
      { status: 200, body: {} },
      { status: 200, body: {} },
    ]);
    const k = new KubeClient(kubeconfigFor("https://x:6443"), { transport: s.transport });
    await k.cordon("w-0");
    await k.uncordon("w-0");
    const ct = "application/strategic-merge-patch+json";
    assert.deepStrictEqual(s.calls, [
      {
        method: "PATCH",
        path: "/api/v1/nodes/w-0",
        body: { contentType: ct, json: { spec: { unschedulable: true } } },
      },
      {
        method: "PATCH",
        path: "/api/v1/nodes/w-0",
        body: { contentType: ct, json: { spec: { unschedulable: null } } },
      },
    ]);
  });

  it("lists a node's pods by field selector and converts owner, mirror, emptyDir and deletion", async () => {
    const items = [
      {
        metadata: {
          namespace: "kube-system",
          name: "kube-proxy-abcde",
          ownerReferences: [{ kind: "DaemonSet", controller: true }],
        },
        spec: { nodeName: "w-0" },
        status: { phase: "Running" },
      },
      {
        metadata: {
          namespace: "kube-system",
          name: "kube-apiserver-w-0",
          annotations: { "kubernetes.io/config.mirror": "x" },
          deletionTimestamp: "2026-01-01T00:00:00Z",
        },
        spec: { nodeName: "w-0", volumes: [{ name: "d", emptyDir: {} }] },
        status: { phase: "Running" },
      },
    ];
    const s = scripted([{ status: 200, body: { kind: "PodList", items } }]);
    const pods = await new KubeClient(kubeconfigFor("https://x:6443"), { transport: s.transport }).podsOnNode("w-0");
    assert.deepStrictEqual(s.calls, [{ method: "GET", path: "/api/v1/pods?fieldSelector=spec.nodeName%3Dw-0" }]);
    assert.deepStrictEqual(pods, [
      {
        namespace: "kube-system",
        name: "kube-proxy-abcde",
        nodeName: "w-0",
        ownerKind: "DaemonSet",
        mirror: false,
        emptyDir: false,
        phase: "Running",
        deleting: false,
      },
      {
        namespace: "kube-system",
        name: "kube-apiserver-w-0",
        nodeName: "w-0",
        mirror: true,
        emptyDir: true,
        phase: "Running",
        deleting: true,
      },
    ]);
  });

  it("evicts through policy/v1: 201 evicted, 404 already gone, 429 refused with the API's message", async () => {
    const pdb = "Cannot evict pod as it would violate the pod's disruption budget.";
    const s = scripted([
      { status: 201, body: {} },
      status(404, "NotFound", 'pods "web-1" not found'),
      status(429, "TooManyRequests", pdb),
    ]);
    const k = new KubeClient(kubeconfigFor("https://x:6443"), { transport: s.transport });
    assert.deepStrictEqual(
      [await k.evict(pod), await k.evict(pod), await k.evict(pod)],
      [{ evicted: true }, { evicted: true }, { evicted: false, reason: pdb }],
    );
    assert.deepStrictEqual(s.calls[0], {
      method: "POST",
      path: "/api/v1/namespaces/default/pods/web-1/eviction",
      body: {
        contentType: "application/json",
        json: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "web-1", namespace: "default" } },
      },
    });
  });

  it("maps error Statuses to KubeApiError; a missing node is absent and deleting it is fine", async () => {
    const s = scripted([
      status(404, "NotFound", 'nodes "w-9" not found'),
      status(404, "NotFound", 'nodes "w-9" not found'),
      status(403, "Forbidden", 'nodes is forbidden: User "x" cannot list resource "nodes"'),
      status(409, "Conflict", "the object has been modified"),
    ]);
    const k = new KubeClient(kubeconfigFor("https://x:6443"), { transport: s.transport });
    assert.strictEqual(await k.getNode("w-9"), undefined);
    await k.deleteNode("w-9");
    const forbidden = await k.listNodes().catch((e) => e);
    assert.ok(isError(forbidden, "KubeApiError"));
    assert.strictEqual(
      forbidden.message,
      'Kubernetes API GET /api/v1/nodes failed: nodes is forbidden: User "x" cannot list resource "nodes" (403 Forbidden)',
    );
    assert.deepStrictEqual(
      [(forbidden as KubeApiError).status, (forbidden as KubeApiError).reason],
      [403, "Forbidden"],
    );
    const conflict = await k.cordon("w-0").catch((e) => e);
    assert.strictEqual(
      conflict.message,
      "Kubernetes API PATCH /api/v1/nodes/w-0 failed: the object has been modified (409 Conflict)",
    );
  });
});

describe("kube: HTTPS transport", () => {
  const serverPair = issue(ca, "ecdsa", {
    subject: { CN: "kube-apiserver" },
    validityMs: 3600_000,
    serverAuth: true,
    ips: ["127.0.0.1"],
  });
  let server: https.Server;
  let url: string;
  let slow = false;
  before(async () => {
    server = https.createServer(
      { cert: serverPair.crt, key: serverPair.key, ca: ca.crt, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        if (slow) return;
        const cn = (req.socket as import("tls").TLSSocket).getPeerCertificate().subject?.CN;
        res.writeHead(200, { "Content-Type": "application/json" }).end(
          JSON.stringify({
            kind: "NodeList",
            items: [
              {
                metadata: { name: cn },
                status: {
                  addresses: [{ type: "InternalIP", address: "10.0.0.5" }],
                  conditions: [{ type: "Ready", status: "True" }],
                  nodeInfo: { kubeletVersion: "v1.36.3", osImage: "Talos (v1.13.9)" },
                },
              },
            ],
          }),
        );
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("talks TLS with the kubeconfig's CA and client certificate", async () => {
    const k = new KubeClient(kubeconfigFor(url));
    assert.deepStrictEqual(await k.nodeByAddress("10.0.0.5"), {
      name: "admin",
      addresses: ["10.0.0.5"],
      ready: true,
      unschedulable: false,
      kubeletVersion: "v1.36.3",
      osImage: "Talos (v1.13.9)",
    });
    assert.strictEqual(await k.nodeByAddress("10.0.0.6"), undefined);
  });

  it("reports a refused connection and a timeout as KubeUnreachableError naming the server", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const closed = `https://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const refused = await new KubeClient(kubeconfigFor(closed)).listNodes().catch((e) => e);
    assert.ok(isError(refused, "KubeUnreachableError"));
    assert.strictEqual(
      refused.message,
      `Kubernetes API ${closed} is unreachable: connect ECONNREFUSED ${closed.slice(8)}`,
    );
    slow = true;
    const timeout = (await new KubeClient(kubeconfigFor(url), { timeoutMs: 100 }).listNodes().catch((e) => e)) as Error;
    assert.strictEqual(timeout.message, `Kubernetes API ${url} is unreachable: no answer within 100ms`);
  });
});
