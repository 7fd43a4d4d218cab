/**
 * The HTTPS listener of one control plane's simulated kube-apiserver on `<ip>:6443`: server certificate from the
 * cluster CA, client certificates verified against it. Like kube-apiserver the TLS layer only requests the client
 * certificate and the authenticator checks it, so a missing or foreign certificate gets a 401 Status, not a
 * handshake failure.
 */
import * as https from "https";
import * as tls from "tls";
import { PemPair, issue } from "../../talos/pki/cert";
import { SimKube } from "./model";
import { Reply, route } from "./routes";
import { status } from "./view";

/** The port kube-apiserver listens on. */
export const KUBE_API_PORT = 6443;

/** What one listener serves. */
export interface KubeServerOptions {
  ip: string;
  /** The cluster CA (`cluster.ca`), PEM. */
  ca: PemPair;
  /** Extra DNS SANs (the control-plane endpoint's host name, `kubernetes`…). */
  dnsNames: string[];
  kube: SimKube;
  /** The serving node's kube-apiserver version (`v1.36.3`). */
  gitVersion: () => string;
}

function version(v: string): object {
  const [major = "1", minor = "0"] = v.replace(/^v/, "").split(".");
  return {
    major,
    minor,
    gitVersion: v,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.24.6",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

function answer(o: KubeServerOptions, req: { method: string; url: string; contentType: string }, raw: string): Reply {
  if (req.method === "GET" && req.url === "/version") return { status: 200, body: version(o.gitVersion()) };
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch (e) {
    return { status: 400, body: status(400, "BadRequest", `error decoding request body: ${(e as Error).message}`) };
  }
  return route(o.kube, req.method, req.url, body, req.contentType);
}

/** Starts the listener; resolves once it accepts connections. */
export function startKubeServer(o: KubeServerOptions): Promise<https.Server> {
  const pair = issue(o.ca, "ecdsa", {
    subject: { O: ["kube-master"], CN: "kube-apiserver" },
    validityMs: 365 * 24 * 3600 * 1000,
    serverAuth: true,
    clientAuth: false,
    ips: [o.ip],
    dnsNames: o.dnsNames,
  });
  const server = https.createServer(
    { cert: pair.crt, key: pair.key, ca: o.ca.crt, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const authorized = (req.socket as tls.TLSSocket).authorized;
        const contentType = String(req.headers["content-type"] ?? "")
          .split(";")[0]
          .trim();
        const r = authorized
          ? answer(
              o,
              { method: req.method ?? "GET", url: req.url ?? "/", contentType },
              Buffer.concat(chunks).toString("utf8"),
            )
          : { status: 401, body: status(401, "Unauthorized", "Unauthorized") };
        res.writeHead(r.status, { "Content-Type": "application/json" }).end(JSON.stringify(r.body));
      });
    },
  );
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(KUBE_API_PORT, o.ip, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
