import * as assert from "assert";
import { execFileSync } from "child_process";
import { joinCommands, shellCommand, shellQuote, strictScript } from "../../../provider/internal/shell";

// Does not prove: quoting for shells other than bash/dash-compatible POSIX shells.
describe("internal/shell", () => {
  it("shellQuote leaves safe words bare and single-quotes the rest", () => {
    const table: [string, string][] = [
      ["/dev/sda", "/dev/sda"],
      ["", "''"],
      ["a b", "'a b'"],
      ["it's", "'it'\\''s'"],
      ["$(reboot)", "'$(reboot)'"],
      [
        "https://f.example/image/x/v1.13.9/metal-amd64.raw.zst",
        "https://f.example/image/x/v1.13.9/metal-amd64.raw.zst",
      ],
      ["a&b", "'a&b'"],
      ["*", "'*'"],
    ];
    assert.deepStrictEqual(
      table.map(([w]) => [w, shellQuote(w)]),
      table,
    );
  });

  it("a quoted word survives real bash unchanged", () => {
    for (const w of ["it's", "a b", "$(touch /tmp/x)", "`id`", "\\n\n", "'", '"', "!x", "~", "a;b|c"]) {
      assert.strictEqual(execFileSync("bash", ["-c", `printf %s ${shellQuote(w)}`]).toString(), w);
    }
  });

  it("joinCommands drops empty entries; shellCommand quotes each word; strictScript sets strict mode", () => {
    assert.strictEqual(joinCommands("a", "", undefined, false, "  ", "b"), "a\nb");
    assert.strictEqual(shellCommand("echo", "a b", "c"), "echo 'a b' c");
    assert.strictEqual(strictScript("true"), "set -euo pipefail\ntrue");
  });
});
