/** How a server is rendered: status from its running actions and its machine's power, firewalls, image. */
import { CloudState, ServerRecord } from "./state";
import { renderServerType } from "./catalog";
import { renderImage } from "./images";
import { firewallsOf } from "./firewall-apply";

/** Server status: initializing while created, starting/stopping while power actions run, else the machine's power. */
export function serverStatus(state: CloudState, server: ServerRecord): string {
  if (server.deleting) return "deleting";
  const commands = [...server.running].map((a) => a.command);
  if (commands.includes("create_server")) return "initializing";
  if (commands.includes("start_server")) return "starting";
  if (commands.includes("stop_server") || commands.includes("shutdown_server")) return "stopping";
  return state.world.machines.get(server.machineId)?.power() === "on" ? "running" : "off";
}

/** The server object of the API (all fields the spec requires; no `datacenter`, which the API removed). */
export function renderServer(state: CloudState, s: ServerRecord): unknown {
  const machine = state.world.machines.get(s.machineId);
  return {
    id: s.id,
    name: s.name,
    status: serverStatus(state, s),
    created: s.created,
    public_net: {
      ipv4: s.ipv4 && {
        id: s.ipv4.id,
        ip: s.ipv4.ip,
        blocked: false,
        dns_ptr: `static.${s.ipv4.ip.split(".").reverse().join(".")}.clients.your-server.de`,
      },
      ipv6: s.ipv6 && { id: s.ipv6.id, ip: s.ipv6.net, blocked: false, dns_ptr: [] },
      floating_ips: [],
      firewalls: firewallsOf(state, s).map((fw) => ({ id: fw.id, status: "applied" })),
    },
    private_net: [],
    server_type: renderServerType(s.type, state.locations, (t, l) => state.unavailable(t, l)),
    location: s.location,
    image: s.image && renderImage(s.image),
    iso: null,
    rescue_enabled: machine?.rescueArmed() ?? false,
    locked: s.running.size > 0,
    backup_window: null,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: 21990232555520,
    protection: { delete: false, rebuild: false },
    labels: s.labels,
    volumes: [],
    load_balancers: [],
    primary_disk_size: s.type.disk,
    placement_group: null,
  };
}
