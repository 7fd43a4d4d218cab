import * as assert from "assert";
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import {
  checkImageExists,
  factoryHostOf,
  imageUrl,
  installerImage,
  releaseImageUrl,
  resolveSchematicId,
} from "../../../provider/talos/factory";

const VANILLA = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
const NOAPIC = "9cba8e32753f91a16c1837ab8abf356af021706ef284aef07380780177d9a06c";

interface Seen {
  method: string;
  url: string;
  type?: string;
  body: string;
}

// Does not prove: behaviour against the real factory.talos.dev (its 302-to-CDN answer is modelled by the test
// server), nor TLS; ids for non-trivial schematics rest on schematic.ts (tested by its owner) and the contract's two known ids.
describe("talos/factory client against a local HTTP server", () => {
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  let script: ((s: Seen) => [number, string, Record<string, string>?]) | undefined;
  const sleeps: number[] = [];
  const retry = {
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  };

  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req
        .on("data", (c) => {
          body += c;
        })
        .on("end", () => {
          const s: Seen = { method: req.method ?? "", url: req.url ?? "", type: req.headers["content-type"], body };
          seen.push(s);
          const [status, text, headers] = script ? script(s) : [404, "not found"];
          res.writeHead(status, headers).end(req.method === "HEAD" ? undefined : text);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  beforeEach(() => {
    seen.length = 0;
    sleeps.length = 0;
    script = undefined;
  });

  it("an absent or empty schematic resolves to the vanilla id without a request", async () => {
    assert.strictEqual(await resolveSchematicId({ factoryUrl: base }), VANILLA);
    assert.strictEqual(await resolveSchematicId({ factoryUrl: base, schematic: { customization: {} } }), VANILLA);
    assert.deepStrictEqual(seen, []);
  });

  it("POSTs the canonical YAML and returns the 201 id", async () => {
    script = (s) => [
      201,
      JSON.stringify({ id: createHash("sha256").update(s.body).digest("hex") }),
      { "content-type": "application/json" },
    ];
    const id = await resolveSchematicId({
      factoryUrl: `${base}/`,
      schematic: { customization: { extraKernelArgs: ["noapic", "nolapic"] } },
    });
    assert.strictEqual(id, NOAPIC);
    assert.deepStrictEqual(seen, [
      {
        method: "POST",
        url: "/schematics",
        type: "application/yaml",
        body: "customization:\n    extraKernelArgs:\n        - noapic\n        - nolapic\n",
      },
    ]);
  });

  it("400 and 404 fail at once with the URL and status; 5xx is retried, then fails", async () => {
    const schematic = { customization: { extraKernelArgs: ["x"] } };
    for (const status of [400, 404]) {
      script = () => [status, "error: bad schematic\n"];
      await assert.rejects(resolveSchematicId({ factoryUrl: base, schematic, retry }), {
        name: "ImageFactoryError",
        status,
        url: `${base}/schematics`,
        message: `Image Factory POST ${base}/schematics failed: ${status}: error: bad schematic`,
      });
    }
    assert.strictEqual(seen.length, 2);
    let n = 0;
    script = () => (++n < 3 ? [503, "busy"] : [201, JSON.stringify({ id: NOAPIC })]);
    assert.strictEqual(await resolveSchematicId({ factoryUrl: base, schematic, retry }), NOAPIC);
    assert.deepStrictEqual(sleeps, [1000, 2000]);
    script = () => [502, "bad gateway"];
    await assert.rejects(resolveSchematicId({ factoryUrl: base, schematic, retry }), {
      name: "ImageFactoryError",
      status: 502,
      message: `Image Factory POST ${base}/schematics failed: 502: bad gateway`,
    });
    script = () => [201, '{"id":"short"}'];
    await assert.rejects(resolveSchematicId({ factoryUrl: base, schematic, retry }), {
      message: `Image Factory POST ${base}/schematics returned no schematic id: {"id":"short"}`,
    });
  });

  it("an unreachable factory fails with a clear error after retries", async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((r) => dead.close(r));
    await assert.rejects(
      resolveSchematicId({
        factoryUrl: url,
        schematic: { customization: { extraKernelArgs: ["x"] } },
        retry: { ...retry, attempts: 2 },
      }),
      {
        name: "ImageFactoryError",
        message: `Image Factory POST ${url}/schematics failed: fetch failed`,
      },
    );
  });

  it("validates a given schematicId and refuses both inputs at once", async () => {
    assert.strictEqual(await resolveSchematicId({ factoryUrl: base, schematicId: NOAPIC }), NOAPIC);
    await assert.rejects(resolveSchematicId({ factoryUrl: base, schematicId: "abc" }), {
      name: "InputError",
      message: '[schematicId] must be 64 lowercase hex characters, got "abc"',
    });
    await assert.rejects(resolveSchematicId({ factoryUrl: base, schematicId: NOAPIC, schematic: {} }), {
      message: "[schematicId] set either schematic or schematicId, not both",
    });
  });

  it("builds image URLs, release URLs and installer images per version", () => {
    assert.strictEqual(
      imageUrl({
        factoryUrl: "https://factory.talos.dev/",
        schematicId: VANILLA,
        version: "v1.13.9",
        platform: "hcloud",
        arch: "arm64",
        compression: "xz",
      }),
      `https://factory.talos.dev/image/${VANILLA}/v1.13.9/hcloud-arm64.raw.xz`,
    );
    assert.throws(
      () =>
        imageUrl({
          factoryUrl: base,
          schematicId: VANILLA,
          version: "1.13.9",
          platform: "metal",
          arch: "amd64",
          compression: "zst",
        }),
      { message: '[version] must look like "v1.13.9", got "1.13.9"' },
    );
    assert.deepStrictEqual(
      ["v1.7.7", "v1.8.0"].map((version) => releaseImageUrl({ version, arch: "amd64" })),
      [
        "https://github.com/siderolabs/talos/releases/download/v1.7.7/metal-amd64.raw.xz",
        "https://github.com/siderolabs/talos/releases/download/v1.8.0/metal-amd64.raw.zst",
      ],
    );
    assert.strictEqual(
      releaseImageUrl({ version: "v1.12.4", arch: "arm64", baseUrl: base }),
      `${base}/siderolabs/talos/releases/download/v1.12.4/metal-arm64.raw.zst`,
    );
    assert.deepStrictEqual(
      [
        installerImage({
          factoryHost: "factory.talos.dev",
          schematicId: VANILLA,
          version: "v1.9.6",
          platform: "metal",
        }),
        installerImage({
          factoryHost: "https://factory.talos.dev",
          schematicId: VANILLA,
          version: "v1.10.0",
          platform: "metal",
        }),
        installerImage({
          factoryHost: "http://127.0.0.1:8080/",
          schematicId: VANILLA,
          version: "v1.13.9",
          platform: "hcloud",
        }),
      ],
      [
        `factory.talos.dev/installer/${VANILLA}:v1.9.6`,
        `factory.talos.dev/metal-installer/${VANILLA}:v1.10.0`,
        `127.0.0.1:8080/hcloud-installer/${VANILLA}:v1.13.9`,
      ],
    );
    assert.strictEqual(factoryHostOf("https://user:pw@factory.talos.dev/x"), "factory.talos.dev");
  });

  it("checkImageExists: 200 and 302 pass, 404 names version and schematic", async () => {
    const url = imageUrl({
      factoryUrl: base,
      schematicId: VANILLA,
      version: "v1.13.9",
      platform: "metal",
      arch: "amd64",
      compression: "zst",
    });
    script = (s) =>
      s.url.includes("v1.13.9")
        ? [302, "", { location: "https://cdn.invalid/x" }]
        : s.url.includes("v1.12.4")
          ? [200, ""]
          : [404, ""];
    await checkImageExists(url);
    await checkImageExists(url.replace("v1.13.9", "v1.12.4"));
    const missing = url.replace("v1.13.9", "v1.99.0");
    await assert.rejects(checkImageExists(missing), {
      name: "ImageFactoryError",
      status: 404,
      message: `Talos v1.99.0 image for schematic ${VANILLA} not found at ${missing} (404): the version or schematic does not exist on this factory`,
    });
    assert.deepStrictEqual(
      seen.map((s) => s.method),
      ["HEAD", "HEAD", "HEAD"],
    );
  });
});
