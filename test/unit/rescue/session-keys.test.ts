/**
 * SSH key helpers: OpenSSH fingerprints, and ed25519 pairs that ssh2 can always parse and use —
 * including the one-in-256 keys whose public key starts with a zero byte, which ssh2's own
 * generator mangles.
 * Does not prove: compatibility with OpenSSH's parser (checked by hand with `ssh-keygen -y`, which CI lacks).
 */
import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { ParsedKey, utils } from "ssh2";
import { fingerprintOfPublicKey, generateEd25519KeyPair, sshFingerprint } from "../../../provider/rescue/session-keys";

describe("rescue session keys", () => {
  it("fingerprints a public key like ssh-keygen -l", () => {
    const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDOE6zMNYYiaHJrSn3q/fpsRHLHHDLeTM+vBU6q24xQK me@x";
    assert.strictEqual(fingerprintOfPublicKey(line), "SHA256:HPmDWBM4gHxOGaDoFAQk/i8mrMu106a6FeebmpNR1yI");
    assert.strictEqual(sshFingerprint(Buffer.from("")), "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    assert.throws(() => fingerprintOfPublicKey("ssh-ed25519 nonsense"), /^Error: not an OpenSSH public key: /);
  });

  it("makes pairs ssh2 parses, signs and verifies with, even when the public key starts with a zero byte", () => {
    let leadingZero: ReturnType<typeof generateKeyPairSync> | undefined;
    for (let i = 0; i < 20_000 && !leadingZero; i++) {
      const k = generateKeyPairSync("ed25519");
      if (Buffer.from(k.publicKey.export({ format: "jwk" }).x!, "base64url")[0] === 0) leadingZero = k;
    }
    assert.ok(leadingZero, "found a key whose public key starts with 0x00");
    for (const pair of [generateEd25519KeyPair("ops@laptop"), generateEd25519KeyPair("", leadingZero)]) {
      const priv = utils.parseKey(pair.private);
      const pub = utils.parseKey(pair.public);
      assert.ok(!(priv instanceof Error) && !(pub instanceof Error), "both halves parse");
      const [p, q] = [priv as ParsedKey, pub as ParsedKey];
      assert.strictEqual(p.type, "ssh-ed25519");
      assert.strictEqual(p.getPublicSSH().length, 51, "4+11 type, 4+32 key");
      assert.ok(p.getPublicSSH().equals(q.getPublicSSH()));
      assert.strictEqual(q.verify(Buffer.from("challenge"), p.sign(Buffer.from("challenge"))), true);
      assert.strictEqual(pair.fingerprint, fingerprintOfPublicKey(pair.public));
    }
    assert.match(
      generateEd25519KeyPair("ops@laptop").public,
      /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} ops@laptop$/,
    );
  });
});
