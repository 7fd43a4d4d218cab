/**
 * Authentication and authorisation of API calls: the client certificate must chain to the node's
 * `machine.ca` and the signature must verify with its key (mTLS stand-in); roles come from the
 * certificate's organizations. Maintenance mode accepts insecure clients for a few methods only.
 */
import * as crypto from "crypto";
import { GrpcError, HDR_CERT, HDR_SIG, signedBytes } from "../api";
import { str } from "../config-docs";
import { parseSubject, unb64 } from "../pki/cert";
import { atLeast } from "../versions";
import { TalosNode } from "./node";

/** Who is calling. */
export interface Auth {
  insecure: boolean;
  roles: string[];
}

// The server's refusal of a client certificate: a TLS 1.3 alert the client reads after its handshake,
// while grpc-go waits for the server preface (RequireAndVerifyClientCert of apid's mutual TLS).
const TLS = (why: string) =>
  new GrpcError("Unavailable", `connection error: desc = "error reading server preface: ${why}"`);
const ADMIN_ONLY = new Set([
  "ApplyConfiguration",
  "Bootstrap",
  "Reset",
  "Reboot",
  "Upgrade",
  "ImagePull",
  "EtcdForfeitLeadership",
  "EtcdRemoveMemberByID",
  "EtcdRemoveMember",
  "Kubeconfig",
]);
// Upgrade reaches the handler in maintenance, which answers "Talos is not installed". Disks is a
// reader call (v1.13 maintenance is read-only role mode; before, the maintenance server registers
// storaged's StorageService, internal/app/maintenance/server.go); talosctl's reset tracker polls it.
const MAINTENANCE_V13 = new Set(["ApplyConfiguration", "Version", "Get", "Upgrade", "Disks"]);
const MAINTENANCE_OLD = new Set(["ApplyConfiguration", "Get", "Upgrade", "Disks"]);

function verifyCert(node: TalosNode, certPem: string, sig: string, method: string, body: string): string[] {
  let cert: crypto.X509Certificate;
  let ca: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(certPem);
    ca = new crypto.X509Certificate(unb64(str(node.active!, "machine.ca.crt")));
  } catch {
    throw TLS("remote error: tls: bad certificate");
  }
  const now = Date.now();
  const valid = cert.verify(ca.publicKey) && Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
  const digest = cert.publicKey.asymmetricKeyType === "ed25519" ? null : "sha256";
  if (!valid || !sig || !crypto.verify(digest, signedBytes(method, body), cert.publicKey, Buffer.from(sig, "base64")))
    throw TLS("remote error: tls: bad certificate");
  return parseSubject(cert.subject).O ?? [];
}

/** Authenticates a call on `node`; throws the gRPC error a real client would see. */
export function authenticate(
  node: TalosNode,
  headers: Record<string, string | string[] | undefined>,
  method: string,
  body: string,
): Auth {
  const crt = headers[HDR_CERT] as string | undefined;
  if (node.maintenance || !crt) {
    if (!node.maintenance) throw TLS("remote error: tls: certificate required");
    return { insecure: true, roles: [] };
  }
  return {
    insecure: false,
    roles: verifyCert(node, Buffer.from(crt, "base64").toString("utf8"), headers[HDR_SIG] as string, method, body),
  };
}

/** Checks that `auth` may call `method` on `node`. */
export function authorize(node: TalosNode, auth: Auth, method: string): void {
  if (auth.insecure) {
    const v13 = atLeast(node.version, 1, 13);
    if ((v13 ? MAINTENANCE_V13 : MAINTENANCE_OLD).has(method)) return;
    if (!v13) throw new GrpcError("Unimplemented", "API is not implemented in maintenance mode");
    throw new GrpcError("PermissionDenied", "not authorized");
  }
  if (ADMIN_ONLY.has(method) && !auth.roles.includes("os:admin"))
    throw new GrpcError("PermissionDenied", "not authorized");
}
