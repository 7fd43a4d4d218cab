/**
 * Where the project's reference material (`shared/`: contracts and fixtures) lives: beside the
 * repository root, as in every checkout and in CI; `SHARED_DIR` overrides it.
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

/** Absolute path of the shared/ directory. */
export const SHARED = process.env.SHARED_DIR ?? path.resolve(repoRoot(__dirname), "..", "shared");
