/** JSON over HTTPS with the kubeconfig's CA and client certificate: one request, its timeout, and the error mapping. */
import * as https from "https";
import { URL } from "url";
import { KubeApiError, KubeUnreachableError } from "./errors";
import { KubeCredentials } from "./kubeconfig";

/** One HTTP answer: status and parsed JSON body (undefined when empty or not JSON). */
export interface KubeResponse {
  status: number;
  body: unknown;
}

/** Sends one request; injectable so the client can be tested without TLS. */
export type KubeTransport = (
  method: string,
  path: string,
  body?: { contentType: string; json: unknown },
) => Promise<KubeResponse>;

/** The real transport: Node's https with the credentials, `timeoutMs` per request. */
export function httpsTransport(creds: KubeCredentials, timeoutMs: number): KubeTransport {
  const base = new URL(creds.server);
  const agent = new https.Agent({ ca: creds.ca, cert: creds.cert, key: creds.key, keepAlive: false });
  return (method, path, body) =>
    new Promise<KubeResponse>((resolve, reject) => {
      const payload = body ? Buffer.from(JSON.stringify(body.json)) : undefined;
      const headers: Record<string, string | number> = { Accept: "application/json" };
      if (payload && body)
        Object.assign(headers, { "Content-Type": body.contentType, "Content-Length": payload.length });
      const req = https.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port || 443,
          path,
          method,
          headers,
          agent,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString("utf8")) }),
          );
          res.on("error", (e) => reject(new KubeUnreachableError(creds.server, e.message, { cause: e })));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
      req.on("error", (e) => reject(new KubeUnreachableError(creds.server, e.message, { cause: e })));
      req.end(payload);
    });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Throws KubeApiError for a non-2xx answer, with the Status `message` and `reason` (or the HTTP status text). */
export function checkStatus(method: string, path: string, r: KubeResponse): KubeResponse {
  if (r.status >= 200 && r.status < 300) return r;
  const s = (r.body && typeof r.body === "object" ? r.body : {}) as { message?: string; reason?: string };
  const text = typeof r.body === "string" ? r.body.trim().slice(0, 200) : "";
  throw new KubeApiError(method, path, r.status, s.reason ?? "Unknown", s.message ?? (text || `HTTP ${r.status}`));
}
