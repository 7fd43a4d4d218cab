/**
 * The control socket the rescue's stand-in tools use to ask the simulator for what the rescue shell
 * may not do itself: re-read a partition table (needs CAP_SYS_ADMIN), reboot or power off, and
 * read or change the UEFI boot variables (efibootmgr), and change the storage stack (mdadm, LVM, swap).
 * HTTP over a unix socket bind-mounted into the namespace at /run/rescue-sim/ctl.sock.
 */
import * as fs from "fs";
import * as http from "http";

/** What the control socket can do. */
export interface ControlHandlers {
  /** Re-reads the disk with this kernel major:minor (every disk when null); resolves to an error text or null. */
  rereadpt(devno: string | null): Promise<string | null>;
  /** The OS asked to reboot or power off. */
  power(action: "reboot" | "poweroff"): void;
  /** The machine's UEFI variables as JSON ("null" on BIOS). */
  efiVariables(): string;
  /** Changes them; an error text or null. */
  changeEfiVariables(op: string, arg: string): string | null;
  /** Changes the storage stack (rescue/storage.ts); the tool's output on success, or the kernel's refusal. */
  storage(op: string, arg: string): Promise<{ ok: boolean; text: string }>;
}

/** A listening control socket. */
export interface ControlServer {
  close(): Promise<void>;
}

/** Listens on `socketPath` (removed first if left over). */
export async function startControlServer(socketPath: string, h: ControlHandlers): Promise<ControlServer> {
  fs.rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    handle(req.url ?? "/", h).then(
      ([status, body]) => res.writeHead(status, { "content-type": "text/plain" }).end(body),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(url: string, h: ControlHandlers): Promise<[number, string]> {
  const u = new URL(url, "http://rescue");
  if (u.pathname === "/rereadpt") {
    const err = await h.rereadpt(u.searchParams.get("devno"));
    return err === null ? [200, ""] : [409, err];
  }
  if (u.pathname === "/efi") {
    const op = u.searchParams.get("op") ?? "get";
    if (op === "get") return [200, h.efiVariables()];
    const err = h.changeEfiVariables(op, u.searchParams.get("arg") ?? "");
    return err === null ? [200, h.efiVariables()] : [409, err];
  }
  if (u.pathname === "/storage") {
    const r = await h.storage(u.searchParams.get("op") ?? "", u.searchParams.get("arg") ?? "");
    return [r.ok ? 200 : 409, r.text];
  }
  const action = u.searchParams.get("action");
  if (u.pathname === "/power" && (action === "reboot" || action === "poweroff")) {
    // Answer first: the caller's session ends with the machine.
    setImmediate(() => h.power(action));
    return [200, ""];
  }
  return [404, `unknown control request ${u.pathname}`];
}
