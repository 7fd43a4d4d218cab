/**
 * The module a program gets for `require("pulumi-talos-hetzner")`. Programs resolve the package through
 * a real `node_modules/pulumi-talos-hetzner` entry (in this repository: the `file:` dev-dependency of the
 * package on itself, a link to the root), as a user's project does; no resolver hook is needed.
 */
import { packageRoot } from "../pulumi/host-link";

/** This package's main entry, as a program in this repository resolves it. */
export function programEntryModule(): string {
  return require.resolve(packageRoot(__dirname));
}
