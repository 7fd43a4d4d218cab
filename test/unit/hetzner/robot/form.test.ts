import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { encodeForm, openSshPublicKey, parseSshPublicKey, sshKeyFingerprint } from "../../../../provider/hetzner/robot";
import { listOf, parsePhpForm } from "../../../../provider/sim/apis/robot/form";

// Public keys made with OpenSSH's ssh-keygen; fingerprints from `ssh-keygen -l -E md5`.
const VECTORS = [
  {
    line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKdodrrhDLzs0j4/0Qz7h5N0YdrkNvaN6SdT8ndISbNx vec-ed25519",
    fingerprint: "de:40:49:40:c8:58:02:7b:96:25:0e:70:97:be:80:56",
    type: "ED25519",
    size: 256,
  },
  {
    line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDXTtfTgSBsIUtB2aX9CYywObwIKKDpGlmNtFxYFak+SLApXkj6uGsHBTliRlAgei+imuVBj0UGIA6FvqAYFQ9FEJEcys0HeF/VIBTYnomQ/Dq+wKOuUijHhTZvRj366swMVsigR3fzYhvtuGgCsTPoHhQou07YOwPA1i8nKKYPPdO0Ixr7rjkQTFIeNIMMNHuHgzsbww9JItEuDGMR7FlFEFYVdME5G6c92XVf3PBO/omTbFlcuMJ6GfeVecKwpJ/oNaoMyH+RDBgM/3FHYmCdUf+J0zVa20zNkCU+2G0mn0LlZ45PyWwzSYOd44bBW4Q0DoQHPyU1bxyT03JYvnvBbiFu+O+VGkSTg/lZ9wkAkt45gfCUCefCk57vQlg8SHIB6ds4VtFq+MoyjDzzdtz6IvAdUz2rA9ONuxMsHj6jdK+SDzukqKCXCfOaw7WXvHWhB54FfGdSGjlKDS7EImwawKZ0rraDZOgmLgTGBiMkE8bEtbeN//LSpsTlcbHWfn8= vec-rsa",
    fingerprint: "c1:cc:f6:c1:25:1d:7b:7b:b1:70:f7:fc:76:b4:03:fc",
    type: "RSA",
    size: 3072,
  },
  {
    line: "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBOZX+J9Meu3325uXwRjBZDNV9lqSUp53YzBDtP+w8gMbSCLuAr3OolaOSqZXWpF+CIn4jk7PknDzdynJAAZcjlvgbkU+g306M29+aBCWa0mLUx4XESGGmOT6z3ZSRF9Hng== vec-ecdsa",
    fingerprint: "9c:1b:39:5c:00:4f:22:b3:85:fd:54:cf:a4:03:11:57",
    type: "ECDSA",
    size: 384,
  },
];

// Does not prove: how the live Robot stores `data` (we keep the line as sent, comment included).
describe("Robot encodings: PHP forms and OpenSSH keys", () => {
  it("encodes lists as k[]= and nested rules with indices", () => {
    assert.strictEqual(
      encodeForm({ os: "linux", authorized_key: ["aa:bb", "cc:dd"], keyboard: undefined, arch: null }),
      "os=linux&authorized_key%5B%5D=aa%3Abb&authorized_key%5B%5D=cc%3Add",
    );
    assert.strictEqual(
      encodeForm({
        status: "active",
        filter_ipv6: false,
        rules: { input: [{ action: "accept", dst_port: "22", name: null }] },
      }),
      "status=active&filter_ipv6=false&rules%5Binput%5D%5B0%5D%5Baction%5D=accept&rules%5Binput%5D%5B0%5D%5Bdst_port%5D=22",
    );
  });

  it("the simulator parses what the client encodes, with PHP semantics", () => {
    const form = parsePhpForm(
      encodeForm({
        authorized_key: ["a", "b"],
        rules: { input: [{ action: "accept" }, { action: "discard", dst_port: "1-2" }] },
      }),
    );
    assert.deepStrictEqual(listOf(form.authorized_key), ["a", "b"]);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(form.rules)), {
      input: { 0: { action: "accept" }, 1: { action: "discard", dst_port: "1-2" } },
    });
    // A plain repeated field keeps only the last value, like PHP ([AH] community.hrobot #112).
    assert.deepStrictEqual(listOf(parsePhpForm("authorized_key=a&authorized_key=b").authorized_key), ["b"]);
    assert.deepStrictEqual(listOf(parsePhpForm("x[]=1&x[5]=2&x[]=3").x), ["1", "2", "3"]);
    assert.strictEqual(Object.getPrototypeOf(parsePhpForm("__proto__[polluted]=1")), null);
  });

  it("fingerprints, types and sizes match ssh-keygen", () => {
    for (const v of VECTORS) {
      const info = parseSshPublicKey(v.line)!;
      assert.deepStrictEqual([info.fingerprint, info.type, info.size], [v.fingerprint, v.type, v.size]);
      assert.strictEqual(sshKeyFingerprint(v.line), v.fingerprint);
    }
  });

  it("rejects what is not a key line", () => {
    for (const bad of [
      "",
      "ssh-ed25519",
      "ssh-ed25519 AAAA",
      "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKdodrrhDLzs0j4/0Qz7h5N0YdrkNvaN6SdT8ndISbNx",
      "ssh-ed25519 !!!",
    ]) {
      assert.strictEqual(parseSshPublicKey(bad), undefined, bad);
    }
    assert.throws(() => sshKeyFingerprint("nope"), /^Error: not an OpenSSH public key line/);
  });

  it("openSshPublicKey round-trips through the parser for each supported kind", () => {
    const cases: [string, number][] = [
      ["ed25519", 256],
      ["P-256", 256],
      ["P-521", 521],
      ["rsa", 1024],
    ];
    for (const [kind, size] of cases) {
      const { privateKey } =
        kind === "ed25519"
          ? generateKeyPairSync("ed25519")
          : kind === "rsa"
            ? generateKeyPairSync("rsa", { modulusLength: 1024 })
            : generateKeyPairSync("ec", { namedCurve: kind });
      const line = openSshPublicKey(privateKey, "test@host");
      assert.match(line, / test@host$/);
      assert.strictEqual(parseSshPublicKey(line)?.size, size, kind);
    }
  });
});
