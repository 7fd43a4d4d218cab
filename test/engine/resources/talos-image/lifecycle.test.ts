/**
 * TalosImage through the REAL dynamic-provider host against the simulator: preview (check/diff), a
 * build on a temporary rescue server whose snapshot then boots Talos, adoption by a second resource
 * without any server, refresh, delete of built vs adopted vs retained snapshots, and a snapshot
 * deleted out of band. Every Cloud response is checked against the OpenAPI document; no token,
 * rescue password or private key may reach state, logs or transcripts.
 * Does not prove: behaviour against the real Hetzner API (real snapshot times, real rescue images),
 * or anything the Pulumi CLI adds beyond contracts/pulumi-dynamic.md §1–§4.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { TalosImage } from "../../../../provider/resources/talos-image";
import { pollUntil } from "../../../../provider/internal/poll";
import { Machine } from "../../../../provider/sim/machines/machine/machine";
import { VANILLA_SCHEMATIC_ID } from "../../../../provider/talos/schematic";
import { FAST, TalosImageWorld, urnOf } from "./world";
import { isThinShim, registeredInputs } from "../../harness-provider";

const V = "v1.13.9";
const KEY_LABELS = {
  os: "talos",
  "talos-version": V,
  arch: "x86",
  "talos-schematic": VANILLA_SCHEMATIC_ID.slice(0, 32),
  "created-by": "pulumi-talos-hetzner",
};

describe("engine: TalosImage lifecycle through the real host and the simulator", function () {
  this.timeout(180_000);
  let w: TalosImageWorld;
  let built = "";

  before(async () => {
    w = await TalosImageWorld.start();
  });
  after(async () => w?.stop());

  it("registers with its name as resourceName, seeded outputs and a small shim", async () => {
    let r!: TalosImage;
    const { urn, inputs } = await registeredInputs(() => (r = new TalosImage("img", { talosVersion: V, arch: "arm" })));
    assert.strictEqual(urn, urnOf("img"));
    assert.deepStrictEqual(
      [inputs.resourceName, inputs.talosVersion, inputs.arch, pulumi.Output.isInstance(r.imageId)],
      ["img", V, "arm", true],
    );
    assert.ok(isThinShim(w.provider), "thin shim");
  });

  it("previews with check only, naming every bad input", async () => {
    const before = w.h.transcript.length;
    const p = await w.h.preview(urnOf("bad"), {
      __provider: w.provider,
      talosVersion: "1.13",
      arch: "arm",
      serverType: "cx23",
      schematic: { customization: { extraKernelArgs: ["a"] } },
      schematicId: "abc",
      imageUrl: "https://example.com/talos.iso",
      labels: { os: "linux", "bad/": "x" },
      timeouts: { sshSeconds: 0 },
    });
    assert.deepStrictEqual(p.failures, [
      { property: "talosVersion", reason: '[talosVersion] must look like "v1.13.9", got "1.13"' },
      { property: "schematicId", reason: "[schematicId] set either schematic or schematicId, not both" },
      {
        property: "imageUrl",
        reason:
          '[imageUrl] must point at a raw disk image (.raw, .raw.xz, .raw.zst, .raw.bz2 or .raw.gz), not "talos.iso"',
      },
      {
        property: "serverType",
        reason:
          '[serverType] "cx23" is an x86 server type, but arch is "arm": a snapshot takes the architecture of the server it was taken from, so an arm image written on it would not boot; use an arm type such as "cax11" or leave serverType unset',
      },
      { property: "labels", reason: '[labels] "os" is set by TalosImage to find the snapshot again; use other keys' },
      {
        property: "timeouts",
        reason: "[timeouts.sshSeconds] must be a number of seconds above 0 and at most 86400, got 0",
      },
    ]);
    assert.deepStrictEqual([p.op, w.h.transcript.slice(before).map((c) => c.method)], ["create", ["check"]]);
  });

  it("builds the snapshot on a temporary rescue server, cleans up, and the snapshot boots Talos", async () => {
    const from = w.cloud.requests.length;
    const rec = await w.up("img", { talosVersion: V });
    built = rec.id;
    const id = Number(rec.id);
    const o = rec.outputs;
    assert.deepStrictEqual(
      [o.imageId, o.arch, o.resolvedSchematicId, o.adopted, o.imageSizeGb, o.diskSizeGb, o.imageLabels],
      [id, "x86", VANILLA_SCHEMATIC_ID, false, 0.01, 40, KEY_LABELS],
    );
    assert.strictEqual(o.sourceUrl, `${w.factory.url}/image/${VANILLA_SCHEMATIC_ID}/${V}/hcloud-amd64.raw.zst`);
    const server = /server (\d+) \(talos-image-[0-9a-f]{8}\) at 127\./.exec(w.logsOf("img").join("\n"))?.[1];
    assert.deepStrictEqual(w.requests(from), [
      "GET /images 200",
      "GET /images 200",
      "GET /ssh_keys 200",
      "POST /ssh_keys 201",
      "GET /ssh_keys 200",
      "GET /images 200",
      "POST /servers 201",
      `POST /servers/${server}/actions/enable_rescue 201`,
      `POST /servers/${server}/actions/poweron 201`,
      `GET /servers/${server} 200`,
      `POST /servers/${server}/actions/create_image 201`,
      `GET /images/${id} 200`,
      `DELETE /servers/${server} 200`,
      `DELETE /ssh_keys/20001 204`,
    ]);
    assert.deepStrictEqual(w.inventory(), { servers: [], sshKeys: [], snapshots: [id] });
    const steps = w
      .logsOf("img")
      .filter((l) => / step \d+\/12: /.test(l))
      .map((l) => l.replace(/: .*/, ""));
    assert.deepStrictEqual(
      steps,
      Array.from({ length: 12 }, (_, i) => `[img] step ${i + 1}/12`),
    );
    assert.deepStrictEqual(
      w.logsOf("img").filter((l) => l.includes("Cleanup:")),
      [`[img] Cleanup: deleted temporary server ${server}`, "[img] Cleanup: deleted temporary SSH key 20001"],
    );
    const node = await w.client.servers.create({ name: "node-1", serverType: "cx23", image: id, location: "nbg1" });
    const m = w.world.machines.get(`cloud-${node.server.id}`) as Machine;
    await pollUntil(async () => (["talos", "no-os"].includes(m.status()) ? true : undefined), {
      what: "the node to boot",
      timeoutMs: 20_000,
      initialMs: 20,
    });
    assert.deepStrictEqual([m.status(), m.lastBootReport()], ["talos", `sda boots Talos ${V} in maintenance mode`]);
    await w.client.actions.waitFor([await w.client.servers.delete(node.server.id)], { timeoutMs: 20_000 });
  });

  it("adopts the same image for a second resource with one request (after check's two catalogue reads) and no server", async () => {
    const from = w.cloud.requests.length;
    const rec = await w.up("img-b", { talosVersion: V, serverType: "cx33", location: "hel1" });
    assert.deepStrictEqual([rec.id, rec.outputs.adopted, rec.outputs.imageLabels], [built, true, KEY_LABELS]);
    // check asks the catalogue about the location and server type the user wrote (issue 16, item 6).
    assert.deepStrictEqual(w.requests(from), ["GET /locations 200", "GET /server_types 200", "GET /images 200"]);
    assert.deepStrictEqual(w.logsOf("img-b").slice(1), [
      `[img-b]   adopting snapshot ${built} (found by its labels); no builder server was created`,
    ]);
  });

  it("previews replacements: same image deletes first, another image creates first, timeouts update in place", async () => {
    const old = w.h.state.get(urnOf("img"))!;
    const preview = (change: Record<string, unknown>) =>
      w.h.preview(urnOf("img"), { ...old.inputs, __provider: w.provider, ...change });
    const same = await preview({});
    assert.deepStrictEqual([same.op, same.diff?.changes], ["same", "none"]);
    const desc = await preview({ description: "mine" });
    assert.deepStrictEqual(
      [desc.op, desc.diff?.replaces, desc.diff?.deleteBeforeReplace],
      ["replace", ["description"], true],
    );
    const version = await preview({ talosVersion: "v1.12.4", serverType: "cx33" });
    assert.deepStrictEqual(
      [version.op, version.diff?.replaces, version.diff?.deleteBeforeReplace],
      ["replace", ["talosVersion", "serverType"], false],
    );
    const timeouts = await preview({ timeouts: { ...FAST, sshSeconds: 99 } });
    assert.deepStrictEqual([timeouts.op, timeouts.diff?.replaces], ["update", []]);
    const refreshed = await w.h.refresh(urnOf("img"));
    assert.deepStrictEqual([refreshed.gone, refreshed.diff?.changes], [false, "none"]);
  });

  it("delete leaves an adopted snapshot, removes a built one, and tolerates it being gone already", async () => {
    const adopted = w.h.state.get(urnOf("img-b"))!;
    await w.h.delete(adopted.id, adopted.urn, adopted.outputs);
    assert.ok(await w.client.images.get(Number(built)), "the adopted snapshot must survive");
    const mine = w.h.state.get(urnOf("img"))!;
    await w.h.delete(mine.id, mine.urn, mine.outputs);
    assert.strictEqual(await w.client.images.get(Number(built)), undefined);
    await w.h.delete(mine.id, mine.urn, mine.outputs);
    assert.deepStrictEqual(
      w.h.logs.filter((l) => /^\[img(-b)?\] (leaving|deleted|snapshot)/.test(l)),
      [
        `[img-b] leaving snapshot ${built} alone: it was adopted, not built by this resource`,
        `[img] deleted snapshot ${built}`,
        `[img] snapshot ${built} was already deleted`,
      ],
    );
  });

  it("keeps a retained snapshot with the user's labels and description, and drops it from state once deleted out of band", async () => {
    const rec = await w.up("kept", {
      talosVersion: "v1.12.4",
      retainOnDelete: true,
      labels: { team: "platform" },
      description: "golden",
    });
    const id = Number(rec.id);
    const img = (await w.client.images.get(id))!;
    assert.deepStrictEqual(
      [img.description, img.labels.team, img.labels["talos-version"], rec.outputs.sourceUrl],
      ["golden", "platform", "v1.12.4", `${w.factory.url}/image/${VANILLA_SCHEMATIC_ID}/v1.12.4/hcloud-amd64.raw.zst`],
    );
    await w.h.delete(rec.id, rec.urn, rec.outputs);
    assert.ok(await w.client.images.get(id), "retainOnDelete keeps the snapshot");
    await w.client.images.delete(id);
    assert.deepStrictEqual(await w.h.refresh(urnOf("kept")), { gone: true });
    assert.strictEqual(w.h.state.has(urnOf("kept")), false);
    assert.deepStrictEqual(w.inventory(), { servers: [], sshKeys: [], snapshots: [] });
  });

  // Runs a build of its own, so it checks real secrets even when it runs alone (and every run before it).
  it("leaked no token, rescue password or private key, and every response matched the OpenAPI document", async () => {
    assert.strictEqual(await w.failAfterRescue("leak-check", V), 1, "the build logged into one rescue system");
    w.assertClean();
  });
});
