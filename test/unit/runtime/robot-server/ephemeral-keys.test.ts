/**
 * The sweep of ephemeral rescue keys (issue 16 brief, step 4): only keys of this server older than
 * the longest run are deleted, so an install of the same server still running elsewhere keeps the key
 * its rescue is armed with. Does not prove: that Robot's created_at is UTC (Robot documents no zone;
 * the name's own timestamp is used whenever it is there).
 */
import * as assert from "assert";
import type { RobotClient, RobotKey } from "../../../../provider/hetzner/robot";
import { StepLogger, setLogSink } from "../../../../provider/internal/log";
import {
  ephemeralKeyName,
  longestRunMs,
  registeredAt,
  sweepEphemeralKeys,
} from "../../../../provider/runtime/robot-server/ephemeral-keys";
import { timingOf } from "../../../../provider/runtime/robot-server";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const MIN = 60_000;
const key = (name: string, fingerprint: string, createdAt: string | null = null): RobotKey =>
  ({ name, fingerprint, createdAt }) as RobotKey;

describe("RobotServer ephemeral key sweep", () => {
  it("allows a run the firewall wait, two rescue boots, the install and the reboot (3600 s by default)", () => {
    assert.strictEqual(longestRunMs(timingOf(undefined)), 3_600_000);
    assert.strictEqual(
      longestRunMs(timingOf({ rescueSeconds: 60, installSeconds: 120, maintenanceSeconds: 30 })),
      570_000,
    );
  });

  it("reads the registration time from the name, else from Robot's created_at", () => {
    assert.deepStrictEqual(
      [
        registeredAt(7, key(ephemeralKeyName(7, NOW), "a")),
        registeredAt(7, key("talos-hetzner-ephemeral-7-old", "b", "2026-12-07 11:00:00")),
        registeredAt(7, key("talos-hetzner-ephemeral-7-old", "c")),
      ],
      [NOW, NOW - 60 * MIN, undefined],
    );
  });

  it("deletes only this server's keys older than the longest run, keeping a running install's", async () => {
    const keys = [
      key(ephemeralKeyName(7, NOW - 2 * MIN), "fresh"),
      key(ephemeralKeyName(7, NOW - 61 * MIN), "stale"),
      key(ephemeralKeyName(8, NOW - 600 * MIN), "other-server"),
      key("talos-hetzner-ephemeral-7-x", "unknown-age"),
      key("my laptop", "user"),
    ];
    const deleted: string[] = [];
    const robot = {
      keys: { list: async () => keys, delete: async (fp: string) => void deleted.push(fp) },
    } as unknown as RobotClient;
    const lines: string[] = [];
    const prev = setLogSink((l) => lines.push(l));
    try {
      await sweepEphemeralKeys(robot, 7, 60 * MIN, new StepLogger("node-7", 12), () => NOW);
    } finally {
      setLogSink(prev);
    }
    assert.deepStrictEqual(deleted, ["stale"]);
    assert.deepStrictEqual(lines, [
      `[node-7]   kept ephemeral key ${ephemeralKeyName(7, NOW - 2 * MIN)}: 120 s old, so another run may still be installing this server with it (it is removed once older than 60 min)`,
      `[node-7] Cleanup: deleted ephemeral key ${ephemeralKeyName(7, NOW - 61 * MIN)} left behind by an earlier run (61 min old)`,
      "[node-7]   kept ephemeral key talos-hetzner-ephemeral-7-x: its age is unknown, so another run may still be installing this server with it (it is removed once older than 60 min)",
    ]);
  });
});
