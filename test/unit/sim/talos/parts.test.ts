/**
 * Building blocks of the Talos simulator: pflag-compatible parsing and its error texts, Go
 * durations, the go-yaml-style emitter (fixture round trip), the unified diff, X.509 issuance,
 * validation rules and conflicts, CanApplyImmediate, KubeSpan addressing, go-humanize sizes.
 * Does not prove: end-to-end behaviour (see test/integration/talos-*.test.ts).
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseDuration, formatDuration } from "../../../../provider/sim/talos/talosctl/duration";
import { FlagDef, parseFlags } from "../../../../provider/sim/talos/talosctl/flags";
import { validateClusterEndpoint } from "../../../../provider/sim/talos/talosctl/endpoint";
import { loadConfig } from "../../../../provider/sim/talos/config-docs";
import { unifiedDiff } from "../../../../provider/sim/talos/diff";
import { multierror } from "../../../../provider/sim/talos/multierror";
import { humanizeBytes } from "../../../../provider/sim/talos/node/disks";
import { kubespanAddress, newWgKeys } from "../../../../provider/sim/talos/node/identity";
import { canApplyImmediate, configDiff } from "../../../../provider/sim/talos/node/immediate";
import { issue, keyFromPem, newCA } from "../../../../provider/sim/talos/pki/cert";
import { validateConfig } from "../../../../provider/sim/talos/validate";
import { encodeDocs, encodeYaml, parseDocs } from "../../../../provider/sim/talos/yaml";
import { FIXTURES } from "../../../helpers/fixtures";

const GEN_CONFIG = path.join(FIXTURES, "talos", "gen-config");

describe("talos sim: flags and durations", () => {
  const defs: FlagDef[] = [
    { name: "nodes", short: "n", type: "strings", usage: "" },
    { name: "patch", short: "p", type: "stringArray", usage: "" },
    { name: "insecure", short: "i", type: "bool", usage: "" },
    { name: "timeout", type: "duration", def: 60000, usage: "" },
    { name: "mode", short: "m", type: "choice", choices: ["auto", "try"], def: "auto", usage: "" },
    { name: "old", type: "bool", usage: "", deprecated: "use --new" },
  ];
  it("parses long/short/combined forms, slices vs arrays, interspersed positionals and --", () => {
    const warn: string[] = [];
    const r = parseFlags(
      ["a", "-n", "1,2", "--nodes=3", "-ip", "x,y", "--patch", "z", "--timeout", "1m30s", "-mtry", "--old", "--", "-n"],
      defs,
      (l) => warn.push(l),
    );
    assert.deepStrictEqual(r.positionals, ["a", "-n"]);
    assert.deepStrictEqual(r.flags.values, {
      nodes: ["1", "2", "3"],
      patch: ["x,y", "z"],
      insecure: true,
      timeout: 90000,
      mode: "try",
      old: true,
    });
    assert.deepStrictEqual([...r.flags.changed].sort(), ["insecure", "mode", "nodes", "old", "patch", "timeout"]);
    assert.deepStrictEqual(warn, ["Flag --old has been deprecated, use --new"]);
  });
  it("fails with pflag's texts", () => {
    const err = (args: string[]) => {
      try {
        parseFlags(args, defs, () => undefined);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.strictEqual(err(["--foo"]), "unknown flag: --foo");
    assert.strictEqual(err(["-x"]), "unknown shorthand flag: 'x' in -x");
    assert.strictEqual(err(["--nodes"]), "flag needs an argument: --nodes");
    assert.strictEqual(err(["-n"]), "flag needs an argument: 'n' in -n");
    assert.strictEqual(
      err(["--insecure=maybe"]),
      'invalid argument "maybe" for "-i, --insecure" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    );
    assert.strictEqual(
      err(["--timeout", "5"]),
      'invalid argument "5" for "--timeout" flag: time: invalid duration "5"',
    );
    assert.strictEqual(err(["-m", "x"]), 'invalid argument "x" for "-m, --mode" flag: possible options are: auto, try');
  });
  it("Go durations both ways", () => {
    assert.deepStrictEqual(
      ["1m0s", "20m0s", "500ms", "1.5h", "0"].map(parseDuration),
      [60000, 1200000, 500, 5400000, 0],
    );
    assert.deepStrictEqual([60000, 1200000, 500, 90500, 3600000].map(formatDuration), [
      "1m0s",
      "20m0s",
      "500ms",
      "1m30.5s",
      "1h0m0s",
    ]);
  });
  it("cluster endpoint validation", () => {
    assert.doesNotThrow(() => validateClusterEndpoint("https://[2a01:4f8::1]:6443"));
    assert.throws(() => validateClusterEndpoint("[2a01:4f8::1]"), {
      message: 'no scheme and port specified for the cluster endpoint URL\ntry: "https://[2a01:4f8::1]:6443"',
    });
  });
});

describe("talos sim: YAML, diff, multierror", () => {
  it("re-encodes every gen-config fixture byte for byte", () => {
    for (const v of fs.readdirSync(GEN_CONFIG).filter((d) => d.startsWith("v"))) {
      for (const f of fs.readdirSync(path.join(GEN_CONFIG, v))) {
        const text = fs.readFileSync(path.join(GEN_CONFIG, v, f), "utf8");
        assert.strictEqual(encodeDocs(parseDocs(text)), text, `${v}/${f}`);
      }
    }
  });
  it("quotes like go-yaml and writes block strings", () => {
    assert.strictEqual(
      encodeYaml({ a: "", b: "1", c: "true", d: "a: b", e: "x\ny\n", f: [], g: {}, h: [{ i: 1, j: { k: 2 } }] }),
      'a: ""\nb: "1"\nc: "true"\nd: "a: b"\ne: |\n    x\n    y\nf: []\ng: {}\nh:\n    - i: 1\n      j:\n        k: 2\n',
    );
  });
  it("unified diff with 3 lines of context, deletions before additions", () => {
    assert.strictEqual(
      unifiedDiff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nX\ne\nf\ng\nh\n"),
      "--- a\n+++ b\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+X\n e\n f\n g\n",
    );
    assert.strictEqual(unifiedDiff("same\n", "same\n"), "");
    assert.strictEqual(configDiff("a: 1 # c\n", "a: 1\n"), "No changes.");
  });
  it("go-multierror text", () => {
    assert.strictEqual(multierror(["x"]), "1 error occurred:\n\t* x\n\n");
    assert.strictEqual(multierror(["x", "y"]), "2 errors occurred:\n\t* x\n\t* y\n\n");
  });
});

describe("talos sim: PKI, identities, sizes", () => {
  it("issues certificates that chain to their CA (ECDSA and Ed25519) and reads Talos key labels", () => {
    for (const kind of ["ecdsa", "ed25519"] as const) {
      const ca = newCA(kind, { O: ["talos"] });
      const leaf = issue(ca, "ed25519", {
        subject: { O: ["os:admin"] },
        validityMs: 3600000,
        clientAuth: true,
        ips: ["10.0.0.2"],
        dnsNames: ["cp-1"],
      });
      const c = new crypto.X509Certificate(leaf.crt);
      assert.ok(c.verify(new crypto.X509Certificate(ca.crt).publicKey));
      assert.deepStrictEqual(
        [c.subject, c.issuer, c.subjectAltName, c.ca],
        ["O=os:admin", "O=talos", "DNS:cp-1, IP Address:10.0.0.2", false],
      );
      assert.strictEqual(keyFromPem(ca.key).asymmetricKeyType, kind === "ecdsa" ? "ec" : "ed25519");
    }
    const other = newCA("ed25519", { O: ["talos"] });
    const leaf = issue(newCA("ed25519", { O: ["talos"] }), "ed25519", {
      subject: { O: ["os:admin"] },
      validityMs: 1000,
    });
    assert.strictEqual(
      new crypto.X509Certificate(leaf.crt).verify(new crypto.X509Certificate(other.crt).publicKey),
      false,
    );
  });
  it("KubeSpan address: fd + sha256(cluster id)[0:7] /64 and the EUI-64 of the MAC; x25519 keys are 32 bytes", () => {
    const prefix = crypto.createHash("sha256").update("cid").digest().subarray(0, 7);
    const groups = [Buffer.concat([Buffer.from([0xfd]), prefix])].map((b) =>
      [0, 2, 4, 6].map((i) => b.readUInt16BE(i).toString(16)).join(":"),
    )[0];
    assert.deepStrictEqual(kubespanAddress("cid", "e6:c2:6c:4f:a1:b5"), {
      subnet: `${groups}::/64`,
      address: `${groups}:e4c2:6cff:fe4f:a1b5`,
    });
    const k = newWgKeys();
    assert.deepStrictEqual(
      [Buffer.from(k.privateKey, "base64").length, Buffer.from(k.publicKey, "base64").length],
      [32, 32],
    );
  });
  it("go-humanize SI sizes", () => {
    assert.deepStrictEqual([40960000000, 4000000000, 480103981056, 512].map(humanizeBytes), [
      "41 GB",
      "4.0 GB",
      "480 GB",
      "512 B",
    ]);
  });
});

describe("talos sim: validation and CanApplyImmediate", () => {
  const base = fs.readFileSync(path.join(GEN_CONFIG, "v1.13", "base-worker.yaml"), "utf8");
  const cp = fs.readFileSync(path.join(GEN_CONFIG, "v1.13", "base-controlplane.yaml"), "utf8");
  const check = (text: string, mode = "cloud") => validateConfig(loadConfig(text), mode).error;
  it("rules and conflicts with Talos's texts", () => {
    assert.strictEqual(check(base), null);
    assert.strictEqual(
      check(base, "metal"),
      "1 error occurred:\n\t* v1alpha1.Config: 1 error occurred:\n\t* either install disk or diskSelector should be defined\n\n\n\n",
    );
    assert.strictEqual(
      check(base.replace('key: ""\n    certSANs', "key: Zm9v\n    certSANs")),
      "1 error occurred:\n\t* v1alpha1.Config: 1 error occurred:\n\t* issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)\n\n\n\n",
    );
    assert.strictEqual(
      check(base.replace("type: worker", "type: bogus")),
      '1 error occurred:\n\t* v1alpha1.Config: 1 error occurred:\n\t* unknown machine type "bogus"\n\n\n\n',
    );
    assert.strictEqual(
      check(base.replace("auto: stable", "auto: stable\nhostname: w1")),
      "1 error occurred:\n\t* HostnameConfig: 'auto' and 'hostname' cannot be set at the same time\n\n",
    );
    assert.strictEqual(
      check(base.replace("    install:\n", "    network:\n        hostname: w1\n    install:\n")),
      "1 error occurred:\n\t* static hostname is already set in v1alpha1 config\n\n",
    );
    // KubeSpanConfig.Validate checks MTU and filters only (the real talosctl accepts it without discovery).
    assert.strictEqual(
      check(
        base.replace("discovery:\n        enabled: true", "discovery:\n        enabled: false") +
          "---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n",
      ),
      null,
    );
    assert.strictEqual(
      check(
        `${base}---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\nmtu: 1000\nfilters:\n  endpoints: ["!10.0.0.1", "nope"]\n`,
      ),
      '2 errors occurred:\n\t* KubeSpanConfig: kubespan link MTU must be at least 1280\n\t* KubeSpanConfig: KubeSpan endpoint filter is not valid: "nope"\n\n',
    );
  });
  it("label/cluster changes apply immediately; machine.env or machine.type need a reboot; other documents are ignored", () => {
    const before = loadConfig(cp);
    const now = (text: string) => canApplyImmediate(before, loadConfig(text));
    assert.strictEqual(now(cp.replace("clusterName: base", "clusterName: other")), true);
    assert.strictEqual(now(cp.replace("    nodeLabels:\n", "    nodeLabels:\n        a: b\n")), true);
    assert.strictEqual(now(cp.replace("auto: stable", 'auto: "off"\nhostname: x')), true);
    assert.strictEqual(now(cp.replace("    install:\n", "    env:\n        A: b\n    install:\n")), false);
    assert.strictEqual(now(cp.replace("type: controlplane", "type: worker")), false);
  });
});
