/**
 * The TLS side of a node's apid (internal/app/apid/service.go, siderolabs/crypto tls.New).
 * Maintenance mode presents the node's self-signed certificate and asks for no client certificate;
 * a configured node presents a certificate issued by the cluster's OS CA for its addresses and
 * requires a client certificate chaining to that CA (tls.RequireAndVerifyClientCert).
 */
import * as crypto from "crypto";
import * as grpc from "@grpc/grpc-js";
import { str } from "../config-docs";
import { PemPair, issue, keyFromPem, unb64 } from "../pki/cert";
import { TalosNode } from "../node/node";

const YEAR_MS = 365 * 24 * 3600 * 1000;
const issued = new WeakMap<TalosNode, { caCrt: string; pair: PemPair }>();

/** The OS CA of the node's config with a key to sign with: its own (control plane) or a running control plane's of the same CA. */
function signingCA(node: TalosNode): PemPair | null {
  const crt = str(node.active!, "machine.ca.crt");
  const own = str(node.active!, "machine.ca.key");
  if (own) return { crt: unb64(crt), key: unb64(own) };
  // Workers hold no CA key: real workers get their API certificate from trustd on a control plane.
  const cp = node.host
    .running()
    .find((n) => n.active && str(n.active, "machine.ca.crt") === crt && str(n.active, "machine.ca.key"));
  return cp ? { crt: unb64(crt), key: unb64(str(cp.active!, "machine.ca.key")) } : null;
}

/** The node's API server certificate under its current OS CA (issued once per CA), or null while none can be issued. */
function serverPair(node: TalosNode): PemPair | null {
  const caCrt = str(node.active!, "machine.ca.crt");
  const known = issued.get(node);
  if (known && known.caCrt === caCrt) return known.pair;
  const ca = signingCA(node);
  if (!ca) return null;
  const pair = issue(ca, "ed25519", {
    subject: { O: ["talos"], CN: node.hostname },
    validityMs: YEAR_MS,
    serverAuth: true,
    dnsNames: [node.hostname],
    ips: node.ip ? [node.ip] : [],
  });
  issued.set(node, { caCrt, pair });
  return pair;
}

// Talos labels Ed25519 keys "ED25519 PRIVATE KEY", which OpenSSL does not read; hand it PKCS#8.
const pkcs8 = (pem: string) => keyFromPem(pem).export({ type: "pkcs8", format: "pem" }).toString();

/** The TLS identity a node's apid serves new connections with; `id` changes whenever the identity does. */
export interface ServerTls {
  id: string;
  credentials: grpc.ServerCredentials;
}

/** The node's TLS identity at this moment, or null when its API cannot serve TLS yet (a worker with no CA signer up). */
export function serverTls(node: TalosNode): ServerTls | null {
  if (node.maintenance) {
    const pair = [
      { cert_chain: Buffer.from(node.serverIdentity.crt), private_key: Buffer.from(pkcs8(node.serverIdentity.key)) },
    ];
    return { id: "maintenance", credentials: grpc.ServerCredentials.createSsl(null, pair, false) };
  }
  const pair = serverPair(node);
  if (!pair) return null;
  const ca = unb64(str(node.active!, "machine.ca.crt"));
  const keyCert = [{ cert_chain: Buffer.from(pair.crt), private_key: Buffer.from(pkcs8(pair.key)) }];
  return { id: pair.crt, credentials: grpc.ServerCredentials.createSsl(Buffer.from(ca), keyCert, true) };
}

/**
 * apid's verifyExtKeyUsage: a client certificate must carry exactly the clientAuth extended key
 * usage. Returns the reason a verified peer is refused, or null.
 */
export function extKeyUsageProblem(peer: crypto.X509Certificate): string | null {
  const usage = peer.keyUsage ?? [];
  if (usage.length === 1 && usage[0] === "1.3.6.1.5.5.7.3.2") return null;
  return `certificate "${peer.subject.replace(/\n/g, ",")}" is missing the client auth extended key usage`;
}
