/**
 * Secrets users put in their own patches, through the program runner and the real dynamic-provider
 * host against a simulated v1.13 node: a preview that adds env values, a Secret manifest (data,
 * stringData, a bootstrap token), registry auth and keyed tokens shows their paths and never their
 * values; neither does the state file after `up`, the run log, nor a check failure that quotes a
 * URL with a password. Does not prove: the Pulumi CLI's own display of the same diff.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram, RunOptions } from "../../../../provider/sim/pulumi";
import { assertNoSecrets } from "../../../helpers/secrets-scan";
import { rejection } from "../../../helpers/rejection";
import { NodeWorld, startNodeWorld } from "./world";
import { runnerBase, secretsAndConfig } from "./runner-program";

const MC = "urn:pulumi:dev::project::pulumi-nodejs:dynamic/talos-hetzner:TalosMachineConfig::cp-1";
const b64 = (s: string) => Buffer.from(s).toString("base64");
/** Every secret value the patches below carry (plaintext; the scan also looks for base64 forms). */
const SECRETS = [
  "env-s3cr3t-value",
  "manifest-data-s3cr3t",
  "manifest-string-s3cr3t",
  "boot-s3cr3t-0123456",
  "registry-s3cr3t-pw",
  "api-s3cr3t-token",
  "url-s3cr3t-pw",
];

const SECRET_PATCH = `machine:
  env: {LICENSE_KEY: ${SECRETS[0]}}
  registries:
    config:
      ghcr.io: {auth: {username: bot, password: ${SECRETS[4]}}}
  kubelet:
    extraConfig: {apiToken: ${SECRETS[5]}}
cluster:
  inlineManifests:
    - name: app-secrets
      contents: |
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        data: {password: ${b64(SECRETS[1])}}
        stringData: {url: ${SECRETS[2]}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: bootstrap-token-abcdef, namespace: kube-system}
        type: bootstrap.kubernetes.io/token
        stringData: {token-id: abcdef, token-secret: ${SECRETS[3]}}
`;
// A discovery endpoint Talos's validation rejects, quoting it with its password.
const BAD_URL_PATCH = `cluster:\n  discovery:\n    registries:\n      service: {endpoint: "https://bot:${SECRETS[6]}@disc overy.example"}\n`;

describe("engine: secrets in user patches stay out of previews, state, logs and errors", function () {
  this.timeout(180000);
  let w: NodeWorld;
  let dir: string;
  let lines: string[];
  let base: Omit<RunOptions, "program" | "operation">;

  const program = (patches: string[]) =>
    secretsAndConfig(w, "redact", patches, (mc) => ({ redacted: mc.redactedConfig }));

  before(async () => {
    w = await startNodeWorld(["v1.13.9"]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mc-redact-"));
    lines = [];
    base = runnerBase(w, dir, lines);
    await runProgram({ ...base, program: program([]), operation: "up" });
  });
  after(async () => {
    await w?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("previews the added secrets as redacted paths: zero secret values in the preview output", async () => {
    lines.length = 0;
    const p = await runProgram({ ...base, program: program([SECRET_PATCH]), operation: "preview" });
    assert.deepStrictEqual(p.plan.find((e) => e.urn === MC)!.op, "update");
    const shown = lines.find((l) => l.startsWith("      redactedConfig: "))!;
    // The line shows both renderings as JSON strings; these are the new rendering's YAML lines.
    for (const visible of [
      'LICENSE_KEY: "***redacted***"',
      'password: "***redacted***"',
      "username: bot",
      'apiToken: "***redacted***"',
      'token-secret: "***redacted***"',
      "kind: Secret",
    ]) {
      assert.ok(shown.includes(JSON.stringify(visible).slice(1, -1)), `${visible} in ${shown}`);
    }
    assertNoSecrets([lines, p.plan], SECRETS, ["preview output", "plan"]);
  });

  it("applies them, and the state file and run log carry none in plaintext or base64", async () => {
    lines.length = 0;
    const r = await runProgram({ ...base, program: program([SECRET_PATCH]), operation: "up" });
    assert.strictEqual(r.counts.update, 1);
    assert.ok(String(r.outputs.redacted).includes("kind: Secret"), "the Secret manifest stays visible as such");
    assertNoSecrets([fs.readFileSync(base.stateFile, "utf8"), lines, r.outputs], SECRETS, [
      "state file",
      "run log",
      "stack outputs",
    ]);
  });

  it("a check failure that quotes the user's URL masks its password", async () => {
    lines.length = 0;
    const e = await rejection(
      runProgram({ ...base, program: program([SECRET_PATCH, BAD_URL_PATCH]), operation: "preview" }),
    );
    assert.match(
      e.message,
      /cluster discovery service registry endpoint is invalid: parse \\?"https:\/\/bot:\[secret\]@disc overy\.example\\?"/,
    );
    assertNoSecrets([e.message, lines], SECRETS, ["error", "preview output"]);
  });
});
