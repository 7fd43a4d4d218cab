/**
 * The Talos API definitions the simulated nodes serve: the FileDescriptorSet that
 * tools/talos-api writes from Talos's own machinery module (`npm run tools`), loaded with
 * @grpc/proto-loader. Nothing here is a copy of a .proto file.
 */
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/** Environment variable that overrides where the descriptor set is read from. */
export const DESCRIPTORS_ENV = "TALOS_API_DESCRIPTORS";

/** The services of the Talos API the simulator implements (more as they are added). */
export interface TalosApi {
  machine: grpc.ServiceDefinition;
  cluster: grpc.ServiceDefinition;
  storage: grpc.ServiceDefinition;
  /** cosi.resource.State (the COSI runtime module's resource API). */
  state: grpc.ServiceDefinition;
  image: grpc.ServiceDefinition;
  lifecycle: grpc.ServiceDefinition;
  file: string;
}

/** Where the descriptor set is: `$TALOS_API_DESCRIPTORS`, else `<package root>/.tools/share/talos-api.pb`. */
export function descriptorSetPath(): string {
  const fromEnv = process.env[DESCRIPTORS_ENV];
  if (fromEnv) return fromEnv;
  return path.resolve(__dirname, "..", "..", "..", "..", "..", ".tools", "share", "talos-api.pb");
}

// keepCase: field names as in the .proto files (snake_case), so handlers read like Talos's source.
// longs as strings: etcd member ids are uint64 and exceed Number's exact range.
const LOAD_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: { file: string; api: TalosApi } | undefined;

/** Loads the API definitions; null when the descriptor set has not been built (the gRPC API is then off). */
export function loadTalosApi(file = descriptorSetPath()): TalosApi | null {
  if (cached?.file === file) return cached.api;
  if (!fs.existsSync(file)) return null;
  const definition = protoLoader.loadFileDescriptorSetFromBuffer(fs.readFileSync(file), LOAD_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as unknown as Record<
    string,
    Record<string, grpc.ServiceClientConstructor>
  >;
  const api = {
    machine: pkg.machine.MachineService.service,
    cluster: pkg.cluster.ClusterService.service,
    storage: pkg.storage.StorageService.service,
    state: (pkg.cosi as unknown as Record<string, Record<string, grpc.ServiceClientConstructor>>).resource.State
      .service,
    image: pkg.machine.ImageService.service,
    lifecycle: pkg.machine.LifecycleService.service,
    file,
  };
  cached = { file, api };
  return api;
}
