/**
 * Resource specs as protobuf, encoded with the message types of the same descriptor set the
 * services come from (Talos's resource definitions): typed COSI clients (`safe.StateGet`, what
 * `upgrade-k8s` uses) decode `proto_spec`, never the YAML.
 */
import * as fs from "fs";
import * as protobuf from "protobufjs";
import * as descriptor from "protobufjs/ext/descriptor";
import { descriptorSetPath } from "./descriptors";

let cached: { file: string; root: protobuf.Root } | undefined;

function root(): protobuf.Root {
  const file = descriptorSetPath();
  if (cached?.file !== file) {
    const set = descriptor.FileDescriptorSet.decode(fs.readFileSync(file));
    cached = {
      file,
      root: (protobuf.Root as unknown as { fromDescriptor(s: unknown): protobuf.Root }).fromDescriptor(set),
    };
  }
  return cached.root;
}

/** `value` (field names as in the .proto) encoded as the message `name` (e.g. resource.config.MachineConfigSpec). */
export function encodeSpec(name: string, value: object): Buffer {
  const type = root().lookupType(name);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}
