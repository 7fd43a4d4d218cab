/**
 * The simulator's Talos API wire format (HTTP+JSON on <node>:50000, spoken only by the stand-in):
 * `GET /handshake` stands in for the TLS handshake; `POST /rpc/<Method>` carries one call. mTLS
 * is modelled by the client certificate in a header plus a signature made with its key, so a node
 * can check both that the certificate chains to `machine.ca` and that the caller holds the key.
 */
import * as crypto from "crypto";

/** A gRPC status (code name as grpc-go prints it). */
export interface GrpcStatus {
  code: string;
  message: string;
}

/** An error carrying a gRPC status. */
export class GrpcError extends Error {
  constructor(
    readonly code: string,
    readonly desc: string,
  ) {
    super(`rpc error: code = ${code} desc = ${desc}`);
  }
  /** The wire status. */
  status(): GrpcStatus {
    return { code: this.code, message: this.desc };
  }
}

/** One call. `nodes` = one-to-many proxying (metadata `nodes`); `node` = one-to-one (metadata `node`). */
export interface ApiRequest {
  nodes?: string[];
  node?: string;
  payload: unknown;
  ts: number;
}

/** One node's answer inside a one-to-many reply. */
export interface NodeReply {
  /** The node as the client named it; absent without node metadata. */
  node?: string;
  error?: GrpcStatus;
  data?: unknown;
}

/** The response: a plain error (endpoint level / one-to-one) or per-node replies. */
export interface ApiResponse {
  error?: GrpcStatus;
  replies?: NodeReply[];
}

/** What the handshake tells the client (the TLS server certificate, in effect). */
export interface Handshake {
  /** "maintenance" (self-signed cert) or "configured". */
  mode: "maintenance" | "configured";
  /** PEM of the CA the server certificate chains to (configured) — compared with talosconfig `ca`. */
  ca?: string;
  /** PEM of the server certificate (for `--cert-fingerprint`). */
  cert: string;
  bootId: string;
}

/** Header names. */
export const HDR_CERT = "x-talos-client-cert";
export const HDR_SIG = "x-talos-signature";

/** The bytes a client signs: method, timestamp and body. */
export function signedBytes(method: string, body: string): Buffer {
  return Buffer.from(`${method}\n${body}`);
}

/** Signs a request with the talosconfig client key (PEM). */
export function signRequest(method: string, body: string, keyPem: string): string {
  const key = crypto.createPrivateKey(keyPem.split("ED25519 PRIVATE KEY").join("PRIVATE KEY"));
  const digest = key.asymmetricKeyType === "ed25519" ? null : "sha256";
  return crypto.sign(digest, signedBytes(method, body), key).toString("base64");
}

/** SPKI SHA-256 fingerprint, base64 (siderolabs/crypto `x509.SPKIFingerprint`). */
export function spkiFingerprint(certPem: string): string {
  const spki = new crypto.X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return crypto.createHash("sha256").update(spki).digest("base64");
}

/** grpc-go's text for a refused/unreachable dial. */
export function dialError(address: string, reason = "connect: connection refused"): GrpcError {
  return new GrpcError(
    "Unavailable",
    `connection error: desc = "transport: Error while dialing: dial tcp ${address}: ${reason}"`,
  );
}

/** The talos apid port. */
export const APID_PORT = 50000;
