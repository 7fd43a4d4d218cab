/**
 * Which `pulumi` the demo picks: the one `npm run tools` built into `.tools/bin` first, else the first on
 * PATH, else none (the built-in runner runs). Does not prove that the CLI found works (test/e2e does).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findPulumiCli } from "../../../../provider/sim/engine/workspace";

describe("findPulumiCli", () => {
  let root: string;
  const touch = (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
    return file;
  };
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "find-pulumi-"))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("prefers .tools/bin, then PATH in order, and finds none in an empty PATH", () => {
    const pkg = path.join(root, "pkg");
    const [a, b] = [path.join(root, "a"), path.join(root, "b")];
    fs.mkdirSync(a);
    const onPath = touch(path.join(b, "pulumi"));
    const envPath = [a, b].join(path.delimiter);
    assert.deepStrictEqual(
      [findPulumiCli(pkg, envPath), findPulumiCli(pkg, ""), findPulumiCli(pkg, a)],
      [onPath, undefined, undefined],
    );
    const built = touch(path.join(pkg, ".tools", "bin", "pulumi"));
    assert.strictEqual(findPulumiCli(pkg, envPath), built);
  });
});
