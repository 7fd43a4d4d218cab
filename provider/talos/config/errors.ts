/** Error classes of the Talos config engine; match them by `name` with `isError`. */
import { TalosHetznerError } from "../../internal/errors";

/** A config patch could not be parsed or applied; the message names the patch and the path. */
export class ConfigPatchError extends TalosHetznerError {
  constructor(
    readonly patch: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${patch}: ${detail}`, options);
    this.name = "ConfigPatchError";
  }
}

/** A machine config (not a patch) is malformed or inconsistent. */
export class ConfigError extends TalosHetznerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** A Talos `$patch: delete` selector failed; the message is Talos's exact text (contract §5.6). */
export class PatchDeleteError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "PatchDeleteError";
  }
}
