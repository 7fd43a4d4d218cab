/**
 * The simulated Image Factory over HTTP: schematics, versions, image and release paths with their
 * 404/400 answers, xz/zst bodies that decompress (with the real tools) to images that boot, and the
 * truncation / 5xx / rate-limit / latency faults.
 * Does not prove: redirects to a CDN for factory image paths (this simulator answers 200 directly).
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { inspectDisk } from "../../../../../provider/sim/machines/disk/inspect";
import { FactorySim, imageUrl, releaseUrl, startFactorySim } from "../../../../../provider/sim/apis/factory/server";
import { Machine } from "../../../../../provider/sim/machines/machine/machine";
import { skipOrFail, testMachineSpec, toolMissing, waitForStatus } from "../../../../../provider/sim/testing/machine";
import { World, createWorld } from "../../../../../provider/sim/world";

const VANILLA = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
const KERNEL_ARGS = "9cba8e32753f91a16c1837ab8abf356af021706ef284aef07380780177d9a06c";

/** Runs a command with `input` on stdin; resolves with its exit code and output. */
function run(cmd: string, args: string[], input?: Buffer): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args);
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

describe("image factory simulator", () => {
  let dir: string;
  let world: World;
  let factory: FactorySim;
  let randomValue = 0.99;
  before(async function () {
    const missing = ["xz:xz-utils", "zstd:zstd", "curl:curl"]
      .map((t) => toolMissing(t.split(":")[0], t.split(":")[1]))
      .find(Boolean);
    if (missing) skipOrFail(this, missing);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "factory-test-"));
    world = await createWorld({ timeScale: 0.001, stateDir: dir });
    factory = await startFactorySim(world, { versions: ["v1.7.6", "v1.8.0", "v1.13.9"] }, "127.0.0.1", {
      random: () => randomValue,
    });
  });
  after(async () => {
    await factory?.stop();
    await world?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const k of Object.keys(factory.faults)) delete (factory.faults as Record<string, unknown>)[k];
  });
  const get = (p: string, init?: RequestInit) => fetch(p.startsWith("http") ? p : `${factory.url}${p}`, init);
  const url = (o: Partial<Parameters<typeof imageUrl>[1]> = {}) =>
    imageUrl(factory.url, {
      schematic: VANILLA,
      version: "v1.13.9",
      platform: "metal",
      arch: "amd64",
      ext: "zst",
      ...o,
    });

  it("creates schematics from JSON or YAML and serves them back canonically", async () => {
    const post = async (body: string) => {
      const r = await get("/schematics", { method: "POST", body });
      return [r.status, await r.text()];
    };
    assert.deepStrictEqual(await post("{}"), [201, `{"id":"${VANILLA}"}`]);
    assert.deepStrictEqual(await post('{"customization":{"extraKernelArgs":["noapic","nolapic"]}}'), [
      201,
      `{"id":"${KERNEL_ARGS}"}`,
    ]);
    assert.deepStrictEqual(await post("customization:\n  extraKernelArgs:\n    - noapic\n    - nolapic\n"), [
      201,
      `{"id":"${KERNEL_ARGS}"}`,
    ]);
    assert.deepStrictEqual(await post("customization:\n  extraKernelArg: [x]\n"), [
      400,
      "[schematic.customization.extraKernelArg] field extraKernelArg not found in type schematic.customization\n",
    ]);
    const r = await get(`/schematics/${KERNEL_ARGS}`);
    assert.deepStrictEqual(
      [r.status, await r.text()],
      [200, "customization:\n    extraKernelArgs:\n        - noapic\n        - nolapic\n"],
    );
    assert.strictEqual((await get(`/schematics/${"0".repeat(64)}`)).status, 404);
    assert.deepStrictEqual(await (await get("/versions")).json(), ["v1.7.6", "v1.8.0", "v1.13.9"]);
  });

  it("answers 404 for an unknown schematic or version and 400 for a bad image path", async () => {
    const cases: [string, number][] = [
      [url({ schematic: "0".repeat(64) }), 404],
      [url({ version: "v1.10.0" }), 404],
      [`${factory.url}/image/${VANILLA}/v1.13.9/metal-amd64.raw.gz`, 400],
      [`${factory.url}/image/${VANILLA}/v1.13.9/aws-amd64.raw.xz`, 400],
      [`${factory.url}/image/${VANILLA}/v1.13.9/metal-riscv64.raw.zst`, 400],
      [`${factory.url}/nothing/here`, 404],
    ];
    for (const [u, status] of cases) assert.strictEqual((await get(u, { method: "HEAD" })).status, status, u);
  });

  it("serves xz and zst bodies that decompress to the same bootable image, registered as served", async () => {
    const raws: Buffer[] = [];
    for (const [ext, tool] of [
      ["xz", "xz"],
      ["zst", "zstd"],
    ] as const) {
      const head = await get(url({ ext, platform: "hcloud", arch: "arm64" }), { method: "HEAD" });
      const body = Buffer.from(await (await get(url({ ext, platform: "hcloud", arch: "arm64" }))).arrayBuffer());
      assert.strictEqual(Number(head.headers.get("content-length")), body.length);
      assert.ok(body.length < 4 * 1024 * 1024, `${ext} body is ${body.length} bytes`);
      const raw = await run(tool, ["-d", "-c"], body);
      assert.strictEqual(raw.code, 0, raw.stderr);
      raws.push(raw.stdout);
    }
    assert.ok(raws[0].equals(raws[1]));
    const found = inspectDisk(raws[0]).talos!;
    assert.deepStrictEqual(found.problems, []);
    assert.deepStrictEqual(world.servedImages.get(found.key!), {
      version: "v1.13.9",
      arch: "arm64",
      platform: "hcloud",
      schematic: VANILLA,
    });
  });

  it("serves GitHub release assets: .raw.zst from v1.8, .raw.xz up to v1.7, through a 302", async () => {
    const r = await get(releaseUrl(factory.url, "v1.13.9", "amd64"), { redirect: "manual" });
    assert.deepStrictEqual(
      [r.status, r.headers.get("location")],
      [302, "/_release-assets/v1.13.9/metal-amd64.raw.zst"],
    );
    const release = Buffer.from(await (await get(releaseUrl(factory.url, "v1.13.9", "amd64"))).arrayBuffer());
    const fromFactory = Buffer.from(await (await get(url())).arrayBuffer());
    assert.ok(release.equals(fromFactory), "the release asset is the vanilla metal image");
    assert.strictEqual(
      releaseUrl(factory.url, "v1.7.6", "amd64"),
      `${factory.url}/siderolabs/talos/releases/download/v1.7.6/metal-amd64.raw.xz`,
    );
    const statuses = await Promise.all(
      [
        "v1.7.6/metal-amd64.raw.xz",
        "v1.7.6/metal-amd64.raw.zst",
        "v1.8.0/metal-arm64.raw.zst",
        "v1.8.0/metal-arm64.raw.xz",
        "v1.13.9/hcloud-amd64.raw.zst",
        "v1.9.0/metal-amd64.raw.zst",
      ].map(
        async (p) =>
          (await get(`/siderolabs/talos/releases/download/${p}`, { method: "HEAD", redirect: "manual" })).status,
      ),
    );
    assert.deepStrictEqual(statuses, [302, 404, 302, 404, 404, 404]);
  });

  it("a truncated download fails the install pipeline, and what it wrote does not boot", async () => {
    const m = (await world.createMachine(testMachineSpec("robot-31", ["empty"], { power: "off" }))) as Machine;
    const install = (u: string) =>
      run("bash", [
        "-c",
        `set -o pipefail; curl -fsSL '${u}' | xz -d | dd of='${m.diskFile(0)}' bs=4M conv=notrunc status=none`,
      ]);
    factory.faults.truncateFraction = 0.5;
    const cut = await install(url({ ext: "xz" }));
    assert.notStrictEqual(cut.code, 0);
    assert.match(cut.stderr, /xz: \(stdin\): Unexpected end of input/);
    m.powerOn();
    await waitForStatus(m, "no-os");
    assert.match(
      m.lastBootReport(),
      /^uefi boots sda: Talos image is damaged \(backup GPT header missing at LBA 61439/,
    );
    delete factory.faults.truncateFraction;
    assert.strictEqual((await install(url({ ext: "xz" }))).code, 0);
    m.reset("hw");
    await waitForStatus(m, "booting");
    await waitForStatus(m, "talos");
    assert.strictEqual(m.lastBootReport(), "sda boots Talos v1.13.9 in maintenance mode");
  });

  it("injects 5xx answers, rate limits and latency", async () => {
    factory.faults.error5xxRate = 0.5;
    randomValue = 0.2;
    assert.strictEqual((await get("/versions")).status, 503);
    randomValue = 0.7;
    assert.strictEqual((await get("/versions")).status, 200);
    factory.faults.rateLimitNext = 2;
    assert.deepStrictEqual(
      [(await get("/versions")).status, (await get("/versions")).status, (await get("/versions")).status],
      [429, 429, 200],
    );
    factory.faults.latencyScale = 4000; // 80 ms realistic × 4000 × timeScale 0.001 = 320 ms
    const t0 = Date.now();
    await get("/versions");
    assert.ok(Date.now() - t0 >= 300, `took ${Date.now() - t0} ms`);
    assert.ok(factory.requests.includes("GET /versions"));
  });
});
