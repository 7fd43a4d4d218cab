/**
 * How a cloud machine's Talos reads its config from user-data (contracts/talosctl.md §19):
 * base64 only from v1.10, gzip by content on every version, empty means maintenance.
 * Does not prove: the 32 KiB limit, which the Cloud API simulator enforces at server creation.
 */
import * as assert from "assert";
import * as zlib from "zlib";
import { configFromUserData } from "../../../../../provider/sim/machines/machine/userdata";

const CONFIG = "version: v1alpha1\nmachine:\n    type: worker\n";

describe("user-data as a Talos config source", () => {
  const table: [string, string | undefined, string, string | null][] = [
    ["plain YAML", CONFIG, "v1.13.9", CONFIG],
    ["base64 on v1.10+", Buffer.from(CONFIG).toString("base64"), "v1.10.0", CONFIG],
    [
      "base64 with line breaks",
      Buffer.from(CONFIG)
        .toString("base64")
        .replace(/(.{20})/g, "$1\n"),
      "v1.13.9",
      CONFIG,
    ],
    ["gzip + base64", zlib.gzipSync(CONFIG).toString("base64"), "v1.12.4", CONFIG],
    [
      "base64 before v1.10 stays as it is",
      Buffer.from(CONFIG).toString("base64"),
      "v1.9.5",
      Buffer.from(CONFIG).toString("base64"),
    ],
    [
      "gzip + base64 before v1.10 stays base64",
      zlib.gzipSync(CONFIG).toString("base64"),
      "v1.9.5",
      zlib.gzipSync(CONFIG).toString("base64"),
    ],
    ["missing", undefined, "v1.13.9", null],
    ["blank", "  \n", "v1.13.9", null],
  ];
  for (const [name, input, version, want] of table) {
    it(name, () => assert.strictEqual(configFromUserData(input, version), want));
  }
});
