/**
 * Internals of the installed `@pulumi/pulumi` the runner and the harness need (generated gRPC stubs,
 * the mock monitor, runtime settings), loaded from that package's own directory so every module
 * shares the copies the SDK itself uses (two protobuf or grpc copies do not interoperate).
 */
import * as path from "path";

/** Directory of the installed `@pulumi/pulumi`. */
export const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/** Requires a file inside `@pulumi/pulumi` (e.g. "proto/provider_pb.js"). */
export function pulumiFile(relative: string): any {
  return require(path.join(pulumiDir, relative));
}

/** Requires a dependency as `@pulumi/pulumi` resolves it (e.g. "@grpc/grpc-js"). */
export function pulumiDependency(request: string): any {
  return require(require.resolve(request, { paths: [pulumiDir] }));
}

/** google.protobuf.Struct, for property bags on the wire. */
export const Struct = pulumiDependency("google-protobuf/google/protobuf/struct_pb").Struct;
