/**
 * `RobotFirewall`: a dedicated server's Robot firewall set for a Talos node — KubeSpan (UDP 51820)
 * from anywhere, the Talos API (50000-50001/tcp) and Kubernetes API (6443/tcp) only from admin
 * CIDRs, all TCP from the cluster's own nodes, and the return-traffic rules a stateless filter needs.
 * Create returns once Robot reports the firewall `active`. Runtime: provider/runtime/robot-firewall/index.ts;
 * the rule set: provider/talos/firewall-rules-robot.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RobotFirewallRules } from "../hetzner/robot/firewall-wire";
import type { RobotFirewallInputs } from "../runtime/robot-firewall/types";
import { TYPE_MODULE, seedOutputs, shimProvider } from "./framework";
import { ROBOT_FIREWALL_FIELDS } from "../runtime/robot-firewall/types";

type In<K extends keyof RobotFirewallInputs> = pulumi.Input<NonNullable<RobotFirewallInputs[K]>>;

/** Arguments of `RobotFirewall`; every change updates in place unless it says it replaces. */
export interface RobotFirewallArgs {
  /** Robot server number (`RobotServer.serverNumber`); a change replaces. */
  serverNumber: In<"serverNumber">;
  /** CIDRs (or addresses) of the people and CI that run talosctl/kubectl; at least one. */
  adminCidrs: pulumi.Input<pulumi.Input<string>[]>;
  /** Addresses (or CIDRs) of every cluster node, this server included (its own address is left out); adjacent ones are merged. */
  nodeAddresses: pulumi.Input<pulumi.Input<string>[]>;
  /** Filter IPv6 as well (Robot's default filters only IPv4). @default true */
  filterIpv6?: In<"filterIpv6">;
  /** Let Hetzner services (rescue system, DNS resolvers, monitoring) through. @default true */
  whitelistHos?: In<"whitelistHos">;
  /** Seconds allowed for a running change to finish and the new rules to become active. @default 300 */
  deadlineSeconds?: In<"deadlineSeconds">;
  /** Keep the rules in Robot when the resource is deleted (default: clear them). @default false */
  keepOnDelete?: In<"keepOnDelete">;
  /**
   * `RobotServer.installedAt` of the server: an install with `adminCidrs` sets its own (install) rule set, so a
   * reinstall changes this and the managed rules are set again. Updates in place. @default none
   */
  serverInstalledAt?: pulumi.Input<string | null>;
}

/** A dedicated server's Robot firewall, managed as the Talos rule set. */
export class RobotFirewall extends pulumi.dynamic.Resource {
  declare readonly serverNumber: pulumi.Output<number>;
  /** The server's main IPv4 as Robot reports it. */
  declare readonly serverIp: pulumi.Output<string | null>;
  /** `active` after create; a refresh shows what Robot reports. */
  declare readonly status: pulumi.Output<string>;
  /** The input and output rules Robot holds. */
  declare readonly rules: pulumi.Output<RobotFirewallRules>;
  /** Number of input rules used (Robot allows 10). */
  declare readonly inputRuleCount: pulumi.Output<number>;
  /** What a refresh found different from the managed rule set; [] when none. */
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: RobotFirewallArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      shimProvider("robot-firewall"),
      name,
      seedOutputs(args, ROBOT_FIREWALL_FIELDS.outputKeys),
      opts,
      TYPE_MODULE,
      "RobotFirewall",
    );
  }
}
