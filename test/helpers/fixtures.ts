/**
 * Where the tests' fixtures live: test/fixtures in this repository (provenance in its README.md),
 * found from the compiled file's directory so tests run from dist/ as from sources.
 */
import * as fs from "fs";
import * as path from "path";

function repoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, "utf8")).name === "pulumi-talos-hetzner") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pulumi-talos-hetzner package.json above ${from}`);
  }
}

/** Absolute path of test/fixtures. */
export const FIXTURES = path.resolve(repoRoot(__dirname), "test", "fixtures");

/** Absolute path of the repository root (where package.json is). */
export const REPO_ROOT = repoRoot(__dirname);
