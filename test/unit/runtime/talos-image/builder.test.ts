/**
 * Single build steps of TalosImage with scripted fakes of the Cloud client and the rescue session:
 * the hard power-off after a shutdown that does not finish, the SSH address without IPv4, and an
 * unsupported discard that only warns.
 * Does not prove: that the real rescue system or Cloud API behave like the fakes (see the engine tests).
 */
import * as assert from "assert";
import { Server } from "../../../../provider/hetzner/cloud";
import { DeadlineError } from "../../../../provider/internal/errors";
import { StepLogger, setLogSink } from "../../../../provider/internal/log";
import { RescueCommandError, RescueSession } from "../../../../provider/rescue/session";
import { discardDisk, shutDown, sshHost } from "../../../../provider/runtime/talos-image/builder";
import { RunContext, planFor } from "../../../../provider/runtime/talos-image/plan";
import { timingOf } from "../../../../provider/runtime/talos-image/types";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";

function context(calls: string[], offAfterPowerOff: boolean): RunContext {
  let poweredOff = false;
  const cloud = {
    servers: {
      waitForStatus: async (id: number, status: string, o: { timeoutMs: number }) => {
        calls.push(`wait ${id} ${status} ${o.timeoutMs}`);
        if (!poweredOff || !offAfterPowerOff) throw new DeadlineError(`server ${id} to be ${status}`, o.timeoutMs);
        return {} as Server;
      },
      powerOff: async (id: number) => {
        calls.push(`poweroff ${id}`);
        poweredOff = true;
        return { id: 9 };
      },
    },
    actions: { waitFor: async (a: { id: number }[]) => void calls.push(`action ${a.map((x) => x.id).join(",")}`) },
  };
  return {
    deps: { cloud: cloud as never, factoryUrl: "http://f", sleep: async () => undefined, now: () => 0 },
    plan: planFor({ resourceName: "img", talosVersion: "v1.13.9" }, VANILLA_SCHEMATIC_ID, "http://f"),
    timing: timingOf({ shutdownSeconds: 2, actionSeconds: 3 }),
    log: new StepLogger("img", 12),
  };
}

function session(calls: string[], fail?: RescueCommandError): RescueSession {
  return {
    runDetached: async (script: string) => void calls.push(`ssh-detached ${script}`),
    run: async (script: string) => {
      calls.push(`ssh ${script}`);
      if (fail) throw fail;
      return { stdout: "", stderr: "", exitCode: 0 };
    },
    close: async () => void calls.push("close"),
  } as unknown as RescueSession;
}

describe("TalosImage build steps", () => {
  const lines: string[] = [];
  let prev: (l: string) => void;
  before(() => (prev = setLogSink((l) => lines.push(l))));
  after(() => setLogSink(prev));
  beforeEach(() => lines.splice(0));

  it("powers the builder off hard when it is not off within shutdownSeconds, then waits for off", async () => {
    const calls: string[] = [];
    await shutDown(context(calls, true), session(calls), 42);
    assert.deepStrictEqual(calls, [
      "ssh-detached sync; shutdown -h now",
      "close",
      "wait 42 off 2000",
      "poweroff 42",
      "action 9",
      "wait 42 off 3000",
    ]);
    assert.deepStrictEqual(lines, ["[img] WARNING: server 42 was not off 2 s after the shutdown; powering it off"]);
  });

  it("fails with the deadline when even the hard power-off does not turn the builder off", async () => {
    const calls: string[] = [];
    const e = await shutDown(context(calls, false), session(calls), 42).then(
      () => assert.fail("expected a failure"),
      (x: Error) => x,
    );
    assert.strictEqual(e.message, "timed out after 3s waiting for server 42 to be off");
  });

  it("only warns when the disk does not support discard", async () => {
    const calls: string[] = [];
    const fail = new RescueCommandError({
      target: "1.2.3.4:22",
      what: "discarding the disk",
      exitCode: 1,
      signal: null,
      stderrTail: ["blkdiscard: /dev/sda: BLKDISCARD ioctl failed: Operation not supported"],
    });
    await discardDisk(context(calls, true), session(calls, fail), 10_000);
    assert.deepStrictEqual(calls, ["ssh blkdiscard --force /dev/sda"]);
    assert.deepStrictEqual(lines, [
      "[img] WARNING: blkdiscard failed, the old blocks stay and the snapshot may be larger: blkdiscard: /dev/sda: BLKDISCARD ioctl failed: Operation not supported",
    ]);
  });

  it("connects to ::1 of the IPv6 /64 when the builder has no IPv4", () => {
    const s = (ipv4: string | null, ipv6: string | null) =>
      ({ id: 1, public_net: { ipv4: ipv4 && { ip: ipv4 }, ipv6: ipv6 && { ip: ipv6 } } }) as unknown as Server;
    assert.deepStrictEqual(
      [sshHost(s("1.2.3.4", "2a01:4f8:c0c:1::/64")), sshHost(s(null, "2a01:4f8:c0c:1::/64"))],
      ["1.2.3.4", "2a01:4f8:c0c:1::1"],
    );
    assert.throws(() => sshHost(s(null, null)), {
      message: "server 1 has neither a public IPv4 nor an IPv6 network to reach its rescue system",
    });
  });
});
