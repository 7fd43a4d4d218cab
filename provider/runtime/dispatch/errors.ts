/** The error a runtime throws when create/update failed after something real was created. */
import { TalosHetznerError, errorMessage } from "../../internal/errors";
import { Props } from "./types";

/**
 * Create/update failed after the remote object exists (a server was ordered, bootstrap then failed).
 * The dispatcher turns it into the host's ErrorResourceInitFailed shape (`id`, `properties`,
 * `reasons`) so the engine keeps a partial resource instead of forgetting it (contract §1).
 */
export class PartialResourceError extends TalosHetznerError {
  /** Set by the dispatcher: what the engine records as the resource's outputs. */
  properties?: Props;
  /** Reasons the engine shows next to the partial resource. */
  readonly reasons: string[];

  constructor(
    readonly id: string,
    readonly partial: Props,
    cause: unknown,
    message?: string,
  ) {
    super(message ?? errorMessage(cause), { cause });
    this.name = "PartialResourceError";
    this.reasons = [this.message];
  }
}

/** Fills `properties` as the host needs it; `base` must carry `__provider` or later deletes fail. */
export function completePartialError(e: PartialResourceError, base: Props): PartialResourceError {
  e.properties = { ...base, ...e.partial, __provider: base.__provider };
  return e;
}
