/**
 * The talosctl wrapper's day-2 helpers against a fake binary: the exact argv of `upgrade` per client
 * version (v1.12: no --drain; v1.13: --drain=false by default; --preserve only when asked),
 * `upgrade-k8s`, `etcd remove-member`/`forfeit-leadership`, and the mapping of tracker, streaming-path
 * and plain failures to errors that name the node.
 * Does not prove: that the stand-in (or a real talosctl) prints these texts — see test/integration/talos-day2*.test.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isError } from "../../../../provider/internal/errors";
import {
  TalosApiError,
  Talosctl,
  TalosctlError,
  sanitize,
  upgradeArgs,
  upgradeError,
} from "../../../../provider/talos/talosctl";

interface Fake {
  t: Talosctl;
  argv: () => string[];
}

describe("talosctl wrapper: day-2 commands", () => {
  let dir: string;
  let bin: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-talosctl-day2-"));
    bin = path.join(dir, "talosctl");
    // Logs its argv without the private --talosconfig pair, then replays canned output and exit code.
    fs.writeFileSync(
      bin,
      `#!/usr/bin/env bash
if [ "$1" = version ] && [ "$2" = --client ]; then printf 'Client:\\n\\tTag:         %s\\n' "$FAKE_VERSION"; exit 0; fi
out=(); skip=0
for a in "$@"; do if [ $skip = 1 ]; then skip=0; continue; fi; if [ "$a" = --talosconfig ]; then skip=1; continue; fi; out+=("$a"); done
echo "\${out[*]}" >> "$FAKE_LOG"
[ -f "$FAKE_DIR/stdout" ] && cat "$FAKE_DIR/stdout"
[ -f "$FAKE_DIR/stderr" ] && cat "$FAKE_DIR/stderr" >&2
exit "\${FAKE_EXIT:-0}"
`,
      { mode: 0o755 },
    );
  });

  function fake(version: string, o: { stdout?: string; stderr?: string; exit?: number } = {}): Fake {
    const d = fs.mkdtempSync(path.join(dir, "run-"));
    if (o.stdout !== undefined) fs.writeFileSync(path.join(d, "stdout"), o.stdout);
    if (o.stderr !== undefined) fs.writeFileSync(path.join(d, "stderr"), o.stderr);
    const log = path.join(d, "argv");
    const t = new Talosctl(bin, {
      FAKE_VERSION: version,
      FAKE_LOG: log,
      FAKE_DIR: d,
      FAKE_EXIT: String(o.exit ?? 0),
      PATH: process.env.PATH,
    });
    return { t, argv: () => fs.readFileSync(log, "utf8").trim().split("\n") };
  }

  it("upgrade argv: v1.12 client has no --drain; v1.13 passes --drain=false unless asked; --preserve only when true", async () => {
    const a = fake("v1.12.4");
    await a.t.upgrade({
      node: "10.0.0.2",
      endpoints: ["10.0.0.2"],
      image: "ghcr.io/siderolabs/installer:v1.13.9",
      timeoutMs: 900000,
      preserve: true,
    });
    assert.deepStrictEqual(a.argv(), [
      "upgrade -n 10.0.0.2 -e 10.0.0.2 --image ghcr.io/siderolabs/installer:v1.13.9 --wait=true --preserve --timeout 900s",
    ]);
    const b = fake("v1.13.9");
    await b.t.upgrade({ node: "10.0.0.3", image: "factory.talos.dev/metal-installer/abc:v1.13.9" });
    await b.t.upgrade({
      node: "10.0.0.3",
      image: "i:v1.13.9",
      drain: true,
      preserve: false,
      rebootMode: "powercycle",
      timeoutMs: 1500,
    });
    assert.deepStrictEqual(b.argv(), [
      "upgrade -n 10.0.0.3 --image factory.talos.dev/metal-installer/abc:v1.13.9 --wait=true --drain=false --timeout 1800s",
      "upgrade -n 10.0.0.3 --image i:v1.13.9 --wait=true --drain=true --reboot-mode powercycle --timeout 2s",
    ]);
    assert.deepStrictEqual(upgradeArgs({ node: "n", image: "i", wait: false }, 11), [
      "upgrade",
      "-n",
      "n",
      "--image",
      "i",
      "--wait=false",
      "--timeout",
      "1800s",
    ]);
  });

  it("upgrade failure on the legacy tracker: the node's last line becomes TalosApiError naming that node", async () => {
    const img = "ghcr.io/siderolabs/installer:v1.13.99";
    const detail = `error validating installer image "${img}": failed to resolve reference "${img}": ${img}: not found`;
    const stderr = `New upgrade API is not available, falling back to legacy\n"10.0.0.2": waiting for actor ID\n"10.0.0.2": rpc error: code = Unknown desc = ${detail}\n`;
    const err = (await fake("v1.13.9", { stderr, exit: 1 })
      .t.upgrade({ node: "10.0.0.2", image: img })
      .catch((e) => e)) as TalosApiError;
    assert.ok(isError(err, "TalosApiError"));
    assert.deepStrictEqual([err.node, err.grpcCode, err.detail], ["10.0.0.2", "Unknown", detail]);
    assert.strictEqual(err.message, `talosctl upgrade failed on node 10.0.0.2: Unknown: ${detail}`);
  });

  it("upgrade failure mapping: tracker timeout, streaming-path node error, plain error attributed to the target", () => {
    const timeout = upgradeError(
      "10.0.0.9",
      1,
      '"10.0.0.2": waiting for actor ID\n"10.0.0.2": actor ID: 4d1c\n"10.0.0.2": rpc error: code = DeadlineExceeded desc = context deadline exceeded\n',
    ) as TalosApiError;
    assert.deepStrictEqual(
      [timeout.name, timeout.node, timeout.grpcCode, timeout.message],
      [
        "TalosApiError",
        "10.0.0.2",
        "DeadlineExceeded",
        "talosctl upgrade failed on node 10.0.0.2: DeadlineExceeded: context deadline exceeded",
      ],
    );
    // The real client: its deadline error is lost, the reconnect line is last.
    const gone = upgradeError(
      "10.0.0.2",
      1,
      '"10.0.0.2": sequence: upgrade action: START\n"10.0.0.2": unavailable, retrying...\n"10.0.0.2": unavailable, retrying...\n',
    ) as TalosctlError;
    assert.deepStrictEqual(
      [gone.name, gone.node, gone.message],
      [
        "TalosctlError",
        "10.0.0.2",
        "talosctl upgrade failed on node 10.0.0.2 (exit 1): the node did not answer again before talosctl's --timeout (tracker: unavailable, retrying...)",
      ],
    );
    const pull = upgradeError(
      "10.0.0.3",
      1,
      'error pulling upgrade image: error from node 10.0.0.3: rpc error: code = NotFound desc = failed to resolve reference "x:v9": x:v9: not found\n',
    ) as TalosApiError;
    assert.deepStrictEqual(
      [pull.name, pull.node, pull.grpcCode, pull.detail],
      ["TalosApiError", "10.0.0.3", "NotFound", 'failed to resolve reference "x:v9": x:v9: not found'],
    );
    const tracked = upgradeError(
      "10.0.0.4",
      1,
      '"10.0.0.4": waiting for actor ID\n"10.0.0.4": sequence error: boom\n',
    ) as TalosctlError;
    assert.deepStrictEqual(
      [tracked.name, tracked.node, tracked.message],
      ["TalosctlError", "10.0.0.4", "talosctl upgrade failed on node 10.0.0.4 (exit 1): sequence error: boom"],
    );
    const plain = upgradeError(
      "10.0.0.5",
      1,
      "Flag --preserve has been deprecated, legacy flag\ncannot use --wait and --insecure together\n",
    ) as TalosctlError;
    assert.deepStrictEqual(
      [plain.name, plain.node, plain.message],
      [
        "TalosctlError",
        "10.0.0.5",
        "talosctl upgrade failed on node 10.0.0.5 (exit 1): cannot use --wait and --insecure together",
      ],
    );
  });

  it("keeps schematic ids in installer image references readable while still redacting key-like runs", () => {
    const img = `factory.talos.dev/metal-installer/${"0a".repeat(32)}:v1.13.10`;
    assert.strictEqual(sanitize(`failed to resolve reference "${img}"`), `failed to resolve reference "${img}"`);
    assert.strictEqual(sanitize(`key ${"Ab/".repeat(20)} id ${"0a".repeat(32)}X`), "key [redacted] id [redacted]");
  });

  it("upgrade-k8s: argv, stdout lines; a plain failure names the node", async () => {
    const ok = fake("v1.13.9", {
      stdout:
        'automatically detected the lowest Kubernetes version 1.35.0\ndiscovered controlplane nodes ["10.0.0.2"]\n > skipped in dry-run\n',
    });
    const lines = await ok.t.upgradeK8s({ node: "10.0.0.2", endpoints: ["10.0.0.2"], to: "1.36.3", dryRun: true });
    assert.deepStrictEqual(lines, [
      "automatically detected the lowest Kubernetes version 1.35.0",
      'discovered controlplane nodes ["10.0.0.2"]',
      " > skipped in dry-run",
    ]);
    await ok.t.upgradeK8s({ node: "10.0.0.2", from: "1.35.0", to: "1.36.3" });
    assert.deepStrictEqual(ok.argv(), [
      "upgrade-k8s -n 10.0.0.2 -e 10.0.0.2 --to 1.36.3 --dry-run",
      "upgrade-k8s -n 10.0.0.2 --to 1.36.3 --from 1.35.0",
    ]);
    const bad = 'error creating upgrade path unsupported upgrade path 1.34->1.36 (from "1.34.0" to "1.36.3")\n';
    const err = (await fake("v1.13.9", { stderr: bad, exit: 1 })
      .t.upgradeK8s({ node: "10.0.0.2", to: "1.36.3" })
      .catch((e) => e)) as TalosctlError;
    assert.deepStrictEqual(
      [err.name, err.node, err.message],
      ["TalosctlError", "10.0.0.2", `talosctl upgrade-k8s failed on node 10.0.0.2 (exit 1): ${bad.trim()}`],
    );
  });

  it("etcd remove-member and forfeit-leadership argv; a member-not-found failure maps to TalosApiError", async () => {
    const ok = fake("v1.13.9");
    await ok.t.etcdRemoveMember({ node: "10.0.0.2", memberId: "2d5f3b0c1a9e8f77" });
    await ok.t.etcdForfeitLeadership({ node: "10.0.0.3", endpoints: ["10.0.0.3"] });
    assert.deepStrictEqual(ok.argv(), [
      "etcd remove-member 2d5f3b0c1a9e8f77 -n 10.0.0.2",
      "etcd forfeit-leadership -n 10.0.0.3 -e 10.0.0.3",
    ]);
    const stderr =
      "error removing member: 1 error occurred:\n\t* 10.0.0.2: rpc error: code = Unknown desc = etcdserver: member not found\n\n\n";
    const err = (await fake("v1.13.9", { stderr, exit: 1 })
      .t.etcdRemoveMember({ node: "10.0.0.2", memberId: "00000000000000ff" })
      .catch((e) => e)) as TalosApiError;
    assert.deepStrictEqual(
      [err.name, err.node, err.grpcCode, err.detail],
      ["TalosApiError", "10.0.0.2", "Unknown", "etcdserver: member not found"],
    );
  });
});
