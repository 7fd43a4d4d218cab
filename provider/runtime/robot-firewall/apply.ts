/**
 * What `RobotFirewall` does against the Robot webservice: read the server's firewall (its IP decides
 * which node address is its own), post the managed rule set (waiting out FIREWALL_IN_PROCESS), wait
 * until Robot reports it `active`, and compare what Robot holds with the managed set on refresh.
 */
import { RobotClient, RobotFirewall, robotErrorCode } from "../../hetzner/robot";
import { RobotFirewallRules, normalizeRobotRule } from "../../hetzner/robot/firewall-wire";
import { StepLogger, logLine } from "../../internal/log";
import { robotTalosFirewallRules } from "./talos-rules";
import { requireSetting } from "../shared/config";
import { deepEqual } from "../dispatch/diff";
import { RobotFirewallInputs, RobotFirewallOutputs, deadlineMs } from "./types";
import { robotHourMs, worldTimeScale } from "../shared/timing";

/** Builds the Robot client of a run (replaceable in tests). */
export type RobotClientFactory = () => RobotClient;

/** The client from settings (talos-hetzner:robot* or HETZNER_ROBOT_*); never from inputs. */
export const robotClientFromSettings: RobotClientFactory = () =>
  new RobotClient({
    url: requireSetting("robotUrl"),
    user: requireSetting("robotUser"),
    password: requireSetting("robotPassword"),
    budgetWindowMs: robotHourMs(),
  });

let factory: RobotClientFactory = robotClientFromSettings;

/** Replaces how runs get their Robot client; returns the previous factory. */
export function setRobotFirewallClient(next: RobotClientFactory): RobotClientFactory {
  const prev = factory;
  factory = next;
  return prev;
}

/** The managed rule set for inputs and the server's own IP. */
export function desiredRules(i: RobotFirewallInputs, serverIp: string | null): RobotFirewallRules {
  return robotTalosFirewallRules({
    adminCidrs: i.adminCidrs,
    nodeAddresses: i.nodeAddresses,
    serverIp,
    filterIpv6: i.filterIpv6 ?? true,
  });
}

function outputsOf(f: RobotFirewall, drift: string[]): Partial<RobotFirewallOutputs> {
  return { serverIp: f.serverIp, status: f.status, rules: f.rules, inputRuleCount: f.rules.input.length, drift };
}

/** create/update: posts the rule set and waits until Robot reports it active. */
export async function applyRobotFirewall(i: RobotFirewallInputs): Promise<Partial<RobotFirewallOutputs>> {
  const robot = factory();
  const log = new StepLogger(`robot-firewall ${i.serverNumber}`, 3);
  const wait = { timeoutMs: deadlineMs(i), timeScale: worldTimeScale() };
  log.step("reading the server's firewall");
  const current = await robot.firewall.get(i.serverNumber);
  const rules = desiredRules(i, current.serverIp);
  log.step(
    `setting ${rules.input.length} input rules (KubeSpan from anywhere; Talos and Kubernetes API from ${i.adminCidrs.length} admin CIDR(s) and the cluster's nodes)`,
  );
  await robot.firewall.set(
    i.serverNumber,
    { status: "active", filterIpv6: i.filterIpv6 ?? true, whitelistHos: i.whitelistHos ?? true, rules },
    wait,
  );
  log.step("waiting until Robot reports the firewall active");
  const active = await robot.firewall.waitActive(i.serverNumber, wait);
  return outputsOf(active, []);
}

/** What differs between Robot's firewall and the managed set (status, flags, rules by name). */
export function firewallDrift(i: RobotFirewallInputs, f: RobotFirewall): string[] {
  const out: string[] = [];
  if (f.status !== "active") out.push(`status is ${f.status}, expected active`);
  if (f.filterIpv6 !== (i.filterIpv6 ?? true))
    out.push(`filter_ipv6 is ${f.filterIpv6}, expected ${i.filterIpv6 ?? true}`);
  if (f.whitelistHos !== (i.whitelistHos ?? true))
    out.push(`whitelist_hos is ${f.whitelistHos}, expected ${i.whitelistHos ?? true}`);
  const want = desiredRules(i, f.serverIp);
  for (const dir of ["input", "output"] as const) {
    // Robot stores rules normalised (a bare address as /32); compare in that form, or drift never ends.
    const [have, should] = [f.rules[dir].map(normalizeRobotRule), want[dir].map(normalizeRobotRule)];
    if (deepEqual(have, should)) continue;
    const names = (rs: RobotFirewallRules["input"]) => rs.map((r) => r.name ?? "(unnamed)");
    const i = have.findIndex((r, k) => !deepEqual(r, should[k]));
    out.push(
      deepEqual(names(have), names(should))
        ? `${dir} rule "${should[i].name}" differs: Robot has ${JSON.stringify(have[i])}, expected ${JSON.stringify(should[i])}`
        : `${dir} rules differ: Robot has [${names(have).join(", ")}], expected [${names(should).join(", ")}]`,
    );
  }
  return out;
}

/** refresh: Robot's firewall as it is now, with drift; undefined when the server is gone from Robot. */
export async function readRobotFirewall(i: RobotFirewallOutputs): Promise<Partial<RobotFirewallOutputs> | undefined> {
  let f: RobotFirewall;
  try {
    f = await factory().firewall.get(i.serverNumber);
  } catch (e) {
    if (robotErrorCode(e) === "SERVER_NOT_FOUND") return undefined;
    throw e;
  }
  const drift = firewallDrift(i, f);
  for (const d of drift) logLine(`[robot-firewall ${i.serverNumber}] drift: ${d}`);
  return outputsOf(f, drift);
}

/** delete: clears the rules (Robot then reports the firewall disabled) unless asked to keep them. */
export async function deleteRobotFirewall(i: RobotFirewallOutputs): Promise<void> {
  const tag = `[robot-firewall ${i.serverNumber}]`;
  if (i.keepOnDelete) return logLine(`${tag} keepOnDelete is set: the firewall rules stay in Robot`);
  const robot = factory();
  try {
    await robot.firewall.delete(i.serverNumber, { timeoutMs: deadlineMs(i), timeScale: worldTimeScale() });
  } catch (e) {
    if (robotErrorCode(e) === "SERVER_NOT_FOUND")
      return logLine(`${tag} the server is gone from Robot; nothing to clear`);
    throw e;
  }
  await robot.firewall.waitSettled(i.serverNumber, { timeoutMs: deadlineMs(i), timeScale: worldTimeScale() });
  logLine(`${tag} firewall rules cleared; Robot no longer filters this server`);
}
