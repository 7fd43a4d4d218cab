/**
 * The secrets bundle helpers (validation with Talos's messages, secret values, CA facts) and the two
 * resource classes as a Pulumi program registers them under mocks (type tokens, inputs marked
 * secret, output keys seeded). Does not prove: how the engine stores them (test/engine/*), nor that
 * the bundle works for a real node.
 */
import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import {
  bundleProblems,
  bundleSecretValues,
  certificateExpiries,
  validateBundle,
} from "../../../../provider/runtime/shared/bundle";
import { TalosMachineConfig } from "../../../../provider/resources/talos-machine-config";
import { TalosSecrets } from "../../../../provider/resources/talos-secrets";

const bundleText = fs.readFileSync(FIXTURES + "/talos/gen-config/secrets.yaml", "utf8");
const bundle = () => parse(bundleText) as Record<string, any>;
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

describe("secrets bundle helpers", () => {
  it("accepts the fixture bundle and lists its 10 secret values but no certificate", () => {
    assert.ok(validateBundle(bundleText));
    const values = bundleSecretValues(bundle());
    assert.strictEqual(values.length, 10);
    assert.ok(values.includes("inn7ol.u4ehnti8qyls9ymo") && values.includes(bundle().certs.os.key));
    assert.ok(!values.includes(bundle().certs.os.crt));
  });

  it("reports problems with Talos's own texts (bundle.go Validate), in order", () => {
    const cases: Array<[(b: Record<string, any>) => void, string[]]> = [
      [(b) => delete b.cluster, ["cluster is required"]],
      [
        (b) => {
          b.cluster.id = "";
          delete b.trustdinfo.token;
        },
        ["cluster.id is required", "trustdinfo.token is required"],
      ],
      [
        (b) => delete b.secrets.secretboxencryptionsecret,
        ["one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is required"],
      ],
      [
        (b) => {
          b.secrets.aescbcencryptionsecret = "x";
        },
        ["only one of [secrets.secretboxencryptionsecret, secrets.aescbcencryptionsecret] is allowed"],
      ],
      [
        (b) => {
          delete b.certs.os;
          delete b.certs.k8sserviceaccount;
        },
        ["certs.os is required", "certs.k8sserviceaccount is required"],
      ],
      [(b) => delete b.certs, ["certs is required"]],
    ];
    for (const [edit, problems] of cases) {
      const b = bundle();
      edit(b);
      assert.deepStrictEqual(bundleProblems(b), problems);
    }
    const b = bundle();
    b.certs.etcd.crt = Buffer.from("not a cert").toString("base64");
    assert.match(bundleProblems(b)[0], /^certs\.etcd is invalid: /);
    assert.throws(() => validateBundle(stringify({ ...bundle(), cluster: undefined })), {
      name: "InputError",
      message: "[secretsYaml] failed to validate secrets bundle: cluster is required",
    });
    assert.throws(() => validateBundle("a: [b"), {
      name: "InputError",
      message: /^\[secretsYaml\] failed to load secrets bundle: /,
    });
  });

  it("reads each CA certificate's expiry", () => {
    const exp = certificateExpiries(bundle());
    assert.deepStrictEqual(Object.keys(exp), ["etcd", "k8s", "k8saggregator", "os"]);
    for (const v of Object.values(exp)) assert.match(v, /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });
});

/** Registers one resource under mocks and returns its type and the inputs it sent (secrets still wrapped). */
function registered(make: () => pulumi.CustomResource): Promise<{ type: string; inputs: Record<string, unknown> }> {
  return new Promise((resolve) => {
    pulumi.runtime.setMocks(
      {
        newResource(a) {
          resolve({ type: a.type, inputs: a.inputs });
          return { id: `${a.name}-id`, state: a.inputs };
        },
        call: (a) => a.inputs,
      },
      "project",
      "stack",
      false,
    );
    make();
  });
}

const isSecretWire = (v: unknown) =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;

describe("resource classes", () => {
  it("TalosMachineConfig marks the bundle and every patch list secret, nothing else", async () => {
    const r = await registered(
      () =>
        new TalosMachineConfig("n1", {
          secretsYaml: bundleText,
          clusterName: "c",
          endpoint: "https://c:6443",
          role: "worker",
          talosVersion: "v1.13.9",
          node: "10.0.0.2",
          nodePatches: ["machine: {}"],
          rolePatches: [],
          networkPatch: "machine: {}",
          variables: { vlan: 4000 },
        }),
    );
    assert.strictEqual(r.type, "pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig");
    const secret = Object.keys(r.inputs)
      .filter((k) => isSecretWire(r.inputs[k]))
      .sort();
    assert.deepStrictEqual(secret, ["networkPatch", "nodePatches", "rolePatches", "secretsYaml"]);
    assert.deepStrictEqual(r.inputs.variables, { vlan: 4000 });
    assert.strictEqual(typeof r.inputs.__provider, "string");
  });

  it("TalosSecrets marks an adopted bundle secret", async () => {
    const r = await registered(() => new TalosSecrets("s", { talosVersion: "v1.13.9", secretsYaml: bundleText }));
    assert.strictEqual(r.type, "pulumi-nodejs:dynamic/talos-hetzner:TalosSecrets");
    assert.ok(isSecretWire(r.inputs.secretsYaml));
    assert.strictEqual(r.inputs.talosVersion, "v1.13.9");
  });
});
