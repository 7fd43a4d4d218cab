/**
 * What the thin provider shims require at run time (`require("pulumi-talos-hetzner/runtime")`).
 *
 * Logging: inside the dynamic-provider host there is no engine connection, so `pulumi.log.info`
 * falls back to console.log (sdk/nodejs/log/index.ts). The engine forwards a plugin's stdout and
 * stderr lines to its diagnostics, so provider/internal/log.ts keeps its default sink (stderr, with
 * registered secrets masked); the program runner and the engine harness capture those lines.
 */
import { ConfigSource, captureStackConfig } from "./shared/config";

export { dispatch, registerRuntime, runtimeFor, withoutProvider } from "./dispatch/dispatch";
export { PartialResourceError } from "./dispatch/errors";
export { deepEqual, changedKeys, diffInputs, DiffInputsOptions } from "./dispatch/diff";
export * from "./dispatch/types";
export { setting, requireSetting, SETTINGS, SettingName, resetStackConfig } from "./shared/config";

/** The provider's `configure`: keeps the stack config values the runtime understands. */
export async function configure(req: { config: ConfigSource }): Promise<void> {
  captureStackConfig(req.config);
}
