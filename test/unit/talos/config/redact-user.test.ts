import * as assert from "assert";
import { parseAllDocuments } from "yaml";
import { redactConfig, secretValuesOf, REDACTED } from "../../../../provider/talos/config";
import { isSecretKey } from "../../../../provider/talos/config/user-secrets";

// Does not prove: secrets in free-form text the rules do not look at (machine.files contents,
// kernel arguments, a Secret's data in a manifest fetched from cluster.extraManifests).
const SECRET_MANIFEST = `apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"pw":"czEtbGFzdA=="}}'
type: Opaque
data:
  pw: czEtZGF0YQ==
stringData:
  url: s1-string
---
apiVersion: v1
kind: Secret
metadata: {name: bootstrap-token-abcdef, namespace: kube-system}
type: bootstrap.kubernetes.io/token
stringData: {token-id: abcdef, token-secret: s1-bootstrap}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data: {DB_PASSWORD: s1-configmap, mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - name: app
          env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: db, key: pw}}}]
      volumes: [{name: certs, secret: {secretName: db}}]
`;
const PLAIN_MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n    name:   spaced  # kept as written\n";

const CONFIG = `version: v1alpha1
machine:
  env: {HTTP_PROXY: "http://proxy:3128", LICENSE: s1-env}
  registries:
    config:
      ghcr.io: {auth: {username: bot, password: s1-regpass}}
  network:
    interfaces:
      - interface: wg0
        wireguard: {privateKey: s1-wgkey, peers: [{publicKey: pub-visible, endpoint: 1.2.3.4:51820}]}
  kubelet:
    extraArgs: {service-account-key-file: /etc/visible.key}
    extraConfig: {apiToken: s1-apitoken, tokens: [s1-listed], serverTLSBootstrap: true}
  install:
    image: https://user:s1-urlpass@registry.example/installer:v1
cluster:
  extraManifestHeaders: {Authorization: Bearer s1-header}
  inlineManifests:
    - name: secrets
      contents: |
${SECRET_MANIFEST.replace(/^/gm, "        ")}
    - name: plain
      contents: |
${PLAIN_MANIFEST.replace(/^/gm, "        ")}
---
apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: agent
environment: [API_KEY=s1-ext, REGION=fsn1]
`;

const EXPECTED = [
  "http://proxy:3128",
  "s1-env",
  "s1-regpass",
  "s1-wgkey",
  "s1-apitoken",
  "s1-listed",
  "s1-urlpass",
  "Bearer s1-header",
  '{"data":{"pw":"czEtbGFzdA=="}}',
  "czEtZGF0YQ==",
  "s1-string",
  "abcdef",
  "s1-bootstrap",
  "s1-configmap",
  "s1-ext",
  "fsn1",
];

describe("config redaction of secrets in user patches", () => {
  it("finds exactly the user's secret values: env, headers, Secret manifests, registry auth, keys, tokens, URL passwords", () => {
    assert.deepStrictEqual(secretValuesOf(CONFIG).sort(), [...EXPECTED].sort());
  });

  it("replaces each of them and keeps names, references, public keys and file paths visible", () => {
    const redacted = redactConfig(CONFIG);
    // The bootstrap token's id is its public half and, by Kubernetes's rule, part of the Secret's name.
    for (const s of EXPECTED.filter((x) => x !== "abcdef")) assert.ok(!redacted.includes(s), s);
    const [main, ext] = parseAllDocuments(redacted).map((d) => d.toJS());
    assert.deepStrictEqual(main.machine.env, { HTTP_PROXY: REDACTED, LICENSE: REDACTED });
    assert.deepStrictEqual(main.machine.registries.config["ghcr.io"].auth, { username: "bot", password: REDACTED });
    assert.deepStrictEqual(main.machine.network.interfaces[0].wireguard, {
      privateKey: REDACTED,
      peers: [{ publicKey: "pub-visible", endpoint: "1.2.3.4:51820" }],
    });
    assert.deepStrictEqual(main.machine.kubelet, {
      extraArgs: { "service-account-key-file": "/etc/visible.key" },
      extraConfig: { apiToken: REDACTED, tokens: [REDACTED], serverTLSBootstrap: true },
    });
    assert.strictEqual(main.machine.install.image, `https://user:${REDACTED}@registry.example/installer:v1`);
    assert.deepStrictEqual(ext.environment, [`API_KEY=${REDACTED}`, `REGION=${REDACTED}`]);
  });

  it("rewrites a Secret manifest with its values redacted and leaves a manifest without secrets byte-identical", () => {
    const main = parseAllDocuments(redactConfig(CONFIG))[0].toJS();
    const [secret, token, configMap, deploy] = parseAllDocuments(main.cluster.inlineManifests[0].contents).map((d) =>
      d.toJS(),
    );
    assert.deepStrictEqual(
      [secret.data, secret.stringData, secret.metadata.annotations],
      [{ pw: REDACTED }, { url: REDACTED }, { "kubectl.kubernetes.io/last-applied-configuration": REDACTED }],
    );
    assert.deepStrictEqual(
      [token.type, token.stringData],
      ["bootstrap.kubernetes.io/token", { "token-id": REDACTED, "token-secret": REDACTED }],
    );
    assert.deepStrictEqual(configMap.data, { DB_PASSWORD: REDACTED, mode: "fast" });
    const spec = deploy.spec.template.spec;
    assert.deepStrictEqual(
      [spec.containers[0].env[0], spec.volumes[0]],
      [
        { name: "TOKEN", valueFrom: { secretKeyRef: { name: "db", key: "pw" } } },
        { name: "certs", secret: { secretName: "db" } },
      ],
    );
    assert.strictEqual(main.cluster.inlineManifests[1].contents, PLAIN_MANIFEST);
  });

  it("redacts a manifest that does not parse as a whole", () => {
    const config =
      'version: v1alpha1\ncluster:\n  inlineManifests:\n    - name: broken\n      contents: "kind: Secret\\ndata: {pw: s1-x"\n';
    assert.strictEqual(parseAllDocuments(redactConfig(config))[0].toJS().cluster.inlineManifests[0].contents, REDACTED);
  });

  it("names secrets by key words, not references to them", () => {
    const keys = [
      "apiToken",
      "DB_PASSWORD",
      "passwd",
      "passphrase",
      "clientSecret",
      "keys",
      "credentials",
      "privateKey",
      "key",
      "secretName",
      "secretKeyRef",
      "publicKey",
      "service-account-key-file",
      "keyPath",
      "secretsDir",
      "name",
      "slot",
    ];
    assert.deepStrictEqual(keys.filter(isSecretKey), [
      "apiToken",
      "DB_PASSWORD",
      "passwd",
      "passphrase",
      "clientSecret",
      "keys",
      "credentials",
      "privateKey",
    ]);
  });
});
