/**
 * The library's talosctl wrapper without nodes: gRPC error mapping table, secret-free messages,
 * the concatenated-JSON parser, output parsers, binary lookup, and the private talosconfig file
 * (0600 in a 0700 dir, removed afterwards, never passed to gen/validate) observed by a fake binary.
 * Does not prove: behaviour against a real talosctl (see test/integration/talos-*.test.ts for the stand-in).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isError } from "../../../../provider/internal/errors";
import { registerSecret } from "../../../../provider/internal/log";
import {
  TalosApiError,
  Talosctl,
  errorFromRun,
  parseGrpcFailures,
  parseJsonStream,
  sanitize,
} from "../../../../provider/talos/talosctl";
import { parseApplyOutput, parseEtcdMembers, parseServerVersion } from "../../../../provider/talos/talosctl/api";
import { validationProblems } from "../../../../provider/talos/talosctl/gen";

const UNAVAILABLE =
  'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.2:50000: connect: connection refused"';

describe("talosctl wrapper: error mapping", () => {
  const table: [string, string, { node: string | null; grpcCode: string; detail: string }[]][] = [
    [
      "bootstrap twice",
      "error executing bootstrap: 1 error occurred:\n\t* 10.0.0.2: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n\n\n",
      [{ node: "10.0.0.2", grpcCode: "AlreadyExists", detail: "etcd data directory is not empty" }],
    ],
    [
      "endpoint unreachable (no multierror)",
      `error applying new configuration: ${UNAVAILABLE}\n`,
      [{ node: null, grpcCode: "Unavailable", detail: UNAVAILABLE.split("desc = ").slice(1).join("desc = ") }],
    ],
    [
      "two nodes, IPv6",
      "error executing reboot: 2 errors occurred:\n\t* 2a01:4f8::1: rpc error: code = PermissionDenied desc = not authorized\n\t* 10.0.0.3: rpc error: code = FailedPrecondition desc = bootstrap is not available yet\n\n\n",
      [
        { node: "2a01:4f8::1", grpcCode: "PermissionDenied", detail: "not authorized" },
        { node: "10.0.0.3", grpcCode: "FailedPrecondition", detail: "bootstrap is not available yet" },
      ],
    ],
    [
      "get NotFound (one-to-one, no node prefix)",
      "1 error occurred:\n\t* rpc error: code = NotFound desc = resource KubeSpanIdentities.kubespan.talos.dev(kubespan/local@undefined) doesn't exist\n\n\n",
      [
        {
          node: null,
          grpcCode: "NotFound",
          detail: "resource KubeSpanIdentities.kubespan.talos.dev(kubespan/local@undefined) doesn't exist",
        },
      ],
    ],
    [
      "maintenance version on v1.12",
      "error getting version: rpc error: code = Unimplemented desc = API is not implemented in maintenance mode\n",
      [{ node: null, grpcCode: "Unimplemented", detail: "API is not implemented in maintenance mode" }],
    ],
    [
      "health timeout",
      "healthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n",
      [{ node: null, grpcCode: "DeadlineExceeded", detail: "context deadline exceeded" }],
    ],
    [
      "validation (nested list continues the detail)",
      'error applying new configuration: rpc error: code = InvalidArgument desc = 1 error occurred:\n\t* v1alpha1.Config: unknown machine type "x"\n\n\n',
      [
        {
          node: null,
          grpcCode: "InvalidArgument",
          detail: '1 error occurred:\n\t* v1alpha1.Config: unknown machine type "x"',
        },
      ],
    ],
    ["not a gRPC error", "accepts 2 arg(s), received 1\n\nUsage:\n  talosctl gen config\n", []],
  ];
  for (const [name, stderr, expected] of table) {
    it(name, () => assert.deepStrictEqual(parseGrpcFailures(stderr), expected));
  }

  it("builds TalosApiError (code, node, detail) or TalosctlError, matched by name", () => {
    const e = errorFromRun("bootstrap", 1, table[0][1]) as TalosApiError;
    assert.ok(isError(e, "TalosApiError"));
    assert.deepStrictEqual(
      [e.grpcCode, e.node, e.detail, e.message],
      [
        "AlreadyExists",
        "10.0.0.2",
        "etcd data directory is not empty",
        "talosctl bootstrap failed on node 10.0.0.2: AlreadyExists: etcd data directory is not empty",
      ],
    );
    const two = errorFromRun("reboot", 1, table[2][1]);
    assert.strictEqual(
      two.message,
      "talosctl reboot failed on node 2a01:4f8::1: PermissionDenied: not authorized (and 1 more node error(s))",
    );
    const plain = errorFromRun("gen config", 1, table[7][1]);
    assert.ok(isError(plain, "TalosctlError"));
    assert.strictEqual(plain.message, "talosctl gen config failed (exit 1): accepts 2 arg(s), received 1");
  });

  it("never puts key material or registered secrets into messages", () => {
    const pem = "-----BEGIN ED25519 PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGx\n-----END ED25519 PRIVATE KEY-----";
    registerSecret("hunter2-token");
    const text = `bad key ${pem} token hunter2-token blob ${"A".repeat(60)}=`;
    assert.strictEqual(sanitize(text), "bad key [redacted PEM] token [secret] blob [redacted]");
    const e = errorFromRun(
      "apply-config",
      1,
      `error applying new configuration: rpc error: code = InvalidArgument desc = cluster.token hunter2-token ${"B".repeat(44)}\n`,
    );
    assert.strictEqual(e.message, "talosctl apply-config failed: InvalidArgument: cluster.token [secret] [redacted]");
    const diff =
      "error applying new configuration: 1 error occurred:\n\t* 10.0.0.2: rpc error: code = InvalidArgument desc = this config change can't be applied in immediate mode\ndiff:\n--- a\n+++ b\n@@ -1,1 +1,1 @@\n-    token: 37t8w6.lwla4b6gkz144imt\n\n";
    const d = errorFromRun("apply-config", 1, diff) as TalosApiError;
    assert.strictEqual(d.detail, "this config change can't be applied in immediate mode");
    assert.strictEqual(
      sanitize("token 37t8w6.lwla4b6gkz144imt\ndiff:\n-x: 1"),
      "token [redacted token]\ndiff: [omitted]",
    );
  });
});

describe("talosctl wrapper: output parsers", () => {
  it("parseJsonStream splits concatenated pretty objects (braces inside strings, escapes) and rejects junk", () => {
    const text = '{\n    "a": "}{\\"",\n    "b": [1, {"c": 2}]\n}\n{\n    "d": null\n}\n';
    assert.deepStrictEqual(parseJsonStream(text), [{ a: '}{"', b: [1, { c: 2 }] }, { d: null }]);
    assert.deepStrictEqual(parseJsonStream(""), []);
    assert.throws(
      () => parseJsonStream('{"a": 1}\nWARNING: x'),
      /^Error: talosctl JSON output: unexpected 'W' at offset 9$/,
    );
    assert.throws(() => parseJsonStream('{"a": 1'), /truncated object at end of output/);
  });

  it("parseApplyOutput: mode details, reboot need, diffs, warnings", () => {
    assert.deepStrictEqual(parseApplyOutput("WARNING: w1\nApplied configuration without a reboot\n", false), {
      modeDetails: "Applied configuration without a reboot",
      rebootNeeded: false,
      diff: null,
      warnings: ["w1"],
      dryRun: false,
    });
    assert.deepStrictEqual(
      parseApplyOutput(
        "Applied configuration with a reboot: this config change can't be applied in immediate mode\ndiff:\n--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+y\n",
        false,
      ),
      {
        modeDetails: "Applied configuration with a reboot: this config change can't be applied in immediate mode",
        rebootNeeded: true,
        diff: "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+y",
        warnings: [],
        dryRun: false,
      },
    );
    assert.deepStrictEqual(
      parseApplyOutput(
        "Dry run summary:\nStaged configuration to be applied after the next reboot (skipped in dry-run).\nConfig diff:\n\nNo changes.\n",
        true,
      ),
      {
        modeDetails: "Staged configuration to be applied after the next reboot",
        rebootNeeded: true,
        diff: "No changes.",
        warnings: [],
        dryRun: true,
      },
    );
    assert.deepStrictEqual(parseApplyOutput("", false), {
      modeDetails: "",
      rebootNeeded: false,
      diff: null,
      warnings: [],
      dryRun: false,
    });
  });

  it("parseEtcdMembers, parseServerVersion, validationProblems", () => {
    const table =
      "NODE         ID                 HOSTNAME        PEER URLS                 CLIENT URLS               LEARNER\n10.0.0.2     2d5f3b0c1a9e8f77   talos-cp-1      https://10.0.0.2:2380     https://10.0.0.2:2379     false\n";
    assert.deepStrictEqual(parseEtcdMembers(table), [
      {
        node: "10.0.0.2",
        id: "2d5f3b0c1a9e8f77",
        hostname: "talos-cp-1",
        peerUrls: ["https://10.0.0.2:2380"],
        clientUrls: ["https://10.0.0.2:2379"],
        learner: false,
      },
    ]);
    const version =
      "Client:\n\tTag:         v1.13.9\nServer:\n\tNODE:        10.0.0.2\n\tTag:         v1.12.4\n\tSHA:         abc\n\tBuilt:       \n\tGo version:  go1.25.5\n\tOS/Arch:     linux/arm64\n\tEnabled:     RBAC\n";
    assert.deepStrictEqual(parseServerVersion(version), [
      { node: "10.0.0.2", tag: "v1.12.4", sha: "abc", goVersion: "go1.25.5", osArch: "linux/arm64" },
    ]);
    assert.deepStrictEqual(
      validationProblems(
        "1 error occurred:\n\t* v1alpha1.Config: 2 errors occurred:\n\t* a\n\t* b\n\n\n\t* HostnameConfig: c\n\n",
      ),
      ["a", "b", "HostnameConfig: c"],
    );
  });
});

describe("talosctl wrapper: binary and private files", () => {
  let dir: string;
  let fake: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-talosctl-"));
    fake = path.join(dir, "talosctl");
    // Prints its args; for --talosconfig, the file's mode, its dir's mode and its content.
    fs.writeFileSync(
      fake,
      `#!/usr/bin/env bash
echo "ARGS $*"
while [ $# -gt 0 ]; do
  if [ "$1" = "--talosconfig" ]; then echo "MODE $(stat -c %a "$2") DIR $(stat -c %a "$(dirname "$2")") FILE $2"; echo "CONTENT $(cat "$2")"; fi
  shift
done
`,
      { mode: 0o755 },
    );
  });

  it("locate: explicit path, then $TALOSCTL, then PATH; TalosctlNotFoundError names all three ways", () => {
    assert.strictEqual(Talosctl.locate({ binary: fake }).binary, fake);
    assert.strictEqual(Talosctl.locate({ env: { TALOSCTL: fake, PATH: "" } }).binary, fake);
    assert.strictEqual(Talosctl.locate({ env: { PATH: `/nonexistent:${dir}` } }).binary, fake);
    // A bare name given explicitly (stack config `talosctl: talosctl-1.13`) is looked up on PATH, for every resource.
    assert.strictEqual(
      Talosctl.locate({ binary: path.basename(fake), env: { PATH: `/nonexistent:${dir}` } }).binary,
      fake,
    );
    assert.throws(() => Talosctl.locate({ binary: "no-such-talosctl", env: { PATH: dir } }), {
      name: "TalosctlNotFoundError",
      message: /^talosctl not found \(the given path "no-such-talosctl" is not an executable file\)/,
    });
    let err: Error | undefined;
    try {
      Talosctl.locate({ env: { PATH: "/nonexistent" } });
    } catch (e) {
      err = e as Error;
    }
    assert.ok(isError(err, "TalosctlNotFoundError"));
    assert.strictEqual(
      err!.message,
      "talosctl not found (not on PATH and TALOSCTL is not set): pass its path explicitly (the provider's talosctl stack config option), set the TALOSCTL environment variable, or put talosctl on PATH",
    );
  });

  it("API commands get a 0600 talosconfig in a 0700 temp dir that is removed afterwards; gen/validate get none", async () => {
    const t = new Talosctl(fake, {});
    const before = Talosctl.spawnCount;
    const r = await t.run(["get", "members", "-n", "10.0.0.2"], { talosconfig: "context: c\ncontexts: {}\n" });
    const file = /FILE (\S+)/.exec(r.stdout)![1];
    assert.match(r.stdout, /^ARGS get members -n 10\.0\.0\.2 --talosconfig \/\S+\/talosconfig\nMODE 600 DIR 700 FILE /);
    assert.ok(r.stdout.includes("CONTENT context: c\ncontexts: {}\n"));
    assert.strictEqual(fs.existsSync(file), false);
    assert.strictEqual(fs.existsSync(path.dirname(file)), false);
    const gen = await t.run(["gen", "secrets", "-o", "-"]);
    assert.strictEqual(gen.stdout, "ARGS gen secrets -o -\n");
    assert.strictEqual(Talosctl.spawnCount - before, 2);
  });

  it("the temp dir is removed when the run fails too", async () => {
    const failing = path.join(dir, "failing");
    fs.writeFileSync(
      failing,
      `#!/usr/bin/env bash\nfor a in "$@"; do [ -f "$a" ] && echo "$a" > ${dir}/seen; done\necho '${UNAVAILABLE}' >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const err = await new Talosctl(failing, {}).run(["version", "-n", "10.0.0.2"]).catch((e) => e);
    assert.strictEqual((err as TalosApiError).grpcCode, "Unavailable");
    assert.strictEqual(fs.existsSync(fs.readFileSync(path.join(dir, "seen"), "utf8").trim()), false);
  });
});
