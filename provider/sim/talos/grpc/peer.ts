/**
 * Who is calling, from the TLS session: no client certificate (maintenance, insecure) or a
 * verified one whose organizations are the Talos roles (`os:admin`, `os:reader`, ...).
 */
import * as crypto from "crypto";
import { GrpcError } from "../api";
import { str } from "../config-docs";
import { parseSubject, unb64 } from "../pki/cert";
import { Auth } from "../node/auth";
import { TalosNode } from "../node/node";
import { extKeyUsageProblem } from "./tls";

/** The caller as the endpoint's TLS session saw it. */
export interface Caller {
  /** The verified client certificate; null for an insecure (maintenance) client. */
  cert: crypto.X509Certificate | null;
}

/** The caller of a gRPC call (grpc-js exposes the peer certificate only when TLS verified it). */
export function callerOf(call: { getAuthContext(): { sslPeerCertificate?: { raw?: Buffer } } | null }): Caller {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
  return { cert: raw ? new crypto.X509Certificate(raw) : null };
}

/**
 * The caller's identity on `node`. The endpoint's TLS already checked its own CA; a proxied call is
 * checked again against the target's CA, as the target's apid checks the proxying apid's certificate.
 */
export function authOn(node: TalosNode, caller: Caller): Auth {
  if (node.maintenance || !caller.cert) return { insecure: true, roles: [] };
  // apid refuses this inside the TLS handshake (verifyExtKeyUsage); here it is the call that fails.
  const usage = extKeyUsageProblem(caller.cert);
  if (usage)
    throw new GrpcError(
      "Unavailable",
      `connection error: desc = "transport: authentication handshake failed: ${usage}"`,
    );
  const ca = new crypto.X509Certificate(unb64(str(node.active!, "machine.ca.crt")));
  if (!caller.cert.checkIssued(ca) || !caller.cert.verify(ca.publicKey)) {
    throw new GrpcError(
      "Unavailable",
      `connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"`,
    );
  }
  return { insecure: false, roles: parseSubject(caller.cert.subject).O ?? [] };
}
