/** Failure modes of applying a machine config to a node; match them by `name` with `isError`. */
import { TalosHetznerError } from "../../internal/errors";

/** What to do about an unreachable node (issue 16, item 7: a dial error alone does not say). */
export const UNREACHABLE_HINT =
  "what to do: check that the node is powered on and running Talos (Robot or Cloud console), and that its " +
  "firewall admits this machine's address to port 50000 (adminCidrs); nothing was changed on it, so run pulumi up again once it answers";

/** The node's Talos API could not be reached through any endpoint. */
export class NodeUnreachableError extends TalosHetznerError {
  constructor(
    readonly node: string,
    readonly endpoints: string[],
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `node ${node} is unreachable (Talos API through ${endpoints.join(", ")}): ${detail}\n${UNREACHABLE_HINT}`,
      options,
    );
    this.name = "NodeUnreachableError";
  }
}

/** The node refused the config (gRPC InvalidArgument): Talos's own reason is kept. */
export class ConfigRejectedError extends TalosHetznerError {
  constructor(
    readonly node: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`node ${node} rejected the machine config: ${detail}`, options);
    this.name = "ConfigRejectedError";
  }
}

/** `applyMode` `no-reboot`/`try` asked for a change the node can only apply with a reboot. */
export class RebootRequiredError extends TalosHetznerError {
  constructor(
    readonly node: string,
    readonly mode: string,
    readonly paths: string[],
    options?: { cause?: unknown },
  ) {
    const changed = paths.length ? ` (changed: ${paths.join(", ")})` : "";
    super(
      `node ${node} cannot apply this config change with applyMode "${mode}": it needs a reboot${changed}; use applyMode "auto", "reboot" or "staged"`,
      options,
    );
    this.name = "RebootRequiredError";
  }
}

/** The node runs a config signed by another Talos CA (another cluster): it is never overwritten implicitly. */
export class ForeignNodeError extends TalosHetznerError {
  constructor(
    readonly node: string,
    options?: { cause?: unknown },
  ) {
    super(
      `node ${node} is configured by another cluster (its Talos API does not trust this cluster's CA); TalosMachineConfig never wipes a configured node: reset it first or use that cluster's secrets`,
      options,
    );
    this.name = "ForeignNodeError";
  }
}
