/**
 * Shared harness of the Robot integration tests: a FakeWorld, the Robot simulator and a RobotClient
 * on one fake clock (the client's sleep advances it), plus raw HTTP and fixture-shape helpers.
 */
import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import * as path from "path";
import { RobotClient, RobotClientOptions } from "../../../../provider/hetzner/robot";
import { RobotServerScenario } from "../../../../provider/sim/scenario";
import { RobotSim, startRobotSim } from "../../../../provider/sim/apis/robot/server";
import { robotServerScenario } from "../../../../provider/sim/apis/robot/scenario";
import { ServiceFaults } from "../../../../provider/sim/types";
import { FakeMachine, FakeWorld } from "../../../helpers/fake-world";

/** Robot webservice password of every harness; tests check it never shows in messages. */
export const PASSWORD = "s3cret-Robot-Pa55";
/** Fake-clock start: 2025-06-01 08:00:00 UTC (10:00 in Berlin). */
export const START = Date.UTC(2025, 5, 1, 8, 0, 0);
/** Server numbers of the default servers. */
export const AX = 2321001,
  EX = 2321002,
  NO_RESCUE = 2321003;

/** The default account: an AX41 (power resets), an IPv6-only box with sw/hw/man, one without rescue or resets. */
export function defaultServers(): RobotServerScenario[] {
  return [
    robotServerScenario(1),
    robotServerScenario(2, { product: "EX44", resetTypes: undefined, machine: { ipv4: null } }),
    robotServerScenario(3, { rescue: false, resetTypes: [] }),
  ];
}

/** Options of a harness. */
export interface HarnessOptions {
  servers?: RobotServerScenario[];
  /** @default 0.0001 (a Robot hour is 360 ms of fake clock, a firewall change 3 ms of real time) */
  timeScale?: number;
  faults?: ServiceFaults;
  random?: () => number;
  client?: Partial<RobotClientOptions>;
}

/** A running harness. */
export interface RobotHarness {
  world: FakeWorld;
  sim: RobotSim;
  client: RobotClient;
  clock: { t: number };
  /** Every client sleep, ms. */
  sleeps: number[];
  /** Client log lines. */
  logs: string[];
  machine(serverNumber: number): FakeMachine;
  /** Raw HTTP against the simulator (with the right credentials unless `auth` is given). */
  raw(
    method: string,
    p: string,
    body?: string,
    auth?: string,
  ): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  stop(): Promise<void>;
}

/** Starts simulator and client on a fake clock. */
export async function startRobotHarness(o: HarnessOptions = {}): Promise<RobotHarness> {
  const timeScale = o.timeScale ?? 0.0001;
  const world = new FakeWorld(timeScale);
  const clock = { t: START };
  const sleeps: number[] = [];
  const logs: string[] = [];
  const scenario = { user: "robot-user", password: PASSWORD, servers: o.servers ?? defaultServers(), faults: o.faults };
  const sim = await startRobotSim(world, scenario, "127.0.0.1", { now: () => clock.t, random: o.random });
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.t += ms;
    // Real simulator work (a firewall change) takes realistic ms × timeScale: waiting as long keeps both clocks in step.
    await new Promise((r) => setTimeout(r, Math.max(1, ms * timeScale)));
  };
  const client = new RobotClient({
    url: sim.url,
    user: sim.user,
    password: sim.password,
    now: () => clock.t,
    sleep,
    log: (l) => logs.push(l),
    retry: { random: () => 0.5 },
    budgetWindowMs: 3_600_000 * timeScale,
    ...o.client,
  });
  const raw = async (method: string, p: string, body?: string, auth = `${sim.user}:${PASSWORD}`) => {
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(auth).toString("base64")}` };
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(sim.url + p, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
  };
  return {
    world,
    sim,
    client,
    clock,
    sleeps,
    logs,
    raw,
    machine: (n) => world.get(`robot-${n}`),
    stop: () => sim.stop(),
  };
}

/** A fixture body from test/fixtures/robot (or ROBOT_FIXTURES). */
export function fixture(name: string): any {
  const dir = process.env.ROBOT_FIXTURES ?? FIXTURES + "/robot";
  return JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  return p.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e) => e,
  );
}

/** Robot fields that are documented as nullable: null on one side and a value on the other is the same shape. */
const NULLABLE = new Set([
  "server_ip",
  "linked_storagebox",
  "subnet",
  "password",
  "boot_time",
  "separate_mac",
  "missing",
  "invalid",
  "gateway",
  "ip_version",
  "name",
  "dst_ip",
  "src_ip",
  "dst_port",
  "src_port",
  "protocol",
  "tcp_flags",
]);

/** Differences in keys, types and nesting between `actual` and a fixture, as "path: what" lines. Arrays compare item i with fixture item min(i, last). */
export function shapeDiff(actual: unknown, expected: unknown, at = "$"): string[] {
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  const key = at
    .replace(/\[\d+\]$/, "")
    .split(".")
    .pop()!;
  if (kind(actual) !== kind(expected)) {
    return (kind(actual) === "null" || kind(expected) === "null") && NULLABLE.has(key)
      ? []
      : [`${at}: ${kind(actual)} instead of ${kind(expected)}`];
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (!expected.length) return actual.length ? [`${at}: non-empty instead of []`] : [];
    return actual.flatMap((item, i) => shapeDiff(item, expected[Math.min(i, expected.length - 1)], `${at}[${i}]`));
  }
  if (kind(actual) !== "object") return [];
  const a = actual as Record<string, unknown>,
    e = expected as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])];
  return keys.flatMap((k) =>
    !(k in e) ? [`${at}.${k}: extra`] : !(k in a) ? [`${at}.${k}: missing`] : shapeDiff(a[k], e[k], `${at}.${k}`),
  );
}
