/**
 * Schematic ids computed locally exactly as the Image Factory computes them (sha256 of go-yaml's
 * canonical marshalling), and the factory's strict decoding of POSTed YAML/JSON.
 * Does not prove: ids for schematic fields this code does not know (a newer factory may add some).
 */
import * as assert from "assert";
import { parseSchematicBody } from "../../../../../provider/sim/apis/factory/schematics";
import { VANILLA_SCHEMATIC_ID, canonicalSchematicYaml, schematicId } from "../../../../../provider/talos/schematic";

describe("schematic ids", () => {
  it("match the contract's two reference ids and canonical texts", () => {
    assert.strictEqual(canonicalSchematicYaml({}), "customization: {}\n");
    assert.strictEqual(schematicId({}), "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba");
    assert.strictEqual(VANILLA_SCHEMATIC_ID, schematicId(undefined));
    const args = { customization: { extraKernelArgs: ["noapic", "nolapic"] } };
    assert.strictEqual(
      canonicalSchematicYaml(args),
      "customization:\n    extraKernelArgs:\n        - noapic\n        - nolapic\n",
    );
    assert.strictEqual(schematicId(args), "9cba8e32753f91a16c1837ab8abf356af021706ef284aef07380780177d9a06c");
  });

  // Reference ids from image-factory's own pkg/schematic tests and from a client pinned against image-factory v1.7.0.
  const vectors: [string, unknown, string][] = [
    [
      "meta",
      { customization: { meta: [{ key: 10, value: "foo" }] } },
      "d308a2a5ee2277bed5fbaa104fcbc8d59122abfa737df987a95b4ca763459a7f",
    ],
    [
      "secureboot",
      { customization: { secureboot: { includeWellKnownCertificates: true } } },
      "fa8e05f142a851d3ee568eb0a8e5841eaf6b0ebc8df9a63df16ac5ed2c04f3e6",
    ],
    [
      "overlay",
      { overlay: { name: "rpi_generic", image: "siderolabs/sbc-raspberrypi" }, customization: {} },
      "ee21ef4a5ef808a9b7484cc0dda0f25075021691c8c09a276591eedb638ea1f9",
    ],
    [
      "extensions",
      {
        customization: {
          systemExtensions: { officialExtensions: ["siderolabs/drbd", "siderolabs/gvisor", "siderolabs/iscsi-tools"] },
        },
      },
      "079113ce0508c2b803971ea6cce43fc95c10eff57a123699b5c76fdc773132ae",
    ],
    [
      "kernel args and META",
      { customization: { extraKernelArgs: ["vga=791", "net.ifnames=0"], meta: [{ key: 10, value: "{}" }] } },
      "c7d733c8a404203329b512d19b2f5cfa18b364e5d832fc78dd15767c1feffd4c",
    ],
    [
      "overlay options, bootloader, secureboot, disk image",
      {
        overlay: { image: "ghcr.io/siderolabs/sbc-raspberry-pi", name: "rpi_generic", options: { data: "mydata" } },
        customization: {
          bootloader: "sd-boot",
          secureboot: { enrollKeys: "force", includeWellKnownCertificates: true },
          diskImage: { sectorSize: 4096 },
        },
      },
      "f0fabc39847e1df488bbab08935429ad35118c7eee08668e67c26d39b04e85a9",
    ],
    [
      "YAML 1.1 booleans are single-quoted",
      { overlay: { image: "i", name: "n", options: { enable: "yes" } } },
      "5bb4bb4964217d3d94cd9083dc7369030f95c197725a603fe404431d96bd6702",
    ],
    [
      "META value off",
      { customization: { meta: [{ key: 10, value: "off" }] } },
      "ea8ac3e47398bf729c9977565b54caa17ddbf921b07c7d7108010cbf4219c63b",
    ],
    [
      "numbers as strings are double-quoted",
      { customization: { extraKernelArgs: ["on", "1.20"] } },
      "ed2a7df88618bd3b7f06463479c625c40189664f98f19cca2aaf169caddd47fd",
    ],
    [
      "embedded config is a literal block",
      { customization: { embeddedMachineConfiguration: "apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n" } },
      "9ac3dc5caac49e82fbbec38c43da76931796494729505840e038aea736ac46f1",
    ],
    ["bootloader none is the zero value", { customization: { bootloader: "none" } }, VANILLA_SCHEMATIC_ID],
    [
      "bootloader names are case-insensitive",
      { customization: { bootloader: "SD-BOOT" } },
      "9ed5fecdacb36b5c5427b87d409f1065cfb2df69b0f71c58b868d9d466d8dab3",
    ],
    [
      "empty lists and structs are omitted",
      { customization: { extraKernelArgs: [], systemExtensions: {}, secureboot: {} } },
      VANILLA_SCHEMATIC_ID,
    ],
  ];
  for (const [name, schematic, id] of vectors) it(name, () => assert.strictEqual(schematicId(schematic), id));

  it("decodes POSTed YAML like go-yaml: scalars into string fields keep their text", () => {
    assert.strictEqual(
      schematicId(parseSchematicBody("customization:\n  extraKernelArgs: [on, 1.20]\n")),
      "ed2a7df88618bd3b7f06463479c625c40189664f98f19cca2aaf169caddd47fd",
    );
    assert.strictEqual(
      schematicId(
        parseSchematicBody('{"customization": {"meta": [{"key": 10, "value": "foo"}], "extraKernelArgs": []}}'),
      ),
      "d308a2a5ee2277bed5fbaa104fcbc8d59122abfa737df987a95b4ca763459a7f",
    );
    assert.strictEqual(
      schematicId(parseSchematicBody("customization:\n  meta:\n    - key: 0x0a\n      value: foo\n")),
      "d308a2a5ee2277bed5fbaa104fcbc8d59122abfa737df987a95b4ca763459a7f",
    );
    assert.strictEqual(schematicId(parseSchematicBody("customization:\n")), VANILLA_SCHEMATIC_ID);
  });

  it("rejects unknown fields, wrong types and bad values, naming the field", () => {
    const bad: [string, string][] = [
      [
        "customization:\n  systemExtension:\n    officialExtensions: [a]\n",
        "[schematic.customization.systemExtension] field systemExtension not found in type schematic.customization",
      ],
      ["customization:\n  extraKernelArgs: noapic\n", "[schematic.customization.extraKernelArgs] must be a list"],
      [
        "customization:\n  meta:\n    - key: 256\n      value: x\n",
        "[schematic.customization.meta[0].key] must be an integer from 0 to 255",
      ],
      [
        "customization:\n  bootloader: bogus\n",
        '[schematic.customization.bootloader] unknown bootloader "bogus" (one of none, sd-boot, grub, dual-boot)',
      ],
      [
        "customization:\n  secureboot:\n    includeWellKnownCertificates: maybe\n",
        "[schematic.customization.secureboot.includeWellKnownCertificates] must be true or false",
      ],
      ["- a\n", "[schematic] must be a mapping"],
    ];
    for (const [body, message] of bad) assert.throws(() => schematicId(parseSchematicBody(body)), { message }, body);
    assert.throws(() => parseSchematicBody(""), { message: "EOF" });
    assert.throws(() => parseSchematicBody("customization: [\n"), /^Error: yaml: /);
  });
});
