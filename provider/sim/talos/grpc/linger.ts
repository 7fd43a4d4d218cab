/**
 * A connection that closes the way a Go server's does, for the TLS refusal of a client without a
 * certificate. grpc-go writes its HTTP/2 preface right after its side of the handshake, then reads
 * the server's "certificate required" alert. Node closes a refused TLS socket at once; with the
 * unread preface in its buffer the kernel answers RST, and a client slowed by load then fails its
 * next write (`write: broken pipe`) instead of reading the alert. So the TLS layer works on a stream
 * in front of the socket, and when it gives up the socket sends what is queued, half-closes and
 * discards what the client still sends until the client closes, or LINGER_MS.
 */
import * as net from "net";
import { Duplex } from "stream";

const LINGER_MS = 2000;

/** The stream the TLS layer reads and writes instead of `socket`. */
export function lingering(socket: net.Socket): Duplex {
  let closed = false;
  const front = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _enc, cb) => void socket.write(chunk, (e) => cb(e ?? null)),
    final: (cb) => {
      socket.end();
      cb();
    },
    destroy: (err, cb) => {
      if (!closed) {
        closed = true;
        socket.removeAllListeners("data");
        socket.on("data", () => undefined);
        socket.end();
        socket.resume();
        setTimeout(() => socket.destroy(), LINGER_MS).unref();
      }
      cb(err);
    },
  });
  socket.on("data", (d: Buffer) => {
    if (!front.push(d)) socket.pause();
  });
  socket.on("end", () => front.push(null));
  socket.on("close", () => {
    closed = true;
    front.destroy();
  });
  socket.on("error", (e) => front.destroy(e));
  return front;
}
