/** The simulated API server's endpoints: method + path → status and JSON body. */
import { SimKube } from "./model";
import { list, nodeObject, pdbObject, podObject, status } from "./view";

/** One answer. */
export interface Reply {
  status: number;
  body: object;
}

type Handler = (k: SimKube, m: RegExpExecArray, q: URLSearchParams, body: unknown, contentType: string) => Reply;

const ok = (body: object, code = 200): Reply => ({ status: code, body });
const fail = (code: number, reason: string, message: string, details?: object): Reply => ({
  status: code,
  body: status(code, reason, message, details),
});
const notFound = (kind: string, name: string) => fail(404, "NotFound", `${kind} "${name}" not found`, { name, kind });

function getNode(k: SimKube, name: string): Reply {
  const p = k.view();
  const n = p.d.nodes[name];
  return n ? ok(nodeObject(p, n)) : notFound("nodes", name);
}

function patchNode(k: SimKube, name: string, body: unknown, contentType: string): Reply {
  if (!["application/strategic-merge-patch+json", "application/merge-patch+json"].includes(contentType)) {
    return fail(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  }
  const spec = (body as { spec?: { unschedulable?: boolean | null } } | undefined)?.spec;
  // setUnschedulable changes nothing for a missing node, and getNode then answers the 404.
  if (spec && "unschedulable" in spec) k.setUnschedulable(name, spec.unschedulable === true);
  return getNode(k, name);
}

function podsBySelector(k: SimKube, q: URLSearchParams, namespace?: string): Reply {
  const p = k.view();
  let pods = p.d.pods.filter((x) => namespace === undefined || x.namespace === namespace);
  const sel = q.get("fieldSelector");
  if (sel) {
    const m = /^spec\.nodeName==?(.*)$/.exec(sel);
    if (!m) return fail(400, "BadRequest", `field label not supported: ${sel.split(/!?=/)[0]}`);
    pods = pods.filter((x) => x.nodeName === m[1]);
  }
  return ok(
    list(
      "PodList",
      "v1",
      pods.map((x) => podObject(p, x)),
    ),
  );
}

function evict(k: SimKube, ns: string, name: string, body: unknown): Reply {
  const e = (body ?? {}) as { kind?: string; metadata?: { name?: string } };
  if (e.kind !== "Eviction")
    return fail(
      400,
      "BadRequest",
      `Eviction in version "v1" cannot be handled as a Eviction: kind ${JSON.stringify(e.kind ?? "")} is not Eviction`,
    );
  if (e.metadata?.name !== name) return fail(400, "BadRequest", "name in URL does not match name in Eviction object");
  const r = k.evict(ns, name);
  if (r.status === 404) return notFound("pods", name);
  if (r.status === 201)
    return ok({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }, 201);
  return fail(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [
      {
        reason: "DisruptionBudget",
        message: `The disruption budget ${r.pdb.name} needs ${r.desired} healthy pods and has ${r.healthy} currently`,
      },
    ],
  });
}

function getPod(k: SimKube, ns: string, name: string): Reply {
  const p = k.view();
  const pod = p.d.pods.find((x) => x.namespace === ns && x.name === name);
  return pod ? ok(podObject(p, pod)) : notFound("pods", name);
}

const NAME = "([a-z0-9.-]+)";
const ROUTES: [string, RegExp, Handler][] = [
  [
    "GET",
    /^\/api\/v1\/nodes$/,
    (k) => {
      const p = k.view();
      return ok(
        list(
          "NodeList",
          "v1",
          Object.values(p.d.nodes)
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((n) => nodeObject(p, n)),
        ),
      );
    },
  ],
  ["GET", new RegExp(`^/api/v1/nodes/${NAME}$`), (k, m) => getNode(k, m[1])],
  ["PATCH", new RegExp(`^/api/v1/nodes/${NAME}$`), (k, m, _q, b, ct) => patchNode(k, m[1], b, ct)],
  [
    "DELETE",
    new RegExp(`^/api/v1/nodes/${NAME}$`),
    (k, m) =>
      k.deleteNode(m[1])
        ? ok({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Success",
            details: { name: m[1], kind: "nodes" },
          })
        : notFound("nodes", m[1]),
  ],
  ["GET", /^\/api\/v1\/pods$/, (k, _m, q) => podsBySelector(k, q)],
  ["GET", new RegExp(`^/api/v1/namespaces/${NAME}/pods$`), (k, m, q) => podsBySelector(k, q, m[1])],
  ["GET", new RegExp(`^/api/v1/namespaces/${NAME}/pods/${NAME}$`), (k, m) => getPod(k, m[1], m[2])],
  ["POST", new RegExp(`^/api/v1/namespaces/${NAME}/pods/${NAME}/eviction$`), (k, m, _q, b) => evict(k, m[1], m[2], b)],
  [
    "GET",
    /^\/apis\/policy\/v1\/poddisruptionbudgets$/,
    (k) => {
      const p = k.view();
      return ok(
        list(
          "PodDisruptionBudgetList",
          "policy/v1",
          p.d.pdbs.map((b) => pdbObject(p, b)),
        ),
      );
    },
  ],
];

/** Routes one authenticated request; `/version` is answered by the server (it depends on the serving node). */
export function route(k: SimKube, method: string, url: string, body: unknown, contentType: string): Reply {
  const u = new URL(url, "https://x");
  const matching = ROUTES.filter(([, re]) => re.test(u.pathname));
  if (!matching.length) return fail(404, "NotFound", "the server could not find the requested resource", {});
  const r = matching.find(([m]) => m === method);
  if (!r) return fail(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {});
  return r[2](k, r[1].exec(u.pathname) as RegExpExecArray, u.searchParams, body, contentType);
}
