/**
 * The per-server firewall: `GET/POST/DELETE /firewall/{n}` and templates. A change answers
 * "in process" and needs time to apply; a change meanwhile is 409 FIREWALL_IN_PROCESS, which `set`
 * and `delete` wait out until their deadline, and `waitActive` polls until the change is live.
 */
import { EXPECTED_MS, pollPace } from "../../internal/pace";
import { pollUntil } from "../../internal/poll";
import { RobotStateError, absentOn, robotErrorCode } from "./errors";
import {
  FirewallWire,
  RobotFirewall,
  RobotFirewallConfig,
  RobotFirewallTemplate,
  firewallFromWire,
  rulesFromWire,
  rulesToForm,
} from "./firewall-wire";
import { checkServerNumber } from "./servers";
import { RobotTransport } from "./transport";

export * from "./firewall-wire";

/** Deadlines of firewall waits. */
export interface FirewallWaitOptions {
  /** Longest wait, ms. @default 300000 */
  timeoutMs?: number;
  /** How fast the world runs (1 on real Robot; a simulator's scale), for the pace of the polls. @default 1 */
  timeScale?: number;
}

/** Deadline and poll pace of one firewall wait: a change is expected to apply in about 30 s of world time. */
function waitOptions(wait: FirewallWaitOptions) {
  const timeoutMs = wait.timeoutMs ?? 300_000;
  return { timeoutMs, ...pollPace(EXPECTED_MS.firewallApply, wait.timeScale ?? 1, timeoutMs) };
}

type TemplateWire = {
  id: number;
  name: string;
  filter_ipv6: boolean;
  whitelist_hos: boolean;
  is_default: boolean;
  rules?: FirewallWire["rules"];
};

function templateFromWire(w: TemplateWire): RobotFirewallTemplate {
  const t: RobotFirewallTemplate = {
    id: w.id,
    name: w.name,
    filterIpv6: w.filter_ipv6,
    whitelistHos: w.whitelist_hos,
    isDefault: w.is_default,
  };
  if (w.rules) t.rules = rulesFromWire(w.rules);
  return t;
}

/** Firewall calls; server calls throw RobotApiError SERVER_NOT_FOUND for unknown servers. */
export class RobotFirewallApi {
  constructor(private readonly t: RobotTransport) {}

  /** The server's firewall. */
  async get(serverNumber: number): Promise<RobotFirewall> {
    checkServerNumber(serverNumber);
    return firewallFromWire((await this.t.get<{ firewall: FirewallWire }>(`/firewall/${serverNumber}`)).firewall);
  }

  /** Sets rules or a template; answers "in process". Waits out a running change (409 FIREWALL_IN_PROCESS) until the deadline. */
  async set(serverNumber: number, config: RobotFirewallConfig, wait: FirewallWaitOptions = {}): Promise<RobotFirewall> {
    checkServerNumber(serverNumber);
    const form = {
      status: config.status,
      filter_ipv6: config.filterIpv6,
      whitelist_hos: config.whitelistHos,
      ...("templateId" in config ? { template_id: config.templateId } : { rules: rulesToForm(config.rules) }),
    };
    return this.whenIdle(serverNumber, "change", wait, () =>
      this.t.post<{ firewall: FirewallWire }>(`/firewall/${serverNumber}`, form),
    );
  }

  /** Clears every rule (the firewall ends up disabled); waits out a running change like `set`. */
  async delete(serverNumber: number, wait: FirewallWaitOptions = {}): Promise<RobotFirewall> {
    checkServerNumber(serverNumber);
    return this.whenIdle(serverNumber, "deletion", wait, () =>
      this.t.delete<{ firewall: FirewallWire }>(`/firewall/${serverNumber}`),
    );
  }

  /** Polls until the firewall is no longer "in process"; returns it as it settled. */
  async waitSettled(serverNumber: number, wait: FirewallWaitOptions = {}): Promise<RobotFirewall> {
    return pollUntil(
      async () => {
        const f = await this.get(serverNumber);
        return f.status === "in process" ? undefined : f;
      },
      {
        what: `Robot firewall of server ${serverNumber} to finish its change`,
        sleep: this.t.sleep,
        now: this.t.now,
        ...waitOptions(wait),
      },
    );
  }

  /** Polls until the firewall is active; RobotStateError when it settles as disabled. */
  async waitActive(serverNumber: number, wait: FirewallWaitOptions = {}): Promise<RobotFirewall> {
    const f = await this.waitSettled(serverNumber, wait);
    if (f.status !== "active")
      throw new RobotStateError(`Robot firewall of server ${serverNumber} settled as ${f.status}, expected active`);
    return f;
  }

  /** Every template; [] when Robot answers 404 NOT_FOUND. */
  async listTemplates(): Promise<RobotFirewallTemplate[]> {
    const r = await absentOn(this.t.get<{ firewall_template: TemplateWire }[]>("/firewall/template"), "NOT_FOUND");
    return (r ?? []).map((x) => templateFromWire(x.firewall_template));
  }

  /** One template with its rules, or undefined (404 NOT_FOUND). */
  async getTemplate(id: number): Promise<RobotFirewallTemplate | undefined> {
    checkServerNumber(id, "templateId");
    const r = await absentOn(this.t.get<{ firewall_template: TemplateWire }>(`/firewall/template/${id}`), "NOT_FOUND");
    return r && templateFromWire(r.firewall_template);
  }

  private async whenIdle(
    serverNumber: number,
    what: string,
    wait: FirewallWaitOptions,
    send: () => Promise<{ firewall: FirewallWire }>,
  ): Promise<RobotFirewall> {
    const r = await pollUntil(send, {
      what: `Robot firewall of server ${serverNumber} to accept a ${what} (FIREWALL_IN_PROCESS)`,
      transient: (e) => robotErrorCode(e) === "FIREWALL_IN_PROCESS",
      sleep: this.t.sleep,
      now: this.t.now,
      ...waitOptions(wait),
      // The request itself goes out at once; only a 409 waits for the running change.
      firstWaitMs: 0,
    });
    return firewallFromWire(r.firewall);
  }
}
