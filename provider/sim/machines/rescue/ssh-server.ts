/**
 * The rescue system's sshd: an ssh2 server on the machine's (loopback) IPv4 address. It owns the TCP
 * sockets itself so that a reboot or an injected fault can cut every connection the way a dying
 * machine does — without an SSH disconnect message.
 */
import * as net from "net";
import { AuthContext, Server, Session } from "ssh2";

/** Options of `startSshServer`. */
export interface SshServerOptions {
  address: string;
  port: number;
  /** Host private key (OpenSSH format). */
  hostKey: string;
  authenticate(ctx: AuthContext): void;
  onSession(session: Session, client: string): void;
  /** Whether the machine's firewall (Robot or Cloud) lets a new connection from this address through. @default every address */
  admits?(sourceIp: string): boolean;
}

/** A listening rescue sshd. */
export interface SshServer {
  /** Stops accepting connections. */
  stopListening(): void;
  /** Cuts every open connection (TCP reset, no SSH goodbye). */
  dropConnections(): void;
  /** Stops listening, cuts connections and waits until the port is free. */
  close(): Promise<void>;
}

/** Starts listening; rejects when the address cannot be bound. */
export async function startSshServer(o: SshServerOptions): Promise<SshServer> {
  const sockets = new Set<net.Socket>();
  const ssh = new Server({ hostKeys: [o.hostKey], ident: "OpenSSH_9.2p1 Debian-2+deb12u3" }, (client, info) => {
    const peer = `${info.ip} ${info.port}`;
    client.on("authentication", o.authenticate);
    client.on("ready", () => client.on("session", (accept) => o.onSession(accept(), peer)));
    // A client giving up (rejected host key, dropped socket) is the client's business, as with sshd.
    client.on("error", () => undefined);
  });
  const tcp = net.createServer((sock) => {
    // A firewall discards the SYN; the client sees its connection fail, the rescue system nothing.
    if (o.admits && !o.admits(sock.remoteAddress ?? "")) return void sock.destroy();
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
    ssh.injectSocket(sock);
  });
  await new Promise<void>((resolve, reject) => tcp.once("error", reject).listen(o.port, o.address, () => resolve()));
  const closed = new Promise<void>((resolve) => tcp.once("close", () => resolve()));
  const drop = () => sockets.forEach((s) => s.destroy());
  return {
    stopListening: () => tcp.listening && tcp.close(),
    dropConnections: drop,
    close: async () => {
      if (tcp.listening) tcp.close();
      drop();
      await closed;
    },
  };
}
