/**
 * The node's port 50000: one listener for both wire formats while the simulator moves to the real
 * API. A connection that opens with a TLS record (0x16) is the real Talos API (gRPC over TLS); any
 * other is the stand-in's HTTP+JSON protocol (../api.ts).
 */
import * as http from "http";
import * as net from "net";
import { APID_PORT } from "../api";
import { TalosNode } from "../node/node";
import { loadTalosApi } from "./descriptors";
import { NodeGrpc } from "./service";
import { admitsApiClient } from "../node/firewall";

const TLS_HANDSHAKE_RECORD = 0x16;

/** What the runtime closes when the node stops. */
export interface ApiListener {
  close(): Promise<void>;
}

function dispatch(socket: net.Socket, httpServer: http.Server, grpcSide: NodeGrpc | null): void {
  const first = socket.read(1) as Buffer | null;
  if (first === null) {
    socket.once("readable", () => dispatch(socket, httpServer, grpcSide));
    return;
  }
  socket.unshift(first);
  if (first[0] === TLS_HANDSHAKE_RECORD && grpcSide) grpcSide.accept(socket);
  else httpServer.emit("connection", socket);
}

/** Listens on `<node ip>:50000`, serving the gRPC API when its descriptor set is built and the stand-in protocol always. */
export function listenApi(node: TalosNode, httpServer: http.Server): Promise<ApiListener> {
  const api = loadTalosApi();
  const grpcSide = api ? new NodeGrpc(node, api) : null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    // hangAfterUpgrade: the machine runs but apid never answers (talosctl sees "connection reset by peer").
    if (node.hung) {
      socket.destroy();
      return;
    }
    // Both wire formats share the port, so the firewall decides here, before either protocol starts.
    if (!admitsApiClient(node, socket)) return void socket.destroy();
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    dispatch(socket, httpServer, grpcSide);
  });
  // New connections are refused at once; answered gRPC calls drain before the sockets are cut.
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await grpcSide?.close();
    httpServer.closeAllConnections();
    for (const s of sockets) s.destroy();
    await closed;
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(APID_PORT, node.ip as string, () => {
      server.off("error", reject);
      resolve({ close });
    });
  });
}
