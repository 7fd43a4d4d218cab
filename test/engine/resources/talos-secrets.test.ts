/**
 * TalosSecrets through the REAL dynamic-provider host with the talosctl stand-in (located through
 * the `talos-hetzner:talosctl` stack config): generate once, a version change never regenerates,
 * only rotationTrigger replaces, adopting a given bundle, field-named check failures, no bundle
 * value in plaintext in state or logs; and `talosconfigFor`'s admin certificate.
 * Does not prove: that a real talosctl's bundle differs in any way the contract does not describe.
 */
import * as assert from "assert";
import { FIXTURES } from "../../helpers/fixtures";
import * as crypto from "crypto";
import * as fs from "fs";
import { parse } from "yaml";
import { TalosSecrets } from "../../../provider/resources/talos-secrets";
import { talosctlPath } from "../../../provider/sim/talos/runtime";
import { markSecrets } from "../../../provider/sim/pulumi/values";
import { bundleSecretValues } from "../../../provider/runtime/shared/bundle";
import { talosconfigFor } from "../../../provider/runtime/talos-secrets";
import { Talosctl } from "../../../provider/talos/talosctl";
import { assertNoSecrets } from "../../helpers/secrets-scan";
import { EngineHarness, capturedProvider } from "../harness";

const URN = "urn:pulumi:stack::project::pulumi-nodejs:dynamic/talos-hetzner:TalosSecrets::";
const FIXTURE = fs.readFileSync(FIXTURES + "/talos/gen-config/secrets.yaml", "utf8");
const pem = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

describe("engine: TalosSecrets", function () {
  this.timeout(60000);
  let h: EngineHarness;
  let provider: string;
  before(async () => {
    provider = await capturedProvider(() => new TalosSecrets("s", { talosVersion: "v1.13.9" }));
    h = await EngineHarness.start();
    await h.configure({ "talos-hetzner:talosctl": talosctlPath() });
  });
  after(async () => h?.stop());

  async function create(urn: string, inputs: Record<string, unknown>) {
    const checked = await h.check(urn, {}, { __provider: provider, ...inputs });
    assert.deepStrictEqual(checked.failures, []);
    const c = await h.create(urn, checked.inputs);
    h.record(urn, c.id, markSecrets(checked.inputs, ["secretsYaml"]), c.properties, ["secretsYaml"]);
    return c;
  }

  it("generates a bundle once with talosctl gen secrets; every value stays out of state and logs", async () => {
    const c = await create(`${URN}gen`, { talosVersion: "v1.13.9" });
    assert.match(c.id, /^talos-secrets-[0-9a-f-]{36}$/);
    const bundle = parse(c.properties.secretsYaml as string);
    assert.deepStrictEqual(Object.keys(bundle), ["cluster", "secrets", "trustdinfo", "certs"]);
    assert.deepStrictEqual(
      [c.properties.adopted, Object.keys(c.properties.caExpiry as object)],
      [false, ["etcd", "k8s", "k8saggregator", "os"]],
    );
    assert.ok(
      h.logs.includes(
        "[talos-secrets v1.13.9] step 1/1: generating a secrets bundle (talosctl gen secrets --talos-version v1.13.9)",
      ),
      h.logs.join("\n"),
    );
    const values = bundleSecretValues(bundle);
    assert.strictEqual(values.length, 10);
    assertNoSecrets([h.persistedState(), h.logs], values, ["state", "logs"]);
  });

  it("ignores a Talos version change; only rotationTrigger replaces; an adopted bundle updates in place", async () => {
    const rec = h.state.get(`${URN}gen`)!;
    const diff = async (news: Record<string, unknown>) =>
      h.diff(rec.id, `${URN}gen`, rec.outputs, { __provider: provider, ...news });
    assert.deepStrictEqual(await diff({ talosVersion: "v1.14.0" }), {
      changes: "none",
      replaces: [],
      stables: [],
      deleteBeforeReplace: false,
      hasDetailedDiff: false,
    });
    assert.deepStrictEqual((await diff({ talosVersion: "v1.13.9", rotationTrigger: "2026-q3" })).replaces, [
      "rotationTrigger",
    ]);
    const adopt = await diff({ talosVersion: "v1.13.9", secretsYaml: FIXTURE });
    assert.deepStrictEqual([adopt.changes, adopt.replaces], ["some", []]);
    const u = await h.update(rec.id, `${URN}gen`, rec.outputs, {
      __provider: provider,
      talosVersion: "v1.13.9",
      secretsYaml: FIXTURE,
    });
    assert.deepStrictEqual([u.properties.secretsYaml, u.properties.adopted], [FIXTURE, true]);
    const kept = await h.update(rec.id, `${URN}gen`, rec.outputs, { __provider: provider, talosVersion: "v1.14.0" });
    assert.deepStrictEqual(
      [kept.properties.secretsYaml, kept.properties.adopted, kept.properties.talosVersion],
      [rec.outputs.secretsYaml, false, "v1.14.0"],
    );
  });

  it("adopts a given bundle, and refuses invalid ones with Talos's messages", async () => {
    const c = await create(`${URN}adopt`, { talosVersion: "v1.13.9", secretsYaml: FIXTURE });
    assert.deepStrictEqual([c.properties.secretsYaml, c.properties.adopted], [FIXTURE, true]);
    assertNoSecrets([h.persistedState(), h.logs], bundleSecretValues(parse(FIXTURE)), ["state", "logs"]);
    const broken = FIXTURE.replace(/ {4}bootstraptoken: .*\n/, "");
    const r = await h.check(`${URN}bad`, {}, { __provider: provider, talosVersion: "1.13", secretsYaml: broken });
    assert.deepStrictEqual(r.failures, [
      { property: "talosVersion", reason: '[talosVersion] must look like "v1.13.9", got "1.13"' },
      {
        property: "secretsYaml",
        reason: "[secretsYaml] failed to validate secrets bundle: secrets.bootstraptoken is required",
      },
    ]);
  });

  it("talosconfigFor: an admin client certificate signed by certs.os, endpoints and nodes filled in", async () => {
    const text = await talosconfigFor({
      secretsYaml: FIXTURE,
      clusterName: "prod",
      endpoints: ["10.0.0.2", "10.0.0.3"],
      nodes: ["10.0.0.2"],
      talosctl: Talosctl.locate({ binary: talosctlPath() }),
    });
    const cfg = parse(text);
    assert.strictEqual(cfg.context, "prod");
    const ctx = cfg.contexts.prod;
    assert.deepStrictEqual(
      [Object.keys(ctx), ctx.endpoints, ctx.nodes],
      [["endpoints", "nodes", "ca", "crt", "key"], ["10.0.0.2", "10.0.0.3"], ["10.0.0.2"]],
    );
    const osCa = new crypto.X509Certificate(pem(parse(FIXTURE).certs.os.crt));
    const admin = new crypto.X509Certificate(pem(ctx.crt));
    assert.ok(admin.verify(osCa.publicKey), "the admin certificate chains to certs.os");
    assert.match(admin.subject, /O=os:admin/);
    assert.strictEqual(pem(ctx.ca), osCa.toString());
  });
});
