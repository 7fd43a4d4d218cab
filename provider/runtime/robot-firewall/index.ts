/**
 * Runtime of `RobotFirewall` (provider/resources/robot-firewall.ts): one dedicated server's Robot
 * firewall set to the Talos rule set of provider/talos/firewall-rules-robot.ts, active before create
 * returns. The Robot calls live in apply.ts.
 */
import { checkRobotUrl } from "../shared/config";
import { diffInputs } from "../dispatch/diff";
import { Props, ResourceRuntime } from "../dispatch/types";
import { applyRobotFirewall, deleteRobotFirewall, readRobotFirewall } from "./apply";
import {
  INPUT_KEYS,
  ROBOT_FIREWALL_FIELDS,
  RobotFirewallInputs,
  RobotFirewallOutputs,
  checkRobotFirewall,
} from "./types";

export { setRobotFirewallClient, desiredRules, firewallDrift } from "./apply";
export { RobotFirewallInputs, RobotFirewallOutputs, checkRobotFirewall } from "./types";

/** The RobotFirewall runtime. */
export const runtime: ResourceRuntime<RobotFirewallInputs, RobotFirewallOutputs> = {
  async check(_olds, news) {
    checkRobotUrl();
    return { inputs: news as unknown as RobotFirewallInputs, failures: checkRobotFirewall(news) };
  },
  async diff(_id, olds, news) {
    const d = diffInputs(olds as unknown as Props, news as unknown as Props, {
      inputKeys: INPUT_KEYS,
      replaceKeys: ROBOT_FIREWALL_FIELDS.replaceKeys,
    });
    // A refresh that found Robot differing must lead to an update that sets the rules again.
    return (olds.drift ?? []).length > 0 ? { ...d, changes: true } : d;
  },
  async create(i) {
    return { id: String(i.serverNumber), outs: await applyRobotFirewall(i) };
  },
  async read(id, props) {
    const now = await readRobotFirewall(props);
    return now ? { id, props: { ...props, ...now } } : { id: "" };
  },
  async update(_id, _olds, news) {
    return { outs: await applyRobotFirewall(news) };
  },
  async delete(_id, props) {
    await deleteRobotFirewall(props);
  },
};
