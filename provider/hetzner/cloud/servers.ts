/** Servers client: create, get, list, update, delete, power and rescue actions, create_image. */
import { pollUntil } from "../../internal/poll";
import { InputError, TalosHetznerError } from "../../internal/errors";
import { Transport } from "./transport";
import { PollSettings, pollOptions } from "./poll-options";
import { listAll } from "./pagination";
import { getOrUndefined } from "./get-or-undefined";
import { Action, Image, Labels, Server } from "./types";

/** Arguments of `create`. */
export interface CreateServerOptions {
  /** Unique RFC 1123 hostname. */
  name: string;
  /** Server type name ("cx23") or id. */
  serverType: string | number;
  /** Image name ("ubuntu-24.04") or id (a snapshot). */
  image: string | number;
  /** Location name ("fsn1"). @default the API picks one */
  location?: string;
  /** @default true */
  startAfterCreate?: boolean;
  /** SSH key ids or names; with keys, the API returns no root password. */
  sshKeys?: (number | string)[];
  /** Cloud-init user data; at most 32 KiB (checked before sending). */
  userData?: string;
  labels?: Labels;
  /** Firewall ids applied at creation. */
  firewalls?: number[];
  /** @default both enabled */
  publicNet?: { enableIpv4?: boolean; enableIpv6?: boolean };
}

/** Answer of `create`: the server, its create_server action, follow-up actions, and a root password when no key was given. */
export interface CreateServerResult {
  server: Server;
  action: Action;
  nextActions: Action[];
  rootPassword: string | null;
}

/** user_data limit of the API (spec: "limited to 32KiB"); talos#8805 is the reason configs must stay lean. */
export const USER_DATA_MAX_BYTES = 32 * 1024;

/** Client for /servers. */
export class ServersClient {
  constructor(
    private readonly t: Transport,
    private readonly o: PollSettings,
  ) {}

  /** Creates a server (POST /servers); never sends `datacenter`, which the API removed. */
  async create(o: CreateServerOptions): Promise<CreateServerResult> {
    if (o.userData !== undefined && Buffer.byteLength(o.userData, "utf8") > USER_DATA_MAX_BYTES) {
      throw new InputError(
        "userData",
        `is ${Buffer.byteLength(o.userData, "utf8")} bytes; the Cloud API accepts at most ${USER_DATA_MAX_BYTES} (32 KiB)`,
      );
    }
    const body = {
      name: o.name,
      server_type: o.serverType,
      image: o.image,
      location: o.location,
      start_after_create: o.startAfterCreate,
      ssh_keys: o.sshKeys,
      user_data: o.userData,
      labels: o.labels,
      firewalls: o.firewalls?.map((firewall) => ({ firewall })),
      public_net: o.publicNet && {
        enable_ipv4: o.publicNet.enableIpv4 ?? true,
        enable_ipv6: o.publicNet.enableIpv6 ?? true,
      },
    };
    const r = await this.t.request<{
      server: Server;
      action: Action;
      next_actions: Action[];
      root_password: string | null;
    }>("POST", "/servers", { body });
    return { server: r.server, action: r.action, nextActions: r.next_actions, rootPassword: r.root_password };
  }

  /** The server, or undefined when it does not exist. */
  get(id: number): Promise<Server | undefined> {
    return getOrUndefined(this.t, `/servers/${id}`, "server");
  }

  /** Every server matching the filters (all pages). */
  list(f: { labelSelector?: string; name?: string; status?: Server["status"][] } = {}): Promise<Server[]> {
    return listAll(this.t, "/servers", "servers", { label_selector: f.labelSelector, name: f.name, status: f.status });
  }

  /** Renames a server or replaces its labels. */
  async update(id: number, u: { name?: string; labels?: Labels }): Promise<Server> {
    return (await this.t.request<{ server: Server }>("PUT", `/servers/${id}`, { body: u })).server;
  }

  /** Deletes a server; returns the delete_server action. */
  async delete(id: number): Promise<Action> {
    return (await this.t.request<{ action: Action }>("DELETE", `/servers/${id}`)).action;
  }

  /** Arms the rescue system for the next boot (does not reboot); returns its root password and the action. */
  async enableRescue(id: number, o: { sshKeys?: number[] } = {}): Promise<{ rootPassword: string; action: Action }> {
    const r = await this.t.request<{ root_password: string; action: Action }>(
      "POST",
      `/servers/${id}/actions/enable_rescue`,
      { body: { type: "linux64", ssh_keys: o.sshKeys ?? [] } },
    );
    return { rootPassword: r.root_password, action: r.action };
  }

  /** Disarms the rescue system. */
  disableRescue(id: number): Promise<Action> {
    return this.action(id, "disable_rescue");
  }
  /** Powers on (start_server). */
  powerOn(id: number): Promise<Action> {
    return this.action(id, "poweron");
  }
  /** Cuts power (stop_server). */
  powerOff(id: number): Promise<Action> {
    return this.action(id, "poweroff");
  }
  /** Sends an ACPI shutdown; the action succeeds once the signal is sent, not when the server is off. */
  shutdown(id: number): Promise<Action> {
    return this.action(id, "shutdown");
  }
  /** Hard reset (reset_server). */
  reset(id: number): Promise<Action> {
    return this.action(id, "reset");
  }
  /** ACPI reboot (reboot_server). */
  reboot(id: number): Promise<Action> {
    return this.action(id, "reboot");
  }

  /** Snapshots the server's disk; the image is returned in status "creating". */
  async createImage(
    id: number,
    o: { description?: string; labels?: Labels } = {},
  ): Promise<{ image: Image; action: Action }> {
    return this.t.request("POST", `/servers/${id}/actions/create_image`, {
      body: { type: "snapshot", description: o.description, labels: o.labels },
    });
  }

  /** Polls GET /servers/{id} until the status is `status`; DeadlineError after `timeoutMs`. */
  waitForStatus(id: number, status: Server["status"], o: { timeoutMs: number }): Promise<Server> {
    return pollUntil(
      async () => {
        const server = await this.get(id);
        if (!server) throw new TalosHetznerError(`Cloud server ${id} disappeared while waiting for status ${status}`);
        return server.status === status ? server : undefined;
      },
      pollOptions(this.t, this.o, `server ${id} to be ${status}`, o.timeoutMs),
    );
  }

  private async action(id: number, name: string): Promise<Action> {
    return (await this.t.request<{ action: Action }>("POST", `/servers/${id}/actions/${name}`)).action;
  }
}
