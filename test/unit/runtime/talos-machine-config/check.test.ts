/**
 * TalosMachineConfig check() and diff() with a fake talosctl (gen config answers with the v1.13
 * fixtures): computed inputs, impact against the previous rendering, unknowns during preview,
 * field-named failures, validation blamed on the first failing patch, drift and replacement keys.
 * Does not prove: that the real talosctl stand-in renders/validates the same way (see
 * test/engine/talos-machine-config-faults.test.ts), nor anything about nodes.
 */
import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import { ConfigRenderCache, REDACTED, secretValuesOf } from "../../../../provider/talos/config";
import { TalosConfigInvalidError } from "../../../../provider/talos/talosctl";
import { UNKNOWN_VALUE } from "../../../../provider/runtime/dispatch/types";
import { checkMachineConfig } from "../../../../provider/runtime/talos-machine-config/check";
import { RuntimeDeps, TalosClient } from "../../../../provider/runtime/talos-machine-config/deps";
import { diffMachineConfig } from "../../../../provider/runtime/talos-machine-config";

const GEN = FIXTURES + "/talos/gen-config";
const fixture = (v: string, role: string) => fs.readFileSync(`${GEN}/${v}/base-${role}.yaml`, "utf8");
const secretsYaml = fs.readFileSync(`${GEN}/secrets.yaml`, "utf8");

function fakeDeps(badWhen?: RegExp): { deps: RuntimeDeps; calls: string[] } {
  const calls: string[] = [];
  const client = {
    async genConfig(o: { installImage: string }) {
      calls.push("gen");
      // The fixtures were generated without an installer image; add the one asked for, as gen config does.
      const withImage = (t: string) => t.replace("    install:\n", `    install:\n        image: ${o.installImage}\n`);
      return {
        controlplane: withImage(fixture("v1.13", "controlplane")),
        worker: withImage(fixture("v1.13", "worker")),
        talosconfig: "context: base\n",
      };
    },
    async validate(config: string) {
      calls.push("validate");
      if (badWhen?.test(config))
        throw new TalosConfigInvalidError("metal", [
          "install.extraKernelArgs and install.grubUseUKICmdline can't be used together",
        ]);
      return [];
    },
  } as unknown as TalosClient;
  return {
    calls,
    deps: { talosctl: () => client, cache: new ConfigRenderCache(), sleep: async () => undefined, now: () => 0 },
  };
}

const base = {
  secretsYaml,
  clusterName: "base",
  endpoint: "https://base:6443",
  role: "worker",
  talosVersion: "v1.13.9",
  node: "10.0.0.2",
  hostname: "w-1",
};

describe("TalosMachineConfig check", () => {
  it("puts the redacted rendering, its hash and impact `none` into the inputs, and no secret value", async () => {
    const { deps, calls } = fakeDeps();
    const r = await checkMachineConfig({}, { ...base, redactedConfig: "stale", drift: ["x"] }, deps);
    assert.deepStrictEqual(r.failures, undefined);
    const i = r.inputs!;
    assert.deepStrictEqual(Object.keys(i), [
      "secretsYaml",
      "clusterName",
      "endpoint",
      "role",
      "talosVersion",
      "hostname",
      "node",
      "configVersion",
      "redactedConfig",
      "configHash",
      "changeImpact",
    ]);
    // The config contract is pinned to the version the node was created with.
    assert.strictEqual(i.configVersion, "v1.13.9");
    assert.match(i.configHash!, /^[0-9a-f]{64}$/);
    assert.strictEqual(i.changeImpact, "none");
    assert.ok(i.redactedConfig!.includes(`    token: "${REDACTED}"\n`));
    assert.ok(i.redactedConfig!.includes("hostname: w-1"));
    const { secretsYaml: _s, ...visible } = i;
    const secrets = secretValuesOf(fixture("v1.13", "controlplane"));
    assert.strictEqual(secrets.length, 10);
    for (const s of secrets) assert.ok(!JSON.stringify(visible).includes(s), "a secret value is in the checked inputs");
    assert.deepStrictEqual(calls, ["gen", "validate"]);
  });

  it("estimates the impact against the previous rendering and keeps it while nothing changes", async () => {
    const { deps } = fakeDeps();
    const first = (await checkMachineConfig({}, base, deps)).inputs!;
    const change = async (p: Record<string, unknown>) =>
      (await checkMachineConfig(first as never, { ...base, ...p }, deps)).inputs!.changeImpact;
    assert.strictEqual(await change({ nodePatches: ["machine: {nodeLabels: {tier: web}}"] }), "live");
    assert.strictEqual(
      await change({ nodePatches: [{ machine: { env: { HTTP_PROXY: "http://proxy:3128" } } }] }),
      "reboot",
    );
    assert.strictEqual(await change({ installImage: "factory.talos.dev/metal-installer/abc:v1.13.9" }), "upgrade");
    const live = (
      await checkMachineConfig(first as never, { ...base, nodePatches: ["machine: {nodeLabels: {tier: web}}"] }, deps)
    ).inputs!;
    const again = (
      await checkMachineConfig(live as never, { ...base, nodePatches: ["machine: {nodeLabels: {tier: web}}"] }, deps)
    ).inputs!;
    assert.deepStrictEqual([again.changeImpact, again.configHash], ["live", live.configHash]);
  });

  it("refuses at preview, before rendering, a Kubernetes version outside Talos's range and too long an upgrade jump", async () => {
    const { deps, calls } = fakeDeps();
    const k8s = await checkMachineConfig({}, { ...base, kubernetesVersion: "1.30.2" }, deps);
    assert.deepStrictEqual(k8s.failures, [
      {
        property: "kubernetesVersion",
        reason:
          "[kubernetesVersion] Kubernetes 1.30.2 is not supported by Talos v1.13.9: Talos v1.13 runs Kubernetes 1.31 to 1.36 (its nodes reject other kubelet and control-plane images at apply)",
      },
    ]);
    const jump = await checkMachineConfig(
      { ...base, talosVersion: "v1.10.9", configVersion: "v1.10.9" },
      { ...base, kubernetesVersion: "1.33.6" },
      deps,
    );
    assert.deepStrictEqual(jump.failures, [
      {
        property: "talosVersion",
        reason:
          "[talosVersion] Talos v1.13.9 cannot be installed over v1.10.9: Talos v1.13 upgrades only from v1.11.0 or later; upgrade to a v1.12 release first, then to v1.13.9",
      },
    ]);
    assert.deepStrictEqual(calls, []);
  });

  it("renders nothing while an input is unknown (preview) and marks the computed inputs unknown", async () => {
    const { deps, calls } = fakeDeps();
    const r = await checkMachineConfig(
      {},
      { ...base, nodePatches: [{ machine: { nodeLabels: { ip: UNKNOWN_VALUE } } }] },
      deps,
    );
    assert.deepStrictEqual(
      [r.inputs!.redactedConfig, r.inputs!.configHash, r.inputs!.changeImpact],
      [UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE],
    );
    assert.deepStrictEqual(calls, []);
  });

  it("names the input at fault, before spawning talosctl where the base config is not needed", async () => {
    // A JSON 6902 path is only known to be missing once the base config exists, so that case runs gen config.
    const cases: Array<[Record<string, unknown>, string, string, string[]?]> = [
      [
        { nodePatches: ["machine:\n\tx: 1\n"] },
        "nodePatches",
        "nodePatches[0]: invalid YAML at line 2: Tabs are not allowed as indentation",
      ],
      [
        { nodePatches: ["machine: {}", [{ op: "replace", path: "/machine/nope/x", value: 1 }]] },
        "nodePatches",
        "nodePatches[1]: JSON 6902 operation #0 (replace /machine/nope/x) on document v1alpha1 failed: path not found",
        ["gen"],
      ],
      [
        { talosVersion: "v1.12.4", clusterPatches: ["apiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n"] },
        "clusterPatches",
        'clusterPatches[0]: document kind "KubeSpanConfig" is not known to Talos v1.12 (introduced in v1.13)',
      ],
      [
        { rolePatches: ["machine:\n  network:\n    hostname: other\n"] },
        "rolePatches",
        "rolePatches[0]: static hostname is already set in v1alpha1 config; since Talos v1.12 the hostname is set with a HostnameConfig document",
      ],
      [
        { nodePatches: ["machine: {nodeLabels: {x: '${vlan}'}}"] },
        "nodePatches",
        "nodePatches[0]: unknown variable ${vlan} (known: hostname)",
      ],
      [{ role: "master" }, "role", '[role] must be "controlplane" or "worker", got "master"'],
      [
        { endpoint: "10.0.0.1" },
        "endpoint",
        '[endpoint] no scheme and port specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"',
      ],
      [
        { endpoint: "10.0.0.1:6443" },
        "endpoint",
        '[endpoint] no scheme specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"',
      ],
      [{ node: undefined }, "node", '[node] is required for delivery "apply": the address of the node\'s Talos API'],
      [
        { applyMode: "interactive" },
        "applyMode",
        '[applyMode] must be one of "auto", "no-reboot", "reboot", "staged", "try", got "interactive"',
      ],
      [{ tryTimeoutSeconds: 30 }, "tryTimeoutSeconds", '[tryTimeoutSeconds] only applies with applyMode "try"'],
      [
        { endpoints: ["https://10.0.0.1:50000"] },
        "endpoints",
        "[endpoints] must be a list of host or host:port strings without a scheme (the Talos API, port 50000 by default)",
      ],
    ];
    for (const [over, property, reason, spawned = []] of cases) {
      const { deps, calls } = fakeDeps();
      const r = await checkMachineConfig({}, { ...base, ...over }, deps);
      assert.deepStrictEqual(r.failures, [{ property, reason }], JSON.stringify(over));
      assert.deepStrictEqual(calls, spawned, JSON.stringify(over));
    }
  });

  it("refuses user-data that does not fit 32 KiB even as gzip+base64", async () => {
    const { deps } = fakeDeps();
    const noise = require("crypto").randomBytes(30000).toString("base64");
    const r = await checkMachineConfig(
      {},
      { ...base, delivery: "user-data", node: undefined, nodePatches: [{ machine: { nodeAnnotations: { noise } } }] },
      deps,
    );
    assert.strictEqual(r.failures?.length, 1);
    assert.strictEqual(r.failures![0].property, "delivery");
    assert.match(
      r.failures![0].reason,
      /^\[delivery\] machine config too large for Hetzner user-data: \d+ bytes plain, \d+ bytes as gzip\+base64; the limit is 32768 bytes$/,
    );
  });

  it("blames a failed validation on the first patch after which the config is invalid", async () => {
    const { deps, calls } = fakeDeps(/extraKernelArgs/);
    const news = {
      ...base,
      clusterPatches: ["machine: {nodeLabels: {a: b}}"],
      rolePatches: ["machine: {install: {extraKernelArgs: [console=ttyS0]}}", "machine: {nodeLabels: {c: d}}"],
      nodePatches: ["machine: {nodeLabels: {e: f}}"],
    };
    const r = await checkMachineConfig({}, news, deps);
    assert.deepStrictEqual(r.failures, [
      {
        property: "rolePatches",
        reason:
          "rolePatches[0]: the worker config after this patch is not valid for metal mode: install.extraKernelArgs and install.grubUseUKICmdline can't be used together",
      },
    ]);
    assert.ok(calls.filter((c) => c === "validate").length <= 5, calls.join(","));
  });
});

describe("TalosMachineConfig diff", () => {
  const outs = { node: "10.0.0.2", configHash: "a", liveConfigHash: "a" };
  it("leaves `changes` to the engine (per-field preview) unless a refresh found drift", () => {
    assert.deepStrictEqual(diffMachineConfig(outs, { node: "10.0.0.2", configHash: "b" }), { replaces: [] });
    assert.deepStrictEqual(diffMachineConfig({ ...outs, liveConfigHash: "c" }, { node: "10.0.0.2", configHash: "a" }), {
      changes: true,
      replaces: [],
    });
    assert.deepStrictEqual(
      diffMachineConfig(
        { ...outs, delivery: "user-data", liveConfigHash: undefined },
        { node: "x", delivery: "user-data" },
      ),
      { replaces: [] },
    );
  });
  it("replaces for another node or another delivery, treating an unset delivery as apply", () => {
    assert.deepStrictEqual(diffMachineConfig(outs, { node: "10.0.0.3" }).replaces, ["node"]);
    assert.deepStrictEqual(diffMachineConfig(outs, { node: "10.0.0.2", delivery: "apply" }).replaces, []);
    assert.deepStrictEqual(diffMachineConfig(outs, { node: "10.0.0.2", delivery: "user-data" }).replaces, ["delivery"]);
    assert.deepStrictEqual(diffMachineConfig(outs, { node: UNKNOWN_VALUE }).replaces, []);
  });
});

describe("talosctl location for the config runtimes", () => {
  const os = require("os") as typeof import("os");
  const path = require("path") as typeof import("path");
  let dir: string;
  before(() => {
    require("../../../../provider/runtime/shared/config").resetStackConfig(); // stack config would win over the environment
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "talosctl-locate-"));
    for (const name of ["talosctl", "talosctl-1.13"])
      fs.writeFileSync(path.join(dir, name), "#!/bin/sh\n", { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes $TALOSCTL as a path, looks a bare name up on PATH, and falls back to talosctl on PATH", () => {
    const { talosctlFromSettings } = require("../../../../provider/runtime/shared/talosctl");
    assert.strictEqual(
      talosctlFromSettings({ TALOSCTL: path.join(dir, "talosctl-1.13"), PATH: "" }).binary,
      path.join(dir, "talosctl-1.13"),
    );
    assert.strictEqual(
      talosctlFromSettings({ TALOSCTL: "talosctl-1.13", PATH: dir }).binary,
      path.join(dir, "talosctl-1.13"),
    );
    assert.strictEqual(talosctlFromSettings({ PATH: dir }).binary, path.join(dir, "talosctl"));
    assert.throws(() => talosctlFromSettings({ PATH: "/nonexistent" }), {
      name: "TalosctlNotFoundError",
      message: /^talosctl not found \(not on PATH and TALOSCTL is not set\): /,
    });
  });
});
