/** Errors of calls to the dynamic-provider host, with the partial-resource detail decoded. */
import { TalosHetznerError } from "../../internal/errors";
import { pulumiFile } from "./pulumi-internals";
import { Props } from "./values";

/** What the host packs when create/update failed after the object existed (ErrorResourceInitFailed). */
export interface InitFailure {
  id: string;
  properties: Props;
  reasons: string[];
}

/** A gRPC call to the host failed; `details` is the provider's error message as the engine shows it. */
export class HostCallError extends TalosHetznerError {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure?: InitFailure,
  ) {
    super(`${method} failed: ${details}`);
    this.name = "HostCallError";
  }
}

/** Converts a grpc ServiceError into a HostCallError, unpacking `grpc-status-details-bin`. */
export function hostCallError(
  method: string,
  e: { code?: number; details?: string; message?: string; metadata?: any },
): HostCallError {
  return new HostCallError(method, e.code ?? -1, e.details ?? e.message ?? String(e), initFailure(e.metadata));
}

function initFailure(metadata: any): InitFailure | undefined {
  const bins: Buffer[] = metadata?.get?.("grpc-status-details-bin") ?? [];
  if (bins.length === 0) return undefined;
  const statusproto = pulumiFile("proto/status_pb.js");
  const provproto = pulumiFile("proto/provider_pb.js");
  for (const any of statusproto.Status.deserializeBinary(bins[0]).getDetailsList()) {
    const detail = any.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
    if (detail) {
      return {
        id: detail.getId(),
        properties: detail.getProperties()?.toJavaScript() ?? {},
        reasons: detail.getReasonsList(),
      };
    }
  }
  return undefined;
}
