/**
 * Makes `require("pulumi-talos-hetzner/runtime")` resolvable inside a spawned dynamic-provider
 * host without publishing the package: a temporary `node_modules/pulumi-talos-hetzner` symlink to
 * this package's root, put on NODE_PATH (searched after the program's own node_modules).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const PACKAGE_NAME = "pulumi-talos-hetzner";
let linkDir: string | undefined;

/** The directory holding this package's package.json (the repository root in development). */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${from}`);
  }
}

/** A node_modules directory (created once per process, removed at exit) that resolves the package. */
export function runtimeNodePath(): string {
  if (linkDir && fs.existsSync(linkDir)) return linkDir;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "talos-hetzner-link-"));
  const nodeModules = path.join(tmp, "node_modules");
  fs.mkdirSync(nodeModules);
  fs.symlinkSync(packageRoot(), path.join(nodeModules, PACKAGE_NAME), "dir");
  process.once("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
  linkDir = nodeModules;
  return nodeModules;
}

/** NODE_PATH for a host: the link directory first, then whatever NODE_PATH already held. */
export function hostNodePath(existing: string | undefined): string {
  return [runtimeNodePath(), ...(existing ? [existing] : [])].join(path.delimiter);
}
