/**
 * The node's Talos API (port 50000) sits behind its machine's Robot or Cloud firewall like every
 * other port (issue 16, item 1): a connection from a source the firewall does not admit is cut at
 * TCP before a byte of either protocol is read, as the rescue sshd does (../../machines/rescue/ssh-server.ts).
 */
import * as net from "net";
import { APID_PORT } from "../api";
import { TalosNode } from "./node";

/** The client's IPv4 as the firewall sees it (Node reports IPv4-mapped IPv6 on dual-stack sockets). */
export function clientAddress(socket: net.Socket): string {
  return (socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}

/**
 * Whether the machine's firewall lets a new API connection from this socket's source through. A
 * discarded SYN on a stateless filter leaves the client without a connection; the nearest a loopback
 * listener can come is closing the socket unanswered, so the client never sees a TLS or HTTP byte.
 */
export function admitsApiClient(node: TalosNode, socket: net.Socket): boolean {
  return node.machine.inboundAllowed("tcp", APID_PORT, clientAddress(socket));
}
