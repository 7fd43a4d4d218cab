/**
 * Benchmark: one TalosImage build against the simulator (Cloud API, Image Factory, a real rescue
 * system over SSH on a loop-backed disk), then a second TalosImage with the same key, then three
 * concurrent creates of another key. Prints wall times, Cloud API requests (split into polls,
 * heartbeats and the rest) and the servers each phase created.
 *
 * Run as root: `npm run build && node dist/bench/talos-image.js [timeScale]` (default 0.0002: a
 * realistic 4-minute rescue boot takes 48 ms).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudClient } from "../provider/hetzner/cloud";
import { setLogSink } from "../provider/internal/log";
import { realSleep } from "../provider/internal/retry";
import { runtime, setTalosImageDeps } from "../provider/runtime/talos-image";
import { startCloudSim } from "../provider/sim/apis/cloud/server";
import { startFactorySim } from "../provider/sim/apis/factory/server";
import { installTalosRuntime } from "../provider/sim/talos/runtime";
import { createWorld } from "../provider/sim/world";

type Req = { method: string; path: string; status: number };
const TIMEOUTS = { heartbeatSeconds: 0.2, shutdownSeconds: 5, sshSeconds: 30, actionSeconds: 30 };

/** Requests split into action/status polls, lock heartbeats and everything else. */
function breakdown(reqs: Req[]): string {
  const polls = reqs.filter(
    (r) => r.path.startsWith("/actions") || (r.method === "GET" && /^\/(servers|images)\/\d+/.test(r.path)),
  ).length;
  const beats = reqs.filter((r) => r.method === "PUT" && r.path.startsWith("/ssh_keys/")).length;
  return `${reqs.length} Cloud API requests (${polls} polls of actions/status, ${beats} lock heartbeats, ${reqs.length - polls - beats} others)`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - start) / 1e6];
}

async function main(): Promise<void> {
  const timeScale = Number(process.argv[2] ?? 0.0002);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-talos-image-"));
  const world = await createWorld({ timeScale, stateDir: dir });
  installTalosRuntime(world);
  const factory = await startFactorySim(world, {}, "127.0.0.1");
  const cloud = await startCloudSim(world, { token: "bench-token" }, "127.0.0.1", factory.url);
  setTalosImageDeps((t) => ({
    cloud: new CloudClient({ endpoint: cloud.endpoint, token: "bench-token", pollIntervalMs: t.pollMs }),
    factoryUrl: factory.url,
    sleep: realSleep,
    now: Date.now,
  }));
  setLogSink(() => undefined);
  const phase = async (label: string, fn: () => Promise<unknown>) => {
    const r0 = cloud.requests.length;
    const [, ms] = await timed(fn);
    const reqs = cloud.requests.slice(r0);
    const created = reqs.filter((r) => r.method === "POST" && r.path === "/servers" && r.status === 201).length;
    console.log(`${label}: ${ms.toFixed(0)} ms, ${breakdown(reqs)}, servers created: ${created}`);
  };
  try {
    await phase("build (v1.13.9 x86)", () =>
      runtime.create!({ resourceName: "a", talosVersion: "v1.13.9", timeouts: TIMEOUTS }),
    );
    await phase("second TalosImage, same key", () =>
      runtime.create!({ resourceName: "b", talosVersion: "v1.13.9", timeouts: TIMEOUTS }),
    );
    await phase("3 concurrent creates (v1.12.4)", () =>
      Promise.all(
        ["c1", "c2", "c3"].map((n) =>
          runtime.create!({ resourceName: n, talosVersion: "v1.12.4", timeouts: TIMEOUTS }),
        ),
      ),
    );
    console.log(
      `timeScale ${timeScale}; OpenAPI violations: ${cloud.violations.length}; leftovers: ${cloud.state.servers.size} servers, ${cloud.state.sshKeys.size} keys`,
    );
  } finally {
    await Promise.allSettled([cloud.stop(), factory.stop()]);
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
