/**
 * The Robot firewall rule set of a Talos node: it lives in ../shared/robot-firewall-rules.ts since
 * `RobotServer` builds its install firewall from it too (issue 16, item 1); this path stays for
 * the modules and tests that import it here.
 */
export * from "../shared/robot-firewall-rules";
