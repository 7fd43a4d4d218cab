/**
 * A node's gRPC server: the Talos API definitions with the implemented methods bound to the node.
 * The listener (mux.ts) hands it raw connections; TLS is set up by grpc-js with the node's
 * identity at that moment (one injector per identity, since a node changes identity when it
 * leaves maintenance mode or its CA changes).
 */
import * as grpc from "@grpc/grpc-js";
import * as net from "net";
import { TalosNode } from "../node/node";
import { TalosApi } from "./descriptors";
import { Method, STREAMING, UNARY } from "./machine";
import { callerOf } from "./peer";
import { Open, route, routeLive } from "./router";
import { eventLog } from "./events";
import { events, health, read } from "./live";
import { asGrpcError, toServiceError } from "./status";
import { serverTls } from "./tls";
import { lingering } from "./linger";
import { disks } from "./storage";
import { cosiState } from "./cosi";
import { imageServicePull, legacyUpgrade, lifecycleUpgrade } from "./upgrade";

/** How long (real ms) a stopping node waits for its open calls before cutting them. */
const DRAIN_MS = 1000;

type Req = Record<string, unknown>;

function unary(node: TalosNode, name: string, method: Method): grpc.handleUnaryCall<Req, Req> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => route(node, call.metadata, callerOf(call), name, (n, auth) => method(n, call.request, auth)))
      .then(
        (messages) => callback(null, { messages }),
        (e) => callback(toServiceError(asGrpcError(e))),
      );
  };
}

function streaming(node: TalosNode, name: string, method: Method): grpc.handleServerStreamingCall<Req, Req> {
  return (call) => {
    Promise.resolve()
      .then(() => route(node, call.metadata, callerOf(call), name, (n, auth) => method(n, call.request, auth), true))
      .then(
        (messages) => {
          for (const m of messages) call.write(m);
          call.end();
        },
        (e) => call.emit("error", toServiceError(asGrpcError(e))),
      );
  };
}

function live(
  node: TalosNode,
  name: string,
  opener: (req: Req, cancelled: Promise<void>) => Open,
): grpc.handleServerStreamingCall<Req, Req> {
  return (call) => {
    const cancelled = new Promise<void>((resolve) => {
      call.once("cancelled", () => resolve());
      call.once("close", () => resolve());
    });
    Promise.resolve()
      .then(() =>
        routeLive(node, call.metadata, callerOf(call), name, opener(call.request, cancelled), (m) => call.write(m)),
      )
      .then(
        () => call.end(),
        (e) => call.emit("error", toServiceError(asGrpcError(e))),
      );
  };
}

/** The gRPC side of a node's port 50000. */
export class NodeGrpc {
  private readonly server = new grpc.Server();
  private readonly injectors = new Map<string, grpc.ConnectionInjector>();

  constructor(
    private readonly node: TalosNode,
    api: TalosApi,
  ) {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, m] of Object.entries(UNARY)) impl[name] = unary(node, name, m);
    for (const [name, m] of Object.entries(STREAMING)) impl[name] = streaming(node, name, m);
    impl.Upgrade = unary(node, "Upgrade", legacyUpgrade);
    impl.Events = live(node, "Events", events);
    impl.Read = live(node, "Read", read);
    this.server.addService(api.machine, impl);
    this.server.addService(api.cluster, { HealthCheck: live(node, "ClusterHealth", health) });
    this.server.addService(api.storage, { Disks: unary(node, "Disks", disks) });
    this.server.addService(api.state, cosiState(node));
    this.server.addService(api.image, { Pull: streaming(node, "ImagePull", imageServicePull) });
    this.server.addService(api.lifecycle, { Upgrade: streaming(node, "Upgrade", lifecycleUpgrade) });
    eventLog(node); // this boot's events start now
  }

  /** Serves a new connection (its first bytes are a TLS ClientHello); closes it when the node has no TLS identity yet. */
  accept(socket: net.Socket): void {
    let tls;
    try {
      tls = serverTls(this.node);
    } catch (e) {
      this.node.log(`apid: no TLS identity: ${(e as Error).message}`);
    }
    if (!tls) {
      socket.destroy();
      return;
    }
    let injector = this.injectors.get(tls.id);
    if (!injector) {
      injector = this.server.createConnectionInjector(tls.credentials);
      this.injectors.set(tls.id, injector);
    }
    injector.injectConnection(lingering(socket));
  }

  /**
   * Closes every session, letting calls already answered reach the client first (GOAWAY, then the
   * socket once its streams end), as a node that replies and then reboots does: the real client
   * reads an apply-config reply whose reboot follows within milliseconds here. Streams still open
   * at the deadline are cut.
   */
  close(): Promise<void> {
    eventLog(this.node).close();
    return new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, DRAIN_MS);
      this.server.tryShutdown(() => {
        clearTimeout(cut);
        resolve();
      });
    }).then(() => {
      for (const i of this.injectors.values()) i.destroy();
    });
  }
}
