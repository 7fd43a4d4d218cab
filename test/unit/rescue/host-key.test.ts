import * as assert from "assert";
import { createHash } from "crypto";
import {
  fingerprintMatches,
  generateEd25519KeyPair,
  md5Fingerprint,
  sshFingerprint,
} from "../../../provider/rescue/session-keys";

// Does not prove: which fingerprint form a real Robot puts into host_key (its doc shows MD5 colon hex for keys).
describe("rescue host key fingerprints", () => {
  const pair = generateEd25519KeyPair("host");
  const blob = Buffer.from(pair.public.split(" ")[1], "base64");
  const md5 = createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");

  it("computes the MD5 colon-hex form Robot reports and the SHA256 form OpenSSH prints", () => {
    assert.deepStrictEqual([md5Fingerprint(blob), sshFingerprint(blob)], [md5, pair.fingerprint]);
  });

  it("matches either form (MD5 case-insensitive, with or without an MD5: prefix) and nothing else", () => {
    const other = Buffer.from(generateEd25519KeyPair().public.split(" ")[1], "base64");
    assert.deepStrictEqual(
      [md5, md5.toUpperCase(), `MD5:${md5}`, pair.fingerprint].map((f) => [
        fingerprintMatches(f, blob),
        fingerprintMatches(f, other),
      ]),
      [
        [true, false],
        [true, false],
        [true, false],
        [true, false],
      ],
    );
  });
});
