/**
 * TalosImage bad input and faults through the REAL dynamic-provider host against the simulator: an
 * unknown Talos version or schematic and a missing image URL (404 from the factory, before anything is
 * created), a truncated download (pipefail: no snapshot), a failed create_image action, 429s (retried),
 * a server type sold out in the location (412 with the API's message), an arm image forced onto an x86
 * builder, a build interrupted by a killed host and re-run (takeover, then nothing left for the
 * sweeper), and two stacks creating the same image at once (one build).
 * Does not prove: the real Hetzner API's timing or wording beyond contracts/hetzner-cloud.md, nor a
 * network partition between two workstations (both stacks here share one clock and one simulator).
 */
import * as assert from "assert";
import { pollUntil } from "../../../../provider/internal/poll";
import { sweepTalosImageLeftovers } from "../../../../provider/runtime/talos-image/sweep";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";
import { FAST, TalosImageWorld, urnOf } from "./world";

const V = "v1.13.9";
const imagePath = (version: string, schematic = VANILLA_SCHEMATIC_ID) =>
  `/image/${schematic}/${version}/hcloud-amd64.raw.zst`;

describe("engine: TalosImage bad input and faults", function () {
  this.timeout(180_000);
  let w: TalosImageWorld;

  before(async () => {
    w = await TalosImageWorld.start({ cloud: { unavailable: { fsn1: ["cx23"] } } });
  });
  afterEach(async () => {
    // Each test starts from an empty project: a snapshot left by one would be adopted by the next.
    for (const id of w.inventory().snapshots) await w.client.images.delete(id);
  });
  after(async () => w?.stop());

  const noLeftovers = (label: string) =>
    assert.deepStrictEqual({ ...w.inventory(), snapshots: [] }, { servers: [], sshKeys: [], snapshots: [] }, label);

  it("fails an unknown Talos version or schematic at the factory check, before any server or key exists", async () => {
    const from = w.cloud.requests.length;
    const version = await w.upError("v", { talosVersion: "v1.99.0", location: "nbg1" });
    const url = `${w.factory.url}${imagePath("v1.99.0")}`;
    assert.strictEqual(
      version.details,
      `[v] step 3/12 (checking that ${url} exists) failed: Talos v1.99.0 image for schematic ${VANILLA_SCHEMATIC_ID} not found at ${url} (404): the version or schematic does not exist on this factory`,
    );
    const unknown = "a".repeat(64);
    const schematic = await w.upError("s", { talosVersion: V, schematicId: unknown, location: "nbg1" });
    const surl = `${w.factory.url}${imagePath(V, unknown)}`;
    assert.strictEqual(
      schematic.details,
      `[s] step 3/12 (checking that ${surl} exists) failed: Talos ${V} image for schematic ${unknown} not found at ${surl} (404): the version or schematic does not exist on this factory`,
    );
    const missing = await w.upError("u", {
      talosVersion: V,
      imageUrl: `${w.factory.url}/downloads/talos-amd64.raw.xz`,
      location: "nbg1",
    });
    assert.strictEqual(
      missing.details,
      `[u] step 3/12 (checking that ${w.factory.url}/downloads/talos-amd64.raw.xz exists) failed: image not found at ${w.factory.url}/downloads/talos-amd64.raw.xz (404): the version or schematic does not exist on this factory`,
    );
    // Each check asks the catalogue about the location written ("nbg1"); nothing is created.
    assert.deepStrictEqual(w.requests(from), Array(3).fill(["GET /locations 200", "GET /images 200"]).flat());
  });

  it("fails a truncated download in the pipeline (pipefail) and leaves no snapshot, server or key", async () => {
    w.factory.faults.truncateFraction = 0.5;
    try {
      const e = await w.upError("trunc", { talosVersion: V, location: "nbg1" });
      const rescue = /on rescue (127\.20\.\d+\.\d+:22) /.exec(e.details)?.[1];
      // zstd's own words for a stream that ends early; the `sync` and the snapshot never ran.
      assert.strictEqual(
        e.details,
        `[trunc] step 9/12 (writing the image from ${w.factory.url}${imagePath(V)}) failed: writing the image on rescue ${rescue} exited with code 1:\n/*stdin*\\ : Read error (39) : premature end `,
      );
    } finally {
      w.factory.faults.truncateFraction = 1;
    }
    assert.deepStrictEqual(w.inventory(), { servers: [], sshKeys: [], snapshots: [] });
    assert.deepStrictEqual(
      w
        .logsOf("trunc")
        .filter((l) => l.includes("Cleanup:"))
        .map((l) => l.replace(/\d+$/, "N")),
      ["[trunc] Cleanup: deleted temporary server N", "[trunc] Cleanup: deleted temporary SSH key N"],
    );
  });

  it("fails a failed create_image action with the API's error and removes the announced snapshot", async () => {
    w.cloud.faults.failActions = ["create_image"];
    try {
      const e = await w.upError("act", { talosVersion: V, location: "nbg1" });
      assert.match(
        e.details,
        /^\[act\] step 11\/12 \(creating the snapshot\) failed: Cloud action \d+ \(create_image\) failed: action_failed: Action failed\nwhat to do: Hetzner Cloud could not carry the action out \(often capacity or a temporary platform problem\); the run cleaned up what it created, so run pulumi up again, or pick another location or server type if it repeats$/,
      );
    } finally {
      w.cloud.faults.failActions = [];
    }
    assert.deepStrictEqual(w.inventory(), { servers: [], sshKeys: [], snapshots: [] });
    assert.deepStrictEqual(
      w
        .logsOf("act")
        .filter((l) => l.includes("Cleanup:"))
        .map((l) => l.replace(/\d+( was already gone)?$/, "N$1")),
      [
        "[act] Cleanup: incomplete snapshot N was already gone",
        "[act] Cleanup: deleted temporary server N",
        "[act] Cleanup: deleted temporary SSH key N",
      ],
    );
  });

  it("reports a server type sold out in the location with the API's message, and removes the key", async () => {
    const e = await w.upError("sold", { talosVersion: V });
    assert.strictEqual(
      e.details,
      '[sold] step 5/12 (creating the temporary builder (cx23 in fsn1, not started)) failed: Cloud POST /servers failed: resource_unavailable (412): we are unable to provision servers for this location, try with a different location or try later (serverType "cx23" in location "fsn1": set the location or serverType input to one that is available)',
    );
    noLeftovers("after 412");
  });

  it("refuses an arm image on an x86 builder at run time too (check bypassed), deleting the builder", async () => {
    const inputs = {
      __provider: w.provider,
      resourceName: "armx",
      talosVersion: V,
      arch: "arm",
      serverType: "cpx21",
      location: "nbg1",
      timeouts: FAST,
    };
    const e = await w.h.create(urnOf("armx"), inputs).then(
      () => assert.fail("expected a failure"),
      (x) => x,
    );
    assert.strictEqual(
      e.details,
      '[armx] step 5/12 (creating the temporary builder (cpx21 in nbg1, not started)) failed: [serverType] "cpx21" is an x86 server type, but arch is "arm": a snapshot takes the architecture of the server it was taken from, so an arm image written on it would not boot; use an arm type such as "cax11" or leave serverType unset',
    );
    noLeftovers("after the arch mismatch");
  });

  it("records a built snapshot as a partial resource when cleanup fails, naming the leftover; the sweeper removes it", async () => {
    w.cloud.faults.failActions = ["delete_server"];
    let e;
    try {
      e = await w.upError("leak", { talosVersion: V, location: "nbg1" });
    } finally {
      w.cloud.faults.failActions = [];
    }
    const server = w.inventory().servers[0];
    const image = w.inventory().snapshots[0];
    assert.match(
      e.details,
      new RegExp(
        `^\\[leak\\] cleanup failed: temporary server ${server}: Cloud action \\d+ \\(delete_server\\) failed: action_failed: Action failed\\. Leftovers carry the label talos-hetzner/temp=true: run sweepTalosImageLeftovers\\(\\) or delete them in the Cloud console$`,
      ),
    );
    assert.deepStrictEqual(
      [e.initFailure?.id, e.initFailure?.properties.imageId, e.initFailure?.properties.adopted],
      [String(image), image, false],
    );
    assert.deepStrictEqual(
      w
        .logsOf("leak")
        .filter((l) => l.includes("Cleanup:"))
        .map((l) => l.replace(/: Cloud action .*/, "")),
      [
        `[leak] Cleanup: FAILED to delete temporary server ${server}`,
        "[leak] Cleanup: deleted temporary SSH key " + /SSH key (\d+)/.exec(w.logsOf("leak").join("\n"))![1],
      ],
    );
    assert.deepStrictEqual(await sweepTalosImageLeftovers({ client: w.client, pollMs: 5 }), {
      servers: [server],
      firewalls: [],
      sshKeys: [],
    });
    noLeftovers("after the sweep");
  });

  it("retries 429 rate limits and still builds", async () => {
    const from = w.cloud.requests.length;
    w.cloud.faults.rateLimitNext = 3;
    const rec = await w.up("rl", { talosVersion: V, location: "nbg1" });
    assert.strictEqual(rec.outputs.adopted, false);
    assert.deepStrictEqual(
      w.cloud.requests.slice(from, from + 4).map((r) => r.status),
      [429, 429, 429, 200],
    );
    assert.strictEqual(
      w.h.logs.filter((l) => /rate_limit_exceeded \(429\): rate limit exceeded; retry \d in \d+ ms$/.test(l)).length,
      3,
    );
    noLeftovers("after the build");
  });

  it("takes over a build interrupted by a killed host on re-run, leaving nothing for the sweeper", async () => {
    const pending = w.up("cut", { talosVersion: V, location: "nbg1" }).then(
      () => "finished",
      () => "failed",
    );
    await pollUntil(
      async () => ([...w.world.machines.values()].some((m) => m.status() === "rescue") ? true : undefined),
      { what: "the builder to be in rescue", timeoutMs: 30_000, initialMs: 10 },
    );
    await w.h.stop();
    assert.strictEqual(await pending, "failed");
    const left = w.inventory();
    assert.deepStrictEqual([left.servers.length, left.sshKeys.length], [1, 1]);
    w.h = await w.newHost();
    const rec = await w.up("cut", { talosVersion: V, location: "nbg1" });
    assert.strictEqual(rec.outputs.adopted, false);
    const takeover = w
      .logsOf("cut")
      .filter((l) => l.includes("Cleanup:"))
      .slice(0, 3);
    assert.deepStrictEqual(
      takeover.map((l) => l.replace(/run [0-9a-f]{8}/, "run R")),
      [
        `[cut] Cleanup: the build lock of run R (SSH key ${left.sshKeys[0]}) missed 5 heartbeats: removing that abandoned build`,
        `[cut] Cleanup: deleted temporary server ${left.servers[0]}`,
        `[cut] Cleanup: deleted temporary SSH key ${left.sshKeys[0]}`,
      ],
    );
    assert.deepStrictEqual(await sweepTalosImageLeftovers({ client: w.client, pollMs: 5 }), {
      servers: [],
      firewalls: [],
      sshKeys: [],
    });
    assert.deepStrictEqual(w.inventory(), { servers: [], sshKeys: [], snapshots: [Number(rec.id)] });
  });

  it("builds once when two stacks create the same image at the same time; the other adopts it", async () => {
    const from = w.cloud.requests.length;
    const other = await w.newHost();
    const [a, b] = await Promise.all([
      w.up("twin-a", { talosVersion: V, location: "nbg1" }),
      w.up("twin-b", { talosVersion: V, location: "hel1" }, other),
    ]);
    assert.strictEqual(a.id, b.id);
    assert.deepStrictEqual([a.outputs.adopted, b.outputs.adopted].sort(), [false, true]);
    assert.strictEqual(w.requests(from).filter((r) => r === "POST /servers 201").length, 1);
    assert.deepStrictEqual(w.inventory(), { servers: [], sshKeys: [], snapshots: [Number(a.id)] });
  });

  // Runs a build of its own, so it checks real secrets even when it runs alone (and every run before it).
  it("leaked no token, rescue password or private key, and every response matched the OpenAPI document", async () => {
    assert.strictEqual(await w.failAfterRescue("leak-check", V), 1, "the build logged into one rescue system");
    w.assertClean();
  });
});
