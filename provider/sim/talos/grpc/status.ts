/** gRPC statuses as Talos sends them: the simulator's GrpcError (grpc-go code names) onto the wire. */
import * as grpc from "@grpc/grpc-js";
import { GrpcError } from "../api";

/** grpc-go code name (`FailedPrecondition`) → numeric status. */
export function statusCode(name: string): grpc.status {
  const key = name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  const code = (grpc.status as unknown as Record<string, number>)[key];
  return code === undefined ? grpc.status.UNKNOWN : code;
}

/** Any thrown value as a GrpcError (unexpected exceptions are `Internal`, as grpc-go reports panics' errors). */
export function asGrpcError(e: unknown): GrpcError {
  return e instanceof GrpcError ? e : new GrpcError("Internal", (e as Error)?.message ?? String(e));
}

/** A GrpcError as the status object grpc-js sends. */
export function toServiceError(e: GrpcError): Partial<grpc.ServiceError> {
  return { code: statusCode(e.code), details: e.desc };
}

/**
 * A failed node inside a one-to-many reply, as apid's `BuildError` encodes it: `metadata.error` is
 * the error's full text and `metadata.status` the google.rpc.Status.
 */
export function errorMetadata(hostname: string, e: GrpcError): Record<string, unknown> {
  return { hostname, error: e.message, status: { code: statusCode(e.code), message: e.desc, details: [] } };
}
