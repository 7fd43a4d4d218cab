/** `GET /server`, `GET /server/{n}`, `POST /server/{n}` (rename). */
import { RobotHandler } from "../call";
import { invalidInput, serverNotFound } from "../errors";
import { stringOf } from "../form";
import { networkAddress } from "../ip";
import { RobotSimState, SimServer } from "../state";
import { berlinDate, wrapEach } from "./views";

/** The list shape of a server (fixtures/robot/server-list-auction.hrobot-rs.json). */
export function serverSummary(s: SimServer, state: RobotSimState): Record<string, unknown> {
  const spec = s.machine.spec;
  const [, prefix] = spec.ipv6Net.split("/");
  return {
    server_ip: spec.ipv4,
    server_ipv6_net: networkAddress(spec.ipv6Net),
    server_number: s.scenario.number,
    server_name: s.name,
    product: s.scenario.product,
    dc: s.scenario.dc,
    traffic: "unlimited",
    status: "ready",
    cancelled: false,
    paid_until: berlinDate(endOfMonth(state.now())),
    ip: spec.ipv4 ? [spec.ipv4] : [],
    subnet: [{ ip: networkAddress(spec.ipv6Net), mask: prefix ?? "64" }],
    linked_storagebox: null,
  };
}

/** The single-server shape: list fields plus the feature flags (fixtures/robot/server-get.doc.json). */
export function serverDetail(s: SimServer, state: RobotSimState): Record<string, unknown> {
  const { linked_storagebox, ...summary } = serverSummary(s, state);
  return {
    ...summary,
    reset: state.resetTypes(s).length > 0,
    rescue: s.scenario.rescue !== false,
    vnc: true,
    windows: false,
    plesk: false,
    cpanel: false,
    wol: true,
    hot_swap: false,
    linked_storagebox,
  };
}

/** GET /server: 404 SERVER_NOT_FOUND when the account has none. */
export const listServers: RobotHandler = ({ state }) => {
  const servers = [...state.servers.values()];
  if (!servers.length) throw serverNotFound();
  return {
    body: wrapEach(
      "server",
      servers.map((s) => serverSummary(s, state)),
    ),
  };
};

/** GET /server/{n}. */
export const getServer: RobotHandler = ({ state, params }) => ({
  body: { server: serverDetail(state.server(params.n), state) },
});

/** POST /server/{n} with `server_name`. */
export const renameServer: RobotHandler = ({ state, params, form }) => {
  const server = state.server(params.n);
  const name = stringOf(form.server_name);
  if (name === undefined) throw invalidInput(["server_name"], []);
  if (name.length > 100) throw invalidInput([], ["server_name"]);
  server.name = name;
  return { body: { server: serverDetail(server, state) } };
};

function endOfMonth(epochMs: number): number {
  const d = new Date(epochMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0, 12);
}
