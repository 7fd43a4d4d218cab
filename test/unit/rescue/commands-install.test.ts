import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { compressionFromUrl, installImageCommand, parseImageSha256 } from "../../../provider/rescue/commands";
import { runBash } from "./inventory-fixtures";

// Does not prove: behaviour on real block devices or over a real SSH session (the rescue integration tests do),
// nor curl's retry path (no test server fails transiently).
describe("rescue/commands: installImageCommand run by real bash", function () {
  this.timeout(60000);
  let dir: string;
  let server: http.Server;
  let base: string;
  let raw: Buffer;
  const files = new Map<string, Buffer>();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "install-"));
    const img = path.join(dir, "image.raw");
    // Mostly zeros with random islands: compresses fast, still catches any misplaced byte.
    const content = Buffer.alloc(3 * 1024 * 1024);
    for (const off of [1, 5, 9]) randomBytes(128 * 1024).copy(content, off * 256 * 1024);
    fs.writeFileSync(img, content);
    execFileSync("sgdisk", ["-n1:0:+1M", "-t1:ef00", "-c1:EFI", "-n2:0:0", "-c2:STATE", img], { stdio: "ignore" });
    raw = fs.readFileSync(img);
    execFileSync("xz", ["-k", "-0", img]);
    execFileSync("zstd", ["-q", "-k", img]);
    files.set("/metal-amd64.raw", raw);
    files.set("/metal-amd64.raw.xz", fs.readFileSync(`${img}.xz`));
    files.set("/metal-amd64.raw.zst", fs.readFileSync(`${img}.zst`));
    const xz = files.get("/metal-amd64.raw.xz") as Buffer;
    const zst = files.get("/metal-amd64.raw.zst") as Buffer;
    files.set("/truncated.raw.xz", xz.subarray(0, Math.floor(xz.length / 2)));
    files.set("/truncated.raw.zst", zst.subarray(0, Math.floor(zst.length / 2)));
    server = http.createServer((req, res) => {
      const body = files.get(req.url ?? "");
      if (!body) {
        res.writeHead(404).end("not found");
        return;
      }
      res.writeHead(200, { "content-length": body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  function target(): string {
    const t = path.join(dir, `disk-${randomBytes(4).toString("hex")}.img`);
    fs.writeFileSync(t, Buffer.alloc(0));
    fs.truncateSync(t, 8 * 1024 * 1024);
    return t;
  }
  const work = () => fs.mkdtempSync(path.join(dir, "work-"));

  for (const file of ["/metal-amd64.raw.xz", "/metal-amd64.raw.zst", "/metal-amd64.raw"]) {
    it(`writes ${file} byte for byte, prints its sha256 and leaves no work files`, async () => {
      const t = target();
      const w = work();
      const r = await runBash(
        installImageCommand({ url: base + file, target: t, workDir: w, expectedSha256: sha(raw) }),
      );
      assert.deepStrictEqual([r.code, r.stderr], [0, ""]);
      assert.strictEqual(parseImageSha256(r.stdout), sha(raw));
      const written = fs.readFileSync(t);
      assert.strictEqual(written.length, 8 * 1024 * 1024, "conv=notrunc keeps the disk size");
      assert.ok(written.subarray(0, raw.length).equals(raw));
      assert.deepStrictEqual(fs.readdirSync(w), []);
    });
  }

  it("fails on a truncated xz stream (pipefail)", async () => {
    const r = await runBash(
      installImageCommand({ url: `${base}/truncated.raw.xz`, target: target(), workDir: work() }),
    );
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /xz: \(stdin\): Unexpected end of input/);
    assert.throws(() => parseImageSha256(r.stdout), {
      message: 'image pipeline printed no "talos-image-sha256=<hex>" line; it did not finish',
    });
  });

  it("fails on a truncated zstd stream (pipefail)", async () => {
    const r = await runBash(
      installImageCommand({ url: `${base}/truncated.raw.zst`, target: target(), workDir: work() }),
    );
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /\/\*stdin\*\\ : Read error \(39\) : premature end/);
    assert.doesNotMatch(r.stdout, /talos-image-sha256=/);
  });

  it("fails on a 404 and writes nothing", async () => {
    const t = target();
    const r = await runBash(installImageCommand({ url: `${base}/missing.raw.zst`, target: t, workDir: work() }));
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /curl: \(22\) The requested URL returned error: 404/);
    assert.ok(fs.readFileSync(t).equals(Buffer.alloc(8 * 1024 * 1024)));
  });

  it("fails on a checksum mismatch and erases the partition table it wrote", async () => {
    const t = target();
    const bad = "0".repeat(64);
    const r = await runBash(
      installImageCommand({ url: `${base}/metal-amd64.raw.zst`, target: t, workDir: work(), expectedSha256: bad }),
    );
    assert.strictEqual(r.code, 1);
    assert.strictEqual(
      r.stderr,
      `image sha256 mismatch: expected ${bad}, got ${sha(raw)}; erasing signatures on ${t}\n`,
    );
    assert.strictEqual(parseImageSha256(r.stdout), sha(raw));
    assert.strictEqual(execFileSync("wipefs", ["-n", t]).toString(), "");
  });

  it("derives compression from the URL and validates its inputs", () => {
    const table: [string, string][] = [
      ["https://f/image/x/v1.13.9/metal-amd64.raw.zst", "zst"],
      ["https://f/metal-amd64.raw.xz?x=1", "xz"],
      ["https://f/a.raw.bz2", "bz2"],
      ["https://f/a.raw.gz", "gz"],
      ["https://f/a.raw", "raw"],
      ["https://f/xz", "raw"],
    ];
    assert.deepStrictEqual(
      table.map(([u]) => [u, compressionFromUrl(u)]),
      table,
    );
    assert.throws(() => installImageCommand({ url: "file:///etc/passwd", target: "/dev/sda" }), {
      name: "InputError",
      message: '[url] must be an http(s) URL, got "file:///etc/passwd"',
    });
    assert.throws(() => installImageCommand({ url: "nope", target: "/dev/sda" }), {
      message: '[url] must be an absolute http(s) URL, got "nope"',
    });
    assert.throws(() => installImageCommand({ url: "http://x/a", target: "sda" }), {
      message: '[target] must be an absolute device path, got "sda"',
    });
    assert.throws(() => installImageCommand({ url: "http://x/a", target: "/dev/sda", expectedSha256: "ABC" }), {
      message: '[expectedSha256] must be 64 lowercase hex characters, got "ABC"',
    });
  });

  it("quotes a hostile URL so it cannot run commands", async () => {
    const marker = path.join(dir, "pwned");
    const r = await runBash(
      installImageCommand({ url: `${base}/x';touch ${marker};'.raw`, target: target(), workDir: work() }),
    );
    assert.notStrictEqual(r.code, 0);
    assert.strictEqual(fs.existsSync(marker), false);
  });
});
