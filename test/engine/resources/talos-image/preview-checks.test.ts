/**
 * Preview-time checks through the REAL dynamic-provider host (issue 16, item 6): TalosImage asks the
 * simulated Cloud API (read-only, validated against the OpenAPI document) whether its builder's
 * location and server type exist and whether each Cloud pool that boots from it has a server type of
 * its architecture offered in its location; RobotServer and RobotFirewall refuse a plain-http Robot
 * URL unless it is a loopback address. Does not prove: the real Cloud API's catalogue (the simulator
 * carries a subset of server types and locations).
 */
import * as assert from "assert";
import { RobotServer } from "../../../../provider/resources/robot-server";
import { EngineHarness, capturedProvider } from "../../harness";
import { TalosImageWorld, urnOf } from "./world";

const ROBOT_URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:RobotServer::cp-0";

describe("engine: preview-time checks against the Cloud catalogue and of the Robot URL", function () {
  this.timeout(120_000);

  describe("TalosImage and its pools", () => {
    let w: TalosImageWorld;
    before(async () => {
      w = await TalosImageWorld.start();
    });
    after(async () => w?.stop());

    it("names an unknown builder location and server type, and every pool that could not boot the snapshot", async () => {
      const from = w.cloud.requests.length;
      const p = await w.h.preview(urnOf("img"), {
        __provider: w.provider,
        talosVersion: "v1.13.9",
        location: "fsn9",
        serverType: "cx99",
        pools: [
          { name: "arm", serverType: "cax11", location: "fsn1" },
          { name: "typo", serverType: "cx34", location: "fsn1" },
          { name: "far", serverType: "cx33", location: "mars1" },
          { name: "ok", serverType: "cx33", location: "nbg1" },
        ],
      });
      assert.deepStrictEqual(p.failures, [
        { property: "location", reason: '[location] "fsn9" is not a Hetzner Cloud location (known: fsn1, nbg1, hel1)' },
        {
          property: "serverType",
          reason: '[serverType] "cx99" is not a Hetzner Cloud server type; leave it unset for "cx23"',
        },
        {
          property: "pools",
          reason:
            '[pools[0].serverType] "cax11" (pool "arm") is an arm server type, but the cluster\'s snapshot is x86: its servers would not boot from it; use an x86 type such as "cx23", or set cloudImage.arch to "arm"',
        },
        { property: "pools", reason: '[pools[1].serverType] "cx34" (pool "typo") is not a Hetzner Cloud server type' },
        {
          property: "pools",
          reason: '[pools[2].location] "mars1" is not a Hetzner Cloud location (known: fsn1, nbg1, hel1) (pool "far")',
        },
      ]);
      const calls = w.cloud.requests.slice(from).map((r) => `${r.method} ${r.path}`);
      assert.ok(
        calls.length > 0 && calls.every((c) => c.startsWith("GET /locations") || c.startsWith("GET /server_types")),
        calls.join(", "),
      );
    });

    it("accepts pools of the snapshot's architecture, with no write to the Cloud", async () => {
      const from = w.cloud.requests.length;
      const p = await w.h.preview(urnOf("img-arm"), {
        __provider: w.provider,
        talosVersion: "v1.13.9",
        arch: "arm",
        pools: [{ name: "arm", serverType: "cax21", location: "hel1" }],
      });
      assert.deepStrictEqual([p.failures, w.cloud.requests.slice(from).filter((r) => r.method !== "GET")], [[], []]);
    });
  });

  describe("the Robot URL", () => {
    const args = { serverNumber: 2321001, image: { version: "v1.13.9" }, installDisk: { type: "nvme" as const } };
    async function previewWith(url: string) {
      const provider = await capturedProvider(() => new RobotServer("probe", { ...args }));
      const h = await EngineHarness.start({ env: { HETZNER_ROBOT_URL: url } });
      try {
        await h.configure({});
        return await h.preview(ROBOT_URN, { __provider: provider, ...args }).then(
          (p) => p.failures,
          (e: Error & { details?: string }) => e.details ?? e.message,
        );
      } finally {
        await h.stop();
      }
    }

    it("refuses plain http to a remote host before anything is sent, and accepts https and a loopback simulator", async () => {
      assert.strictEqual(
        await previewWith("http://robot-ws.your-server.de"),
        "[talos-hetzner:robotUrl (or HETZNER_ROBOT_URL)] must use https: the Robot password travels in every request's Basic auth header, which plain http sends in clear text (http is accepted only for a loopback simulator), got http://robot-ws.your-server.de",
      );
      assert.deepStrictEqual(await previewWith("https://robot-ws.your-server.de"), []);
      assert.deepStrictEqual(await previewWith("http://127.0.0.1:8080"), []);
    });
  });
});
