/** The stand-in's Talos API client: endpoint dialing, simulated TLS checks, request signing. */
import * as crypto from "crypto";
import * as http from "http";
import {
  ApiRequest,
  ApiResponse,
  GrpcError,
  HDR_CERT,
  HDR_SIG,
  Handshake,
  dialError,
  signRequest,
  spkiFingerprint,
} from "../api";

/** Client credentials from a talosconfig context (PEM text). */
export interface Credentials {
  ca: string;
  crt: string;
  key: string;
}

/** How to connect. */
export interface ClientOptions {
  /** host:port list, tried in order. */
  endpoints: string[];
  /** Maintenance client: no credentials, server certificate not verified (unless pinned). */
  insecure: boolean;
  creds?: Credentials;
  /** Pinned SPKI fingerprints (`--cert-fingerprint`). */
  fingerprints?: string[];
}

const DIAL_REASONS: Record<string, string> = {
  ECONNREFUSED: "connect: connection refused",
  EHOSTUNREACH: "connect: no route to host",
  ENETUNREACH: "connect: network is unreachable",
  ETIMEDOUT: "i/o timeout",
  ECONNRESET: "read: connection reset by peer",
};

function httpCall(
  endpoint: string,
  method: "GET" | "POST",
  urlPath: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(endpoint);
  const host = m?.[1] ?? endpoint;
  const port = Number(m?.[2] ?? 50000);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port,
        method,
        path: urlPath,
        agent: false,
        headers: { "content-type": "application/json", ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOTFOUND")
        return reject(
          new GrpcError(
            "Unavailable",
            `connection error: desc = "transport: Error while dialing: dial tcp: lookup ${host}: no such host"`,
          ),
        );
      reject(dialError(endpoint, DIAL_REASONS[e.code ?? ""] ?? e.message));
    });
    req.end(body);
  });
}

function der(pem: string): Buffer {
  return new crypto.X509Certificate(pem).raw;
}

const HANDSHAKE_FAILED = (why: string) =>
  new GrpcError("Unavailable", `connection error: desc = "transport: authentication handshake failed: ${why}"`);

/** A connection to the first endpoint that answers the handshake and passes TLS verification. */
export class ApiClient {
  private endpoint: string | null = null;
  constructor(private readonly o: ClientOptions) {}

  private verify(hs: Handshake): void {
    if (this.o.insecure) {
      if (this.o.fingerprints?.length && !this.o.fingerprints.includes(spkiFingerprint(hs.cert)))
        throw HANDSHAKE_FAILED("tls: failed to verify certificate: certificate fingerprint mismatch");
      return;
    }
    if (hs.mode !== "configured" || !hs.ca || !this.o.creds || !der(hs.ca).equals(der(this.o.creds.ca))) {
      throw HANDSHAKE_FAILED("tls: failed to verify certificate: x509: certificate signed by unknown authority");
    }
  }

  /** Dials (handshake) the endpoints in order; returns the handshake of the one used. */
  async connect(timeoutMs = 10000): Promise<Handshake> {
    let last: unknown;
    for (const ep of this.o.endpoints) {
      try {
        const hs = JSON.parse(await httpCall(ep, "GET", "/handshake", "", {}, timeoutMs)) as Handshake;
        this.verify(hs);
        this.endpoint = ep;
        return hs;
      } catch (e) {
        last = e;
      }
    }
    throw last ?? dialError("", "no endpoints");
  }

  /** Endpoint host (the peer IP used as NODE when there is no node metadata). */
  peer(): string {
    return (this.endpoint ?? this.o.endpoints[0]).replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  }

  /** One call; `target` chooses one-to-many (`nodes`) or one-to-one (`node`) proxying. */
  async call(
    method: string,
    payload: unknown,
    target: { nodes?: string[]; node?: string } = {},
    timeoutMs = 60000,
  ): Promise<ApiResponse> {
    if (!this.endpoint) await this.connect();
    const req: ApiRequest = { ...target, payload, ts: Date.now() };
    const body = JSON.stringify(req);
    const headers: Record<string, string> = {};
    if (!this.o.insecure && this.o.creds) {
      headers[HDR_CERT] = Buffer.from(this.o.creds.crt).toString("base64");
      headers[HDR_SIG] = signRequest(method, body, this.o.creds.key);
    }
    return JSON.parse(
      await httpCall(this.endpoint as string, "POST", `/rpc/${method}`, body, headers, timeoutMs),
    ) as ApiResponse;
  }
}
