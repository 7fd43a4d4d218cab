/**
 * Client of the Hetzner Robot webservice (dedicated servers), one object per API area.
 * `get` of something missing returns undefined (servers.get, keys.get, ips.get,
 * firewall.getTemplate); lists Robot answers with 404 for "empty" return [] (servers.list,
 * keys.list, reset.list, ips.list, subnets.list, firewall.listTemplates); everything else throws
 * RobotApiError, RobotNetworkError or RobotStateError.
 */
import { RobotFirewallApi } from "./firewall";
import { RobotIps } from "./ips";
import { RobotKeys } from "./keys";
import { RobotRescueApi } from "./rescue";
import { RobotResetApi } from "./reset";
import { RobotServers } from "./servers";
import { RobotSubnets } from "./subnets";
import { RobotClientOptions, RobotTransport } from "./transport";

export * from "./errors";
export * from "./firewall";
export * from "./form";
export * from "./ips";
export * from "./keys";
export * from "./rescue";
export * from "./reset";
export * from "./retry-rule";
export * from "./servers";
export * from "./ssh-key";
export * from "./subnets";
export { RobotClientOptions, RobotTransport, robotBaseUrl } from "./transport";

/** The Robot webservice client: `new RobotClient({ url, user, password })`. */
export class RobotClient {
  readonly servers: RobotServers;
  readonly rescue: RobotRescueApi;
  readonly reset: RobotResetApi;
  readonly keys: RobotKeys;
  readonly ips: RobotIps;
  readonly subnets: RobotSubnets;
  readonly firewall: RobotFirewallApi;

  constructor(options: RobotClientOptions) {
    const t = new RobotTransport(options);
    this.servers = new RobotServers(t);
    this.rescue = new RobotRescueApi(t);
    this.reset = new RobotResetApi(t);
    this.keys = new RobotKeys(t);
    this.ips = new RobotIps(t);
    this.subnets = new RobotSubnets(t);
    this.firewall = new RobotFirewallApi(t);
  }
}
