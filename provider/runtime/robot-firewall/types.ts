/** Plain input/output types of `RobotFirewall` and the pure checks of its inputs. */
import { errorMessage, InputError } from "../../internal/errors";
import type { RobotFirewallRules } from "../../hetzner/robot/firewall-wire";
import { ROBOT_MAX_RULES, robotRuleCount, robotSources } from "./talos-rules";
import { CheckFailure, Props, isUnknown } from "../dispatch/types";
import { KeysOf, OutputOnlyKeys, resourceSchema } from "../dispatch/schema";

/** Inputs of one dedicated server's firewall. */
export interface RobotFirewallInputs {
  /** Robot server number; a change replaces. */
  serverNumber: number;
  /** CIDRs allowed to reach the Talos API (50000-50001/tcp) and the Kubernetes API (6443/tcp). */
  adminCidrs: string[];
  /** Every cluster node's address (this server's own is left out); allowed all TCP. */
  nodeAddresses: string[];
  /** Filter IPv6 too (Robot filters only IPv4 unless asked). @default true */
  filterIpv6?: boolean;
  /** Let Hetzner services (rescue system, DNS resolvers, monitoring) through. @default true */
  whitelistHos?: boolean;
  /** Seconds allowed for a running change and for the new rules to become active. @default 300 */
  deadlineSeconds?: number;
  /** Leave the rules in place on delete (default: clear them, which disables the firewall). @default false */
  keepOnDelete?: boolean;
  /** When the server was last installed (`RobotServer.installedAt`): an install sets its own firewall, so a change sets the rules again. */
  serverInstalledAt?: string | null;
}

/** Outputs: the rules as Robot reports them, and what a refresh found different. */
export interface RobotFirewallOutputs extends RobotFirewallInputs {
  serverIp: string | null;
  status: "active" | "disabled" | "in process";
  rules: RobotFirewallRules;
  inputRuleCount: number;
  /** Differences a refresh found between Robot and the managed rule set; [] when none. */
  drift: string[];
}

/** Inputs and outputs of RobotFirewall, declared once: a new server number replaces; nothing is secret. */
export const ROBOT_FIREWALL_FIELDS = resourceSchema<
  KeysOf<RobotFirewallInputs>,
  OutputOnlyKeys<RobotFirewallOutputs, RobotFirewallInputs>
>({
  inputs: {
    serverNumber: { replaces: true },
    adminCidrs: {},
    nodeAddresses: {},
    filterIpv6: {},
    whitelistHos: {},
    deadlineSeconds: {},
    keepOnDelete: {},
    serverInstalledAt: {},
  },
  outputs: { serverIp: {}, status: {}, rules: {}, inputRuleCount: {}, drift: {} },
});

/** Every input key (outputs repeat them). */
export const INPUT_KEYS = ROBOT_FIREWALL_FIELDS.inputKeys;

/** The deadline in ms. */
export function deadlineMs(i: RobotFirewallInputs): number {
  return (i.deadlineSeconds ?? 300) * 1000;
}

function listFailure(field: string, v: unknown): CheckFailure | undefined {
  if (isUnknown(v)) return undefined;
  if (!Array.isArray(v))
    return { property: field, reason: new InputError(field, "must be a list of CIDRs or addresses").message };
  try {
    if (!v.some(isUnknown)) robotSources(field, v as string[]);
    return undefined;
  } catch (e) {
    return { property: field, reason: errorMessage(e) };
  }
}

function scalarFailures(i: Props): CheckFailure[] {
  const out: CheckFailure[] = [];
  const n = i.serverNumber;
  if (!isUnknown(n) && (!Number.isInteger(n) || (n as number) <= 0))
    out.push({
      property: "serverNumber",
      reason: `[serverNumber] must be a positive integer, got ${JSON.stringify(n)}`,
    });
  const d = i.deadlineSeconds;
  if (d !== undefined && !isUnknown(d) && (typeof d !== "number" || !(d > 0) || d > 86400))
    out.push({
      property: "deadlineSeconds",
      reason: `[deadlineSeconds] must be a number of seconds above 0 and at most 86400, got ${JSON.stringify(d)}`,
    });
  for (const k of ["filterIpv6", "whitelistHos", "keepOnDelete"]) {
    if (i[k] !== undefined && !isUnknown(i[k]) && typeof i[k] !== "boolean")
      out.push({ property: k, reason: `[${k}] must be true or false` });
  }
  return out;
}

/** Field-named problems of the inputs (unknown values during preview are skipped). */
export function checkRobotFirewall(i: Props): CheckFailure[] {
  const out = scalarFailures(i);
  const admins = listFailure("adminCidrs", i.adminCidrs);
  const nodes = listFailure("nodeAddresses", i.nodeAddresses);
  if (admins) out.push(admins);
  else if (Array.isArray(i.adminCidrs) && i.adminCidrs.length === 0)
    out.push({
      property: "adminCidrs",
      reason:
        "[adminCidrs] must list at least one CIDR: without one, nobody outside the cluster can reach the Talos or Kubernetes API",
    });
  if (nodes) out.push(nodes);
  if (
    out.length ||
    !Array.isArray(i.adminCidrs) ||
    !Array.isArray(i.nodeAddresses) ||
    [...i.adminCidrs, ...i.nodeAddresses].some(isUnknown)
  )
    return out;
  const count = fewestRules(i.adminCidrs as string[], i.nodeAddresses as string[], i.filterIpv6 !== false);
  if (count !== undefined && count > ROBOT_MAX_RULES) {
    out.push({
      property: "nodeAddresses",
      reason: `[nodeAddresses] the rule set needs ${count} input rules but Robot allows ${ROBOT_MAX_RULES}: list covering CIDRs instead of single addresses, or fewer admin CIDRs`,
    });
  }
  return out;
}

// The server's own address is only known at create; any one listed address may turn out to be it.
function fewestRules(admins: string[], nodes: string[], filterIpv6: boolean): number | undefined {
  const counts = [undefined, ...nodes].map((own) =>
    robotRuleCount({ adminCidrs: admins, nodeAddresses: nodes, serverIp: own, filterIpv6 }),
  );
  const valid = counts.filter((c): c is number => c !== undefined);
  return valid.length ? Math.min(...valid) : undefined;
}
