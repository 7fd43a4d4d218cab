import * as assert from "assert";
import { FIXTURES } from "../../../helpers/fixtures";
import * as fs from "fs";
import { parse, parseAllDocuments } from "yaml";
import { configHash, normalizeConfig, redactConfig, secretValuesOf, REDACTED } from "../../../../provider/talos/config";

// Does not prove: that Talos itself redacts the same set (we follow contract §18.4, plus cluster.id),
// nor secrets hidden in free-form fields (machine.files contents, env, inline manifests).
const GEN = FIXTURES + "/talos/gen-config";
const cp = fs.readFileSync(`${GEN}/v1.13/base-controlplane.yaml`, "utf8");
const worker = fs.readFileSync(`${GEN}/v1.13/base-worker.yaml`, "utf8");

/** Every value of the fixture secrets bundle except certificates (contract §18.4: "everything except *.crt"). */
function bundleSecrets(): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string) => {
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (typeof v === "string" && key !== "crt") out.push(v);
  };
  walk(parse(fs.readFileSync(`${GEN}/secrets.yaml`, "utf8")), "");
  return out;
}

describe("config redaction", () => {
  it("no value of the secrets bundle survives in the redacted v1.13 controlplane config", () => {
    const secrets = bundleSecrets();
    assert.strictEqual(secrets.length, 10); // cluster id/secret, 2 secrets, trustd token, 5 CA/SA keys
    const redacted = redactConfig(cp);
    for (const s of secrets) assert.ok(cp.includes(s), "fixture should carry the secret");
    for (const s of secrets) assert.ok(!redacted.includes(s), `secret left in redacted config: ${s.slice(0, 8)}…`);
    const doc = parseAllDocuments(redacted)[0].toJS();
    assert.deepStrictEqual(
      [
        doc.machine.token,
        doc.machine.ca.key,
        doc.cluster.id,
        doc.cluster.secret,
        doc.cluster.token,
        doc.cluster.secretboxEncryptionSecret,
        doc.cluster.ca.key,
        doc.cluster.aggregatorCA.key,
        doc.cluster.serviceAccount.key,
        doc.cluster.etcd.ca.key,
      ],
      Array(10).fill(REDACTED),
    );
    assert.strictEqual(doc.machine.ca.crt, parseAllDocuments(cp)[0].toJS().machine.ca.crt);
    assert.strictEqual(parseAllDocuments(redacted)[1].toJS().kind, "HostnameConfig");
  });

  it("secretValuesOf returns exactly the bundle's secrets for the controlplane config", () => {
    assert.deepStrictEqual(secretValuesOf(cp).sort(), bundleSecrets().sort());
  });

  it("keeps a worker's empty CA keys visibly empty", () => {
    const doc = parseAllDocuments(redactConfig(worker))[0].toJS();
    assert.strictEqual(doc.machine.ca.key, "");
    assert.strictEqual(doc.cluster.ca.key, "");
    assert.strictEqual(doc.machine.token, REDACTED);
  });

  it("redacts the registry, wireguard, VIP and disk-encryption fields and the secret-bearing documents", () => {
    const config = `version: v1alpha1
machine:
  registries:
    config:
      reg.example: {auth: {username: u, password: s-pass, auth: s-auth, identityToken: s-idt}, tls: {clientIdentity: {crt: c, key: s-tlskey}}}
  network:
    interfaces:
      - interface: wg0
        wireguard: {privateKey: s-wgkey}
        vip: {ip: 10.0.0.9, hcloud: {apiToken: s-hcloud}}
        vlans: [{vlanId: 4000, vip: {ip: 10.1.0.9, equinixMetal: {apiToken: s-equinix}}}]
  systemDiskEncryption:
    state: {provider: luks2, keys: [{static: {passphrase: s-pass-state}, slot: 0}]}
---
apiVersion: v1alpha1
kind: SideroLinkConfig
apiUrl: https://siderolink.example/join?jointoken=s-join&user=alice
---
apiVersion: v1alpha1
kind: WireguardConfig
name: wg1
privateKey: s-wgdoc
peers: [{publicKey: pub, presharedKey: s-psk}]
---
apiVersion: v1alpha1
kind: HCloudVIPConfig
name: vip1
apiToken: s-vipdoc
---
apiVersion: v1alpha1
kind: RegistryAuthConfig
name: reg.example
username: u
password: s-regpass
---
apiVersion: v1alpha1
kind: RegistryTLSConfig
name: reg.example
clientIdentity: {crt: c, key: s-regkey}
---
apiVersion: v1alpha1
kind: UserVolumeConfig
name: data
encryption: {provider: luks2, keys: [{slot: 0, static: {passphrase: s-uservol}}]}
`;
    const expected = [
      "s-pass",
      "s-auth",
      "s-idt",
      "s-tlskey",
      "s-wgkey",
      "s-hcloud",
      "s-equinix",
      "s-pass-state",
      "s-join",
      "s-wgdoc",
      "s-psk",
      "s-vipdoc",
      "s-regpass",
      "s-regkey",
      "s-uservol",
    ];
    assert.deepStrictEqual(secretValuesOf(config).sort(), [...expected].sort());
    const redacted = redactConfig(config);
    for (const s of expected) assert.ok(!redacted.includes(s), s);
    const docs = parseAllDocuments(redacted).map((d) => d.toJS());
    assert.strictEqual(docs[1].apiUrl, `https://siderolink.example/join?jointoken=${REDACTED}&user=alice`);
    assert.strictEqual(docs[0].machine.registries.config["reg.example"].auth.username, "u");
    assert.strictEqual(docs.length, 7);
  });
});

describe("config normalization", () => {
  const four =
    "version: v1alpha1\nmachine:\n    type: worker\n    certSANs:\n        - a\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
  const two =
    "# comment\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n---\nmachine:\n  certSANs: [a]\n  type: worker\nversion: v1alpha1\n";

  it("2-space and 4-space renderings of the same config normalize (and hash) equal", () => {
    assert.strictEqual(normalizeConfig(two), normalizeConfig(four));
    assert.strictEqual(
      normalizeConfig(four),
      "machine:\n    certSANs:\n        - a\n    type: worker\nversion: v1alpha1\n---\napiVersion: v1alpha1\nauto: stable\nkind: HostnameConfig\n",
    );
    assert.strictEqual(configHash(two), configHash(four));
    assert.match(configHash(four), /^[0-9a-f]{64}$/);
  });

  it("a changed value changes the hash; list order is significant", () => {
    assert.notStrictEqual(configHash(four.replace("worker", "controlplane")), configHash(four));
    assert.notStrictEqual(configHash("machine:\n  certSANs: [a, b]\n"), configHash("machine:\n  certSANs: [b, a]\n"));
  });

  it("orders documents v1alpha1 first then by kind/name", () => {
    const text =
      "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n---\nmachine: {}\n";
    const kinds = parseAllDocuments(normalizeConfig(text)).map((d) => {
      const j = d.toJS();
      return j.kind ? `${j.kind}/${j.name ?? ""}` : "v1alpha1";
    });
    assert.deepStrictEqual(kinds, ["v1alpha1", "HostnameConfig/", "LinkConfig/eth0", "LinkConfig/eth1"]);
  });
});
