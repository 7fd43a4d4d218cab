/**
 * The on-disk render/validate cache through the REAL dynamic-provider host: every preview runs in a
 * NEW host process (as every `pulumi preview` does), with TALOSCTL pointing at a wrapper that counts
 * invocations of the talosctl stand-in. An unchanged preview spawns no talosctl; a node patch change
 * spawns one `validate` for that node only; a cluster-wide change one `gen config` plus a `validate`
 * per node. Cache files are 0600 in a 0700 directory and hold no secret in plaintext.
 * Does not prove: the same against the real talosctl binary (the e2e suite), or the real engine's Check.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { TalosMachineConfig } from "../../../../provider/resources/talos-machine-config";
import { bundleSecretValues } from "../../../../provider/runtime/shared/bundle";
import { talosctlPath } from "../../../../provider/sim/talos/runtime";
import { Talosctl } from "../../../../provider/talos/talosctl";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { EngineHarness, capturedProvider } from "../../harness";

const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::";
const NODES = [
  ["cp-1", "controlplane"],
  ["cp-2", "controlplane"],
  ["w-1", "worker"],
] as const;

describe("engine: TalosMachineConfig previews in new processes use the on-disk cache", function () {
  this.timeout(180_000);
  let dir: string;
  let cacheDir: string;
  let wrapper: string;
  let countFile: string;
  let secretsYaml: string;
  let provider: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-cache-"));
    cacheDir = path.join(dir, "cache");
    countFile = path.join(dir, "spawns");
    wrapper = path.join(dir, "talosctl");
    fs.writeFileSync(wrapper, `#!/bin/sh\necho "$1 $2" >> '${countFile}'\nexec '${talosctlPath()}' "$@"\n`, {
      mode: 0o755,
    });
    secretsYaml = await Talosctl.locate({ binary: talosctlPath() }).genSecrets("v1.13.9");
    provider = await capturedProvider(
      () =>
        new TalosMachineConfig("probe", {
          secretsYaml: "x",
          clusterName: "c",
          endpoint: "https://c:6443",
          role: "worker",
          talosVersion: "v1.13.9",
          node: "10.0.0.1",
        }),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Previews (Check) every node in a fresh host; returns the talosctl commands it spawned. */
  async function previewAll(over: (name: string) => Record<string, unknown> = () => ({})): Promise<string[]> {
    const before = fs.existsSync(countFile) ? fs.readFileSync(countFile, "utf8").split("\n").filter(Boolean).length : 0;
    const h = await EngineHarness.start({ env: { TALOSCTL: wrapper, TALOS_HETZNER_CACHE_DIR: cacheDir } });
    try {
      await h.configure({});
      for (const [name, role] of NODES) {
        const p = await h.preview(`${URN}${name}`, {
          __provider: provider,
          secretsYaml,
          clusterName: "c",
          endpoint: "https://10.0.0.2:6443",
          role,
          talosVersion: "v1.13.9",
          delivery: "user-data",
          hostname: name,
          ...over(name),
        });
        assert.deepStrictEqual(p.failures, []);
      }
    } finally {
      await h.stop();
    }
    return fs.readFileSync(countFile, "utf8").split("\n").filter(Boolean).slice(before).sort();
  }

  it("spawns 1 gen config and 1 validate per node when cold, none when nothing changed, 1 validate per changed node", async () => {
    assert.deepStrictEqual(await previewAll(), ["gen config", "validate -c", "validate -c", "validate -c"]);
    assert.deepStrictEqual(await previewAll(), []);
    const patched = (name: string) =>
      name === "w-1" ? { nodePatches: ["machine:\n  nodeLabels:\n    tier: db\n"] } : {};
    assert.deepStrictEqual(await previewAll(patched), ["validate -c"]);
    assert.deepStrictEqual(await previewAll(patched), []);
    assert.deepStrictEqual(await previewAll(() => ({ clusterName: "c2" })), [
      "gen config",
      "validate -c",
      "validate -c",
      "validate -c",
    ]);
  });

  it("keeps the cache private (0700 directory, 0600 files) and free of plaintext secrets", () => {
    assert.strictEqual(fs.statSync(cacheDir).mode & 0o777, 0o700);
    const files = fs.readdirSync(cacheDir);
    assert.ok(files.length >= 8, `${files.length} cache files`);
    for (const f of files) assert.strictEqual(fs.statSync(path.join(cacheDir, f)).mode & 0o777, 0o600, f);
    const contents = files.map((f) => fs.readFileSync(path.join(cacheDir, f)).toString("latin1"));
    assertNoSecrets([contents, files], bundleSecretValues(parse(secretsYaml)), ["cache files", "cache file names"]);
  });
});
