/** The Talos config engine: patch, redact, normalize, diff, impact, user-data, KubeSpan/hostname patches, render. */
export { applyConfigPatches, parseConfigPatch } from "./patch";
export type { ApplyPatchesOptions, ConfigPatch, JsonPatchOp, JsonPatchTarget, ParsedPatch } from "./patch";
export { ConfigError, ConfigPatchError, PatchDeleteError } from "./errors";
