import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { ConfigRenderCache, configHash, renderMachineConfig, type RenderArgs } from "../../../../provider/talos/config";

// Does not prove: behaviour with the real talosctl wrapper (a fake generator returns the gen-config
// fixtures), nor that talosctl's strict validation accepts the result (the fake records the call only).
const GEN = FIXTURES + "/talos/gen-config";
const fixture = (v: string, role: string) => fs.readFileSync(`${GEN}/${v}/base-${role}.yaml`, "utf8");
const secretsYaml = fs.readFileSync(`${GEN}/secrets.yaml`, "utf8");

function fakeGenerator(version = "v1.13", validation: { warnings: string[] } | string[] | Error = { warnings: [] }) {
  const calls: { gen: unknown[]; validate: Array<{ mode: string; strict: boolean }> } = { gen: [], validate: [] };
  return {
    calls,
    genConfig: async (o: unknown) => {
      calls.gen.push(o);
      return {
        controlplane: fixture(version, "controlplane"),
        worker: fixture(version, "worker"),
        talosconfig: "context: base\n",
      };
    },
    validate: async (_config: string, mode: "metal" | "cloud", strict: boolean) => {
      calls.validate.push({ mode, strict });
      if (validation instanceof Error) throw validation;
      return validation;
    },
  };
}

const args = (over: Partial<RenderArgs> = {}): RenderArgs => ({
  clusterName: "base",
  endpoint: "https://base:6443",
  role: "worker",
  talosVersion: "v1.13.9",
  kubernetesVersion: "1.28.0",
  installImage: "ghcr.io/siderolabs/installer:v1.13.9",
  secretsYaml,
  mode: "metal",
  ...over,
});
const v1alpha1 = (config: string) => parseAllDocuments(config)[0].toJS();

describe("renderMachineConfig", () => {
  it("one gen config serves 50 nodes of both roles; a new cache key generates again", async () => {
    const gen = fakeGenerator();
    const cache = new ConfigRenderCache();
    const nodes = Array.from({ length: 50 }, (_, i) =>
      args({ role: i % 2 ? "worker" : "controlplane", hostname: `n-${i}`, installDisk: `/dev/sd${"ab"[i % 2]}` }),
    );
    const out = await Promise.all(nodes.map((a) => renderMachineConfig(a, { generator: gen, cache })));
    assert.strictEqual(gen.calls.gen.length, 1);
    assert.deepStrictEqual(gen.calls.gen[0], {
      clusterName: "base",
      endpoint: "https://base:6443",
      secretsYaml,
      talosVersion: "v1.13.9",
      kubernetesVersion: "1.28.0",
      installImage: "ghcr.io/siderolabs/installer:v1.13.9",
    });
    assert.strictEqual(cache.size, 1);
    assert.deepStrictEqual(
      [v1alpha1(out[0].config).machine.type, v1alpha1(out[1].config).machine.type],
      ["controlplane", "worker"],
    );
    assert.strictEqual(v1alpha1(out[3].config).machine.install.disk, "/dev/sdb");
    assert.strictEqual(parseAllDocuments(out[7].config)[1].toJS().hostname, "n-7");
    await renderMachineConfig(args({ kubernetesVersion: "1.29.0" }), { generator: gen, cache });
    assert.strictEqual(gen.calls.gen.length, 2);
    assert.deepStrictEqual(gen.calls.validate[0], { mode: "metal", strict: true });
  });

  it("applies cluster, role, node (with variables), network patches, then the hostname, in that order", async () => {
    const r = await renderMachineConfig(
      args({
        hostname: "cp-1",
        role: "controlplane",
        clusterPatches: ["machine: {certSANs: [cluster]}"],
        rolePatches: [{ machine: { certSANs: ["role"] } }],
        nodePatches: ["machine: {certSANs: ['node-${hostname}-${private_ip}']}"],
        variables: { private_ip: "10.0.0.5" },
        networkPatch: "machine: {certSANs: [network]}",
      }),
      { generator: fakeGenerator(), cache: new ConfigRenderCache() },
    );
    assert.deepStrictEqual(v1alpha1(r.config).machine.certSANs, ["cluster", "role", "node-cp-1-10.0.0.5", "network"]);
    assert.deepStrictEqual(parseAllDocuments(r.config)[1].toJS(), {
      apiVersion: "v1alpha1",
      kind: "HostnameConfig",
      auto: "off",
      hostname: "cp-1",
    });
    assert.strictEqual(r.hash, configHash(r.config));
    assert.strictEqual(r.talosconfig, "context: base\n");
    assert.ok(!r.redacted.includes("d8cwfa.eyvpi0xwxyarbfid") && r.config.includes("d8cwfa.eyvpi0xwxyarbfid"));
  });

  it("uses machine.network.hostname for Talos v1.11 and accepts validate() returning a plain warning list", async () => {
    const r = await renderMachineConfig(args({ talosVersion: "v1.11.2", hostname: "w-1" }), {
      generator: fakeGenerator("v1.11", ["warn-1"]),
      cache: new ConfigRenderCache(),
    });
    assert.strictEqual(v1alpha1(r.config).machine.network.hostname, "w-1");
    assert.deepStrictEqual(r.warnings, ["warn-1"]);
  });

  it("errors name the patch list and index, and bad patches fail before gen config runs", async () => {
    const cases: Array<[Partial<RenderArgs>, string]> = [
      [
        { nodePatches: ["machine: {}", "machine:\n\tx: 1\n"] },
        "nodePatches[1]: invalid YAML at line 2: Tabs are not allowed as indentation",
      ],
      [
        { nodePatches: ["x: ${vlan}"], variables: { hostname: "a" } },
        "nodePatches[0]: unknown variable ${vlan} (known: hostname)",
      ],
      [
        { clusterPatches: ["apiVersion: v1alpha1\nkind: Bogus\n"] },
        'clusterPatches[0]: document kind "Bogus" is not known to Talos v1.13',
      ],
      [
        { hostname: "a", networkPatch: "machine: {network: {hostname: b}}" },
        "networkPatch: static hostname is already set in v1alpha1 config; since Talos v1.12 the hostname is set with a HostnameConfig document",
      ],
    ];
    for (const [over, message] of cases) {
      const gen = fakeGenerator();
      await assert.rejects(renderMachineConfig(args(over), { generator: gen, cache: new ConfigRenderCache() }), {
        name: "ConfigPatchError",
        message,
      });
      assert.strictEqual(gen.calls.gen.length, 0, message);
    }
  });

  it("a patch failing on the generated base names the patch and the path", async () => {
    await assert.rejects(
      renderMachineConfig(
        args({ rolePatches: ["machine: {}", "machine:\n  network:\n    hostname: {$patch: delete}\n"] }),
        { generator: fakeGenerator(), cache: new ConfigRenderCache() },
      ),
      {
        name: "ConfigPatchError",
        message:
          "rolePatches[1]: patch delete: path 'machine.network.hostname' in document '/v1alpha1': failed to delete path 'machine.network.hostname': lookup failed",
      },
    );
  });

  it("validates endpoint and role before spawning anything", async () => {
    const gen = fakeGenerator();
    await assert.rejects(renderMachineConfig(args({ endpoint: "10.0.0.1:6443" }), { generator: gen }), {
      name: "InputError",
      message: '[endpoint] no scheme specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"',
    });
    await assert.rejects(renderMachineConfig(args({ role: "master" as never }), { generator: gen }), {
      message: '[role] must be "controlplane" or "worker", got "master"',
    });
    assert.strictEqual(gen.calls.gen.length, 0);
  });

  it("wraps a validation failure with role and mode", async () => {
    const gen = fakeGenerator("v1.13", new Error("either install disk or diskSelector should be defined"));
    await assert.rejects(renderMachineConfig(args(), { generator: gen, cache: new ConfigRenderCache() }), {
      name: "ConfigError",
      message:
        "rendered worker config is not valid for metal mode: either install disk or diskSelector should be defined",
    });
  });

  it("a failed gen config is not cached", async () => {
    const cache = new ConfigRenderCache();
    let n = 0;
    const gen = {
      ...fakeGenerator(),
      genConfig: async () => {
        if (n++ === 0) throw new Error("talosctl crashed");
        return fakeGenerator().genConfig({});
      },
    };
    await assert.rejects(renderMachineConfig(args(), { generator: gen, cache }), /talosctl crashed/);
    await renderMachineConfig(args(), { generator: gen, cache });
    assert.strictEqual(n, 2);
  });
});
