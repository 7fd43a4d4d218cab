/**
 * The talosctl stand-in against contracts/talosctl.md, per client version: exact stdout/stderr/exit
 * code of usage errors, flag errors, endpoint validation, gen secrets/config outputs (layout per
 * version contract against test/fixtures), validate texts. Runs the CLI in-process (same code as
 * the binary) except where the binary itself is under test.
 * Does not prove: anything about a real talosctl binary (none is available); commented `--with-docs`
 * output matching Talos's (only its data is compared).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { talosctlMain } from "../../../../provider/sim/talos/talosctl/main";
import { talosctlPath } from "../../../../provider/sim/talos/runtime";
import { parseDocs } from "../../../../provider/sim/talos/yaml";
import { FIXTURES } from "../../../helpers/fixtures";

const fixtures = path.join(FIXTURES, "talos", "gen-config");

/** Result of one invocation. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the stand-in in-process as client `version`. */
export async function talosctl(
  version: string,
  args: string[],
  cwd = os.tmpdir(),
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await talosctlMain(args, { HOME: cwd, ...env, TALOSCTL_SIM_VERSION: version }, cwd, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "standin-"));
}

const usageHead = (line: string) => `\n\nUsage:\n  ${line}\n`;

describe("talosctl stand-in: process contract (usage, flags, exit codes)", () => {
  for (const v of ["v1.11.5", "v1.12.4", "v1.13.9"]) {
    describe(`client ${v}`, () => {
      const cases: [string, string[], string][] = [
        ["wrong arg count", ["gen", "config", "a"], "accepts 2 arg(s), received 1"],
        ["global flag on gen (v1.11+)", ["gen", "secrets", "--nodes", "10.0.0.2"], "unknown flag: --nodes"],
        ["unknown shorthand", ["validate", "-x"], "unknown shorthand flag: 'x' in -x"],
        ["required flag", ["validate", "-c", "x.yaml"], 'required flag(s) "mode" not set'],
        ["unknown command", ["frobnicate"], 'unknown command "frobnicate" for "talosctl"'],
        ["get without type", ["get"], "accepts between 1 and 2 arg(s), received 0"],
      ];
      for (const [name, args, first] of cases) {
        it(`${name}: exit 1, error line, usage dump`, async () => {
          const r = await talosctl(v, args);
          assert.strictEqual(r.code, 1);
          assert.strictEqual(r.stdout, "");
          assert.ok(r.stderr.startsWith(`${first}\n\nUsage:\n`), r.stderr.slice(0, 200));
          assert.ok(r.stderr.endsWith("\n\n"));
        });
      }
      it("apply-config --mode lists the modes of this version", async () => {
        const modes =
          v === "v1.13.9"
            ? "auto, no-reboot, reboot, staged, try"
            : "auto, no-reboot, reboot, staged, try, interactive";
        const r = await talosctl(v, ["apply-config", "-m", "bogus", "-f", "x"]);
        assert.ok(
          r.stderr.startsWith(
            `invalid argument "bogus" for "-m, --mode" flag: possible options are: ${modes}\n\nUsage:\n  talosctl apply-config [flags]\n`,
          ),
          r.stderr,
        );
      });
    });
  }

  it("prints usage of the failing subcommand; v1.11+ lists the global flags as its own (persistent on each command)", async () => {
    const r = await talosctl("v1.13.9", ["apply", "config", "extra"]);
    assert.ok(
      r.stderr.startsWith(
        "accepts at most 1 arg(s), received 2" +
          usageHead("talosctl apply-config [flags]") +
          "\nAliases:\n  apply-config, apply\n\nFlags:\n",
      ),
      r.stderr,
    );
    assert.match(r.stderr, /\n {2}-n, --nodes strings {14}target the specified nodes\n/);
    assert.ok(!r.stderr.includes("Global Flags:"));
  });

  it("errors without args/flag/command words are printed alone", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "secrets.yaml"), "x");
    const r = await talosctl("v1.13.9", ["gen", "secrets"], dir);
    assert.deepStrictEqual(r, {
      code: 1,
      stdout: "",
      stderr: 'file "secrets.yaml" already exists, use --force to overwrite\n',
    });
  });

  it("endpoint validation texts (EXACT)", async () => {
    const expect: [string, string][] = [
      ["10.0.0.1", 'no scheme and port specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"\n'],
      ["10.0.0.1:6443", 'no scheme specified for the cluster endpoint URL\ntry: "https://10.0.0.1:6443"\n'],
      ["http://x:6443", 'the control plane endpoint URL should have scheme https://\ntry: "https://x:6443"\n'],
    ];
    for (const [ep, err] of expect)
      assert.deepStrictEqual(await talosctl("v1.13.9", ["gen", "config", "c", ep], tmp()), {
        code: 1,
        stdout: "",
        stderr: err,
      });
  });

  it("gen config flag validation texts", async () => {
    const dir = tmp();
    const run = (...a: string[]) => talosctl("v1.13.9", ["gen", "config", "c", "https://c:6443", ...a], dir);
    assert.strictEqual(
      (await run("-t", "controlplane,worker", "-o", "-")).stderr,
      "can't use multiple output types with stdout\n",
    );
    assert.strictEqual((await run("-t", "bogus")).stderr, 'invalid output type: "bogus"\n');
    assert.strictEqual(
      (await run("--talos-version", "x")).stderr,
      'invalid talos-version: error parsing version "vx"\n',
    );
    assert.strictEqual(
      (await run("--with-secrets", "missing.yaml")).stderr,
      "failed to load secrets bundle: open missing.yaml: no such file or directory\n",
    );
  });

  it("disks is removed (v1.9+) and version --client prints the client block", async () => {
    assert.deepStrictEqual(await talosctl("v1.12.4", ["disks", "--insecure", "-n", "10.0.0.2"]), {
      code: 1,
      stdout: "",
      stderr:
        "`talosctl disks` is deprecated, please use `talosctl get disks`, `talosctl get systemdisk`, `talosctl get discoveredvolumes` instead\n",
    });
    const r = await talosctl("v1.12.4", ["version", "--client"]);
    assert.match(
      r.stdout,
      /^Client:\n\tTag:         v1\.12\.4\n\tSHA:         [0-9a-f]{8}\n\tBuilt:       \n\tGo version:  go1\.\d+\.\d+\n\tOS\/Arch:     linux\/amd64\n$/,
    );
    assert.strictEqual(
      (await talosctl("v1.13.9", ["version", "--client", "--short"])).stdout,
      "Client:\nTalos v1.13.9\n",
    );
  });

  it("the executable behaves like the in-process CLI (exit code, streams)", () => {
    const r = spawnSync(talosctlPath(), ["gen", "config", "a"], {
      encoding: "utf8",
      env: { ...process.env, TALOSCTL_SIM_VERSION: "v1.13.9" },
    });
    assert.strictEqual(r.status, 1);
    assert.ok(
      r.stderr.startsWith(
        "accepts 2 arg(s), received 1\n\nUsage:\n  talosctl gen config <cluster name> <cluster endpoint> [flags]\n",
      ),
    );
    assert.strictEqual(r.stdout, "");
  });
});

describe("talosctl stand-in: gen secrets / gen config / validate", function () {
  this.timeout(60000);

  it("gen secrets: 0600 file, key order, real CAs (ECDSA P-256 ×3, Ed25519 os, RSA service account)", async () => {
    const dir = tmp();
    const r = await talosctl("v1.13.9", ["gen", "secrets"], dir);
    assert.deepStrictEqual(r, { code: 0, stdout: "", stderr: "" });
    const file = path.join(dir, "secrets.yaml");
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    const text = fs.readFileSync(file, "utf8");
    assert.deepStrictEqual(
      text
        .split("\n")
        .filter((l) => /^ {0,4}\w/.test(l))
        .map((l) => l.split(":")[0]),
      [
        "cluster",
        "    id",
        "    secret",
        "secrets",
        "    bootstraptoken",
        "    secretboxencryptionsecret",
        "trustdinfo",
        "    token",
        "certs",
        "    etcd",
        "    k8s",
        "    k8saggregator",
        "    k8sserviceaccount",
        "    os",
      ],
    );
    const doc = parseDocs(text)[0] as any;
    assert.match(doc.secrets.bootstraptoken, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const pem = (b: string) => Buffer.from(b, "base64").toString();
    for (const ca of ["etcd", "k8s", "k8saggregator"]) {
      const cert = new crypto.X509Certificate(pem(doc.certs[ca].crt));
      assert.ok(cert.ca && cert.verify(cert.publicKey));
      assert.strictEqual(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    }
    assert.strictEqual(new crypto.X509Certificate(pem(doc.certs.os.crt)).publicKey.asymmetricKeyType, "ed25519");
    assert.ok(pem(doc.certs.os.key).startsWith("-----BEGIN ED25519 PRIVATE KEY-----\n"));
    assert.strictEqual(crypto.createPrivateKey(pem(doc.certs.k8sserviceaccount.key)).asymmetricKeyType, "rsa");
  });

  it("gen secrets -o -: stdout on v1.12+, a file named '-' on v1.11", async () => {
    const d12 = tmp();
    const r12 = await talosctl("v1.12.4", ["gen", "secrets", "-o", "-"], d12);
    assert.ok(r12.stdout.startsWith("cluster:\n    id: "));
    assert.deepStrictEqual(fs.readdirSync(d12), []);
    const d11 = tmp();
    const r11 = await talosctl("v1.11.5", ["gen", "secrets", "-o", "-"], d11);
    assert.strictEqual(r11.stdout, "");
    assert.deepStrictEqual(fs.readdirSync(d11), ["-"]);
  });

  for (const [client, contract] of [
    ["v1.11.5", "v1.11"],
    ["v1.12.4", "v1.12"],
    ["v1.13.9", "v1.13"],
    ["v1.13.9", "v1.6"],
  ]) {
    it(`gen config (client ${client}, --talos-version ${contract}) equals the fixture apart from install disk/image`, async () => {
      const dir = tmp();
      const r = await talosctl(
        client,
        [
          "gen",
          "config",
          "base",
          "https://base:6443",
          "--with-secrets",
          path.join(fixtures, "secrets.yaml"),
          "--talos-version",
          contract,
          "--kubernetes-version",
          "1.28.0",
          "--with-docs=false",
          "--with-examples=false",
          "--install-image",
          "img:1",
        ],
        dir,
      );
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(
        r.stderr,
        "generating PKI and tokens\n" +
          ["controlplane.yaml", "worker.yaml", "talosconfig"].map((f) => `Created ${path.join(dir, f)}\n`).join(""),
      );
      for (const role of ["controlplane", "worker"]) {
        const file = path.join(dir, `${role}.yaml`);
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o644);
        const got = fs.readFileSync(file, "utf8");
        assert.ok(got.includes("        disk: /dev/sda\n        image: img:1\n        wipe: false\n"));
        assert.strictEqual(
          got.replace("        disk: /dev/sda\n        image: img:1\n", ""),
          fs.readFileSync(path.join(fixtures, contract, `base-${role}.yaml`), "utf8"),
        );
      }
      const tc = fs.readFileSync(path.join(dir, "talosconfig"), "utf8");
      assert.match(
        tc,
        /^context: base\ncontexts:\n {4}base:\n {8}endpoints: \[\]\n {8}ca: \S+\n {8}crt: \S+\n {8}key: \S+\n$/,
      );
    });
  }

  it("--with-kubespan: machine.network.kubespan on v1.12, a KubeSpanConfig document on v1.13", async () => {
    const gen = async (v: string) =>
      (
        await talosctl(
          "v1.13.9",
          [
            "gen",
            "config",
            "k",
            "https://k:6443",
            "--talos-version",
            v,
            "--with-kubespan",
            "-t",
            "worker",
            "-o",
            "-",
            "--with-docs=false",
            "--with-examples=false",
          ],
          tmp(),
        )
      ).stdout;
    const v12 = parseDocs(await gen("v1.12")) as any[];
    assert.deepStrictEqual(v12[0].machine.network, { kubespan: { enabled: true } });
    assert.deepStrictEqual(v12.slice(1), [{ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" }]);
    const v13 = parseDocs(await gen("v1.13")) as any[];
    assert.strictEqual(v13[0].machine.network, undefined);
    assert.deepStrictEqual(v13.slice(1), [
      { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" },
      { apiVersion: "v1alpha1", kind: "KubeSpanConfig", enabled: true },
    ]);
  });

  it("validate: success line on stdout, Talos multierror on failure", async () => {
    const dir = tmp();
    await talosctl(
      "v1.13.9",
      ["gen", "config", "v", "https://v:6443", "--install-disk", "", "--with-docs=false", "--with-examples=false"],
      dir,
    );
    assert.deepStrictEqual(await talosctl("v1.13.9", ["validate", "-c", "worker.yaml", "-m", "cloud"], dir), {
      code: 0,
      stdout: "worker.yaml is valid for cloud mode\n",
      stderr: "",
    });
    assert.deepStrictEqual(await talosctl("v1.13.9", ["validate", "-c", "worker.yaml", "-m", "metal"], dir), {
      code: 1,
      stdout: "",
      stderr:
        "1 error occurred:\n\t* v1alpha1.Config: 1 error occurred:\n\t* either install disk or diskSelector should be defined\n\n\n\n\n",
    });
    assert.strictEqual(
      (await talosctl("v1.13.9", ["validate", "-c", "worker.yaml", "-m", "bare"], dir)).stderr,
      'unknown runtime mode: "bare"\n',
    );
    assert.strictEqual(
      (await talosctl("v1.13.9", ["validate", "-c", "", "-m", "metal"], dir)).stderr,
      "open : no such file or directory\n",
    );
    const bad =
      fs.readFileSync(path.join(dir, "worker.yaml"), "utf8") +
      "---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: true\n";
    fs.writeFileSync(
      path.join(dir, "bad.yaml"),
      bad.replace("    install:\n", "    network:\n        kubespan:\n            enabled: true\n    install:\n"),
    );
    assert.strictEqual(
      (await talosctl("v1.13.9", ["validate", "-c", "bad.yaml", "-m", "cloud"], dir)).stderr,
      "1 error occurred:\n\t* kubespan is already configured in v1alpha1 machine.network.kubespan\n\n\n",
    );
  });
});
