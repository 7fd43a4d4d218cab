/**
 * Pure parts of the simulated Talos gRPC API: status codes on the wire, apid's per-node error
 * metadata, protobuf durations, and the kubeconfig tarball machined streams.
 * Does not prove: that the real talosctl accepts them (test/integration/talos-grpc-api.test.ts does).
 */
import * as assert from "assert";
import * as zlib from "zlib";
import { GrpcError } from "../../../../../provider/sim/talos/api";
import { errorMetadata, statusCode } from "../../../../../provider/sim/talos/grpc/status";
import { durationMs } from "../../../../../provider/sim/talos/grpc/machine";
import { tarGzOneFile } from "../../../../../provider/sim/talos/grpc/tarball";

describe("talos sim gRPC parts", () => {
  it("maps grpc-go code names to wire codes; an unknown name is Unknown", () => {
    const names = [
      "OK",
      "InvalidArgument",
      "NotFound",
      "AlreadyExists",
      "PermissionDenied",
      "FailedPrecondition",
      "Unimplemented",
      "Internal",
      "Unavailable",
      "DeadlineExceeded",
      "NoSuchCode",
    ];
    assert.deepStrictEqual(names.map(statusCode), [0, 3, 5, 6, 7, 9, 12, 13, 14, 4, 2]);
  });

  it("a failed node in a one-to-many reply carries apid's error text and the status", () => {
    const e = new GrpcError("AlreadyExists", "etcd data directory is not empty");
    assert.deepStrictEqual(errorMetadata("10.0.0.2", e), {
      hostname: "10.0.0.2",
      error: "rpc error: code = AlreadyExists desc = etcd data directory is not empty",
      status: { code: 6, message: "etcd data directory is not empty", details: [] },
    });
  });

  it("reads google.protobuf.Duration (seconds load as a string) in ms; unset is undefined", () => {
    assert.deepStrictEqual(
      [durationMs({ seconds: "60", nanos: 500000000 }), durationMs({ seconds: "0", nanos: 1999999 }), durationMs(null)],
      [60500, 1, undefined],
    );
  });

  it("writes a one-file ustar archive: name, octal size and a valid header checksum, content padded to 512", () => {
    const tar = zlib.gunzipSync(tarGzOneFile("kubeconfig", Buffer.from("apiVersion: v1\n"), 1700000000));
    const h = tar.subarray(0, 512);
    const field = (at: number, len: number) =>
      h
        .subarray(at, at + len)
        .toString("latin1")
        .replace(/\0.*$/s, "");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    assert.deepStrictEqual(
      [field(0, 100), field(124, 12), field(136, 12), parseInt(field(148, 8), 8), field(257, 6), tar.length],
      ["kubeconfig", "00000000017", (1700000000).toString(8).padStart(11, "0"), sum, "ustar", 512 + 512 + 1024],
    );
    assert.strictEqual(tar.subarray(512, 527).toString(), "apiVersion: v1\n");
  });
});
