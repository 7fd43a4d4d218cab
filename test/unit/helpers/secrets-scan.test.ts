/**
 * The secret scanner used on recorded state, transcripts and logs: plaintext and base64 forms at
 * every alignment, JSON paths in reports, and no secret in its own error messages. Does not prove
 * that other encodings (hex, URL-encoding, gzip) are caught; they are not scanned.
 */
import * as assert from "assert";
import { assertNoSecrets, base64Needles, findSecrets, secretFingerprint } from "../../helpers/secrets-scan";

const SECRET = "p4ss-w0rd/with+chars";

describe("secrets scan", () => {
  it("finds plaintext in nested values and keys, naming the path", () => {
    const leaks = findSecrets([{ a: [{ b: `x${SECRET}y` }] }, "clean", { [SECRET]: 1 }], [SECRET], ["state"]);
    assert.deepStrictEqual(
      leaks.map((l) => [l.where, l.form]),
      [
        ["state.a[0].b", "plaintext"],
        [`haystack[2]{key ${JSON.stringify(SECRET)}}`, "plaintext"],
      ],
    );
  });

  it("finds base64 forms at every byte alignment, also URL-safe", () => {
    for (const prefix of ["", "a", "ab", "abc", "abcd"]) {
      const b64 = Buffer.from(`${prefix}${SECRET}tail`).toString("base64");
      assert.deepStrictEqual(
        findSecrets([b64, b64.replace(/\+/g, "-").replace(/\//g, "_")], [SECRET]).map((l) => l.form),
        ["base64", "base64"],
        prefix,
      );
    }
    assert.ok(base64Needles("short").length === 0, "needles shorter than 8 characters would match by chance");
  });

  it("reports by fingerprint and never prints the secret", () => {
    let message = "";
    try {
      assertNoSecrets(["log line " + SECRET], [SECRET], ["logs"]);
    } catch (e) {
      message = (e as Error).message;
    }
    assert.strictEqual(message, `1 secret leak(s):\n  secret ${secretFingerprint(SECRET)} found as plaintext in logs`);
    assert.ok(!message.includes(SECRET));
    assert.doesNotThrow(() => assertNoSecrets([{ a: "nothing" }, ["x"]], [SECRET, ""]));
  });
});
