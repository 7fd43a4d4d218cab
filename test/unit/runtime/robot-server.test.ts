/**
 * RobotServer's pure decisions, table-tested: which resets to send, input checks with field-named
 * failures, the diff (rename vs reinstall), how a Talos probe failure is read, timing from deadlines,
 * image URLs, and the NIC/patch outputs.
 * Does not prove: that the flow using these works end to end (test/engine/robot-server*.test.ts do).
 */
import * as assert from "assert";
import { DeadlineError } from "../../../provider/internal/errors";
import { TalosApiError, TalosctlError, TalosctlNotFoundError } from "../../../provider/talos/talosctl";
import { UNKNOWN_VALUE } from "../../../provider/runtime/dispatch/types";
import { checkInputs, normalizeImage, versionInUrl } from "../../../provider/runtime/robot-server/check";
import { diffRobotServer } from "../../../provider/runtime/robot-server";
import { resolveImage } from "../../../provider/runtime/robot-server/image";
import { networkPatchFor, publicMac } from "../../../provider/runtime/robot-server/outputs";
import { ResetPlan, planResets } from "../../../provider/runtime/robot-server/reset";
import { classifyProbeError } from "../../../provider/runtime/robot-server/talos";
import { timingOf } from "../../../provider/runtime/robot-server/types";
import { RobotResetType } from "../../../provider/hetzner/robot";
import { assertTable } from "../../helpers/table";

const VALID = { serverNumber: 2321001, image: { version: "v1.13.9" }, installDisk: { wwn: "eui.002538b9aa" } };

describe("RobotServer pure decisions", () => {
  it("plans resets: power for a shut-off box, hw for a running one, a power cycle as the one escalation", () => {
    const table: [RobotResetType[], string | undefined, ResetPlan][] = [
      [["power", "power_long", "hw", "man"], "running", { first: ["hw"], escalation: ["power_long", "power"] }],
      [["power", "power_long", "hw", "man"], "shut off", { first: ["power"], escalation: ["power_long", "power"] }],
      [["sw", "hw", "man"], "not supported", { first: ["hw"], escalation: ["hw"] }],
      [["power", "power_long"], "running", { first: ["power_long", "power"], escalation: ["power_long", "power"] }],
      [["power", "hw"], "shut off", { first: ["power"], escalation: null }],
    ];
    assert.deepStrictEqual(
      table.map(([t, s]) => [t, s, planResets(t, s)]),
      table,
    );
    assert.throws(() => planResets(["sw", "man"], "not supported"), {
      name: "ResetUnavailableError",
      message:
        "Robot offers neither an hw reset nor a power cycle for this server (types: sw, man); sw and man are never automated",
    });
    assert.throws(() => planResets(["hw"], "shut off"), {
      message: "the server is shut off and Robot offers no power reset to turn it on (types: hw)",
    });
  });

  it("accepts valid inputs and unknown values, and names the field of every bad one", () => {
    assert.deepStrictEqual(checkInputs(VALID), []);
    assert.deepStrictEqual(
      checkInputs({ ...VALID, serverNumber: UNKNOWN_VALUE, image: { version: UNKNOWN_VALUE }, name: UNKNOWN_VALUE }),
      [],
    );
    assert.deepStrictEqual(
      checkInputs({
        ...VALID,
        image: { url: "https://f.example/image/x/v1.12.4/metal-amd64.raw.xz", sha256: "a".repeat(64) },
      }),
      [],
    );
    const table: [Record<string, unknown>, string, string][] = [
      [{ serverNumber: 1.5 }, "serverNumber", "[serverNumber] must be a positive integer, got 1.5"],
      [{ name: "" }, "name", '[name] must be a non-empty string of at most 100 characters, got ""'],
      [{ image: {} }, "image", "[image] must set version (Image Factory) or url"],
      [{ image: { version: "1.13" } }, "image", '[image.version] must look like "v1.13.9", got "1.13"'],
      [
        { image: { url: "https://f.example/talos.raw.xz" } },
        "image",
        "[image.version] is required when the URL does not name the Talos version (it decides the networkPatch form)",
      ],
      [
        { image: { url: "https://f.example/v1.3.0/metal-amd64.tar.gz" } },
        "image",
        '[image.url] must point at a raw disk image (.raw.xz, .raw.zst or .raw), not "metal-amd64.tar.gz": an ISO or archive written to a disk does not boot',
      ],
      [
        { image: { url: "ftp://f.example/v1.13.9/x.raw" } },
        "image",
        '[image.url] must be an http(s) URL, got "ftp://f.example/v1.13.9/x.raw"',
      ],
      [
        { image: { url: "https://f.example/v1.13.9/x.raw.bz2" } },
        "image",
        '[image.url] must end in .raw.xz, .raw.zst or .raw (the compression is taken from the extension), got "x.raw.bz2"',
      ],
      [
        { image: { version: "v1.13.9", sha256: "abc" } },
        "image",
        '[image.sha256] must be 64 lowercase hex characters (sha256 of the decompressed image), got "abc"',
      ],
      [{ image: { version: "v1.13.9", arch: "x86" } }, "image", '[image.arch] must be "amd64" or "arm64", got "x86"'],
      [
        { image: { version: "v1.13.9", flavour: 1 } },
        "image",
        '[image] unknown field "flavour" (known: version, schematicId, arch, url, sha256)',
      ],
      [
        { installDisk: { kernelName: "sda" } },
        "installDisk",
        '[installDisk] unknown field "kernelName" (known: wwn, serial, model, byId, minSizeBytes, maxSizeBytes, type)',
      ],
      [
        { installDisk: undefined },
        "installDisk",
        "[installDisk] is required: a selector matching exactly one disk (wwn, serial, model, byId, size range or type)",
      ],
      [{ adopt: "yes" }, "adopt", '[adopt] must be true or false, got "yes"'],
      [{ nicMac: "a8:a1:59" }, "nicMac", '[nicMac] must be a MAC address like "a8:a1:59:94:19:42", got "a8:a1:59"'],
      [
        { reinstallTrigger: { at: 1 } },
        "reinstallTrigger",
        '[reinstallTrigger] must be a string, number or boolean, got {"at":1}',
      ],
      [
        { deadlines: { rescueMinutes: 5 } },
        "deadlines",
        '[deadlines] unknown field "rescueMinutes" (known: rescueSeconds, installSeconds, maintenanceSeconds)',
      ],
    ];
    assert.deepStrictEqual(
      table.map(([bad]) => [bad, ...Object.values(checkInputs({ ...VALID, ...bad })[0] ?? {})]),
      table.map(([bad, p, r]) => [bad, p, r]),
    );
    assert.deepStrictEqual(normalizeImage({ version: "v1.13.9", sha256: "ABC" }), {
      version: "v1.13.9",
      sha256: "abc",
    });
  });

  it("diffs: rename and recorded-only changes update, serverNumber and reinstallTrigger replace delete-first", () => {
    const olds = { ...VALID, name: "web-1", serverName: "web-1", imageSha256: "x" };
    const table: [Record<string, unknown>, Record<string, unknown>, object][] = [
      [olds, { ...VALID, name: "web-1" }, { changes: false, replaces: [], deleteBeforeReplace: false }],
      [olds, { ...VALID, name: "web-2" }, { changes: true, replaces: [], deleteBeforeReplace: false }],
      [
        { ...olds, serverName: "renamed-outside" },
        { ...VALID, name: "web-1" },
        { changes: true, replaces: [], deleteBeforeReplace: false },
      ],
      [
        olds,
        { ...VALID, name: "web-1", image: { version: "v1.12.4" }, otherDisks: "wipe" },
        { changes: true, replaces: [], deleteBeforeReplace: false },
      ],
      [
        olds,
        { ...VALID, name: "web-1", reinstallTrigger: 1 },
        { changes: true, replaces: ["reinstallTrigger"], deleteBeforeReplace: true },
      ],
      [
        olds,
        { ...VALID, name: "web-1", serverNumber: UNKNOWN_VALUE },
        { changes: true, replaces: ["serverNumber"], deleteBeforeReplace: true },
      ],
    ];
    assertTable(diffRobotServer, table);
  });

  it("reads a probe failure: certificate required is configured, other API answers are maintenance, silence is unreachable", () => {
    const api = (code: string, detail: string) =>
      new TalosApiError("get disks", [{ node: null, grpcCode: code, detail }]);
    const table: [Error, string][] = [
      [
        api(
          "Unavailable",
          'connection error: desc = "error reading server preface: remote error: tls: certificate required"',
        ),
        "configured",
      ],
      [
        api(
          "Unavailable",
          'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"',
        ),
        "unreachable",
      ],
      [api("Unimplemented", "API is not implemented in maintenance mode"), "maintenance"],
      [api("NotFound", 'resource "disks" is not registered'), "maintenance"],
      [new TalosctlError("get disks", 1, "error: something"), "unreachable"],
      [new DeadlineError("talosctl get disks", 5000), "unreachable"],
    ];
    assert.deepStrictEqual(
      table.map(([e]) => classifyProbeError(e)),
      table.map((r) => r[1]),
    );
    assert.throws(() => classifyProbeError(new TalosctlNotFoundError("not on PATH")), {
      name: "TalosctlNotFoundError",
    });
  });

  it("derives every wait from the deadlines", () => {
    const pace = (firstWaitMs: number, initialMs: number, maxMs: number) => ({
      firstWaitMs,
      initialMs,
      factor: 1.25,
      maxMs,
    });
    assert.deepStrictEqual(timingOf(undefined), {
      rescueMs: 600_000,
      installMs: 1_200_000,
      maintenanceMs: 900_000,
      probeMs: 30_000,
      powerOffMs: 120_000,
      rescue: pace(150_000, 5_000, 5_000),
      maintenance: pace(60_000, 5_000, 5_000),
      powerOff: pace(5_000, 500, 1_000),
    });
    assert.deepStrictEqual(timingOf({ rescueSeconds: 1.5, maintenanceSeconds: 2 }), {
      rescueMs: 1500,
      installMs: 1_200_000,
      maintenanceMs: 2000,
      probeMs: 5000,
      powerOffMs: 500,
      rescue: pace(375, 75, 75),
      maintenance: pace(500, 100, 100),
      powerOff: pace(125, 25, 25),
    });
  });

  it("resolves image URLs per version and keeps explicit ones", () => {
    const id = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
    assert.deepStrictEqual(resolveImage({ version: "v1.13.9" }, "https://factory.talos.dev/"), {
      url: `https://factory.talos.dev/image/${id}/v1.13.9/metal-amd64.raw.zst`,
      version: "v1.13.9",
    });
    assert.deepStrictEqual(
      resolveImage({ version: "v1.7.6", arch: "arm64", sha256: "b".repeat(64) }, "https://f.example"),
      { url: `https://f.example/image/${id}/v1.7.6/metal-arm64.raw.xz`, version: "v1.7.6", sha256: "b".repeat(64) },
    );
    const url = "https://mirror.example/talos/v1.12.4/metal-amd64.raw.zst";
    assert.deepStrictEqual(
      [resolveImage({ url }, "https://unused"), versionInUrl("https://x/metal.raw")],
      [{ url, version: "v1.12.4" }, undefined],
    );
  });

  it("picks the public NIC by its IPv4, then the default route, and builds the patch only with a MAC and gateway", () => {
    const nics = [
      { name: "eth1", mac: "a8:00:00:00:00:02", isDefaultRoute: true },
      { name: "eth0", mac: "a8:00:00:00:00:01", ipv4: "203.0.113.5", isDefaultRoute: false },
    ];
    assert.deepStrictEqual(
      [publicMac({ nics }, "203.0.113.5"), publicMac({ nics }, "198.51.100.1"), publicMac({ nics: [] }, null)],
      ["a8:00:00:00:00:01", "a8:00:00:00:00:02", null],
    );
    const net = {
      serverName: "s",
      ipv4: "203.0.113.5",
      ipv4Prefix: 26,
      ipv4Gateway: "203.0.113.1",
      ipv6Net: "2a01:4f8:1:2::/64",
      ipv6Address: "2a01:4f8:1:2::1",
    };
    const patch = networkPatchFor("v1.11.5", "a8:00:00:00:00:01", net)!;
    assert.ok(
      patch.includes("hardwareAddr: a8:00:00:00:00:01") &&
        patch.includes("203.0.113.5/32") &&
        patch.includes("2a01:4f8:1:2::1/64"),
      patch,
    );
    assert.deepStrictEqual(
      [
        networkPatchFor("v1.13.9", null, net),
        networkPatchFor("v1.13.9", "a8:00:00:00:00:01", { ...net, ipv4Gateway: null }),
      ],
      [null, null],
    );
  });
});
