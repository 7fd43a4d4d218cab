/** The runner's state file: resources and stack outputs between runs, secret values encrypted. */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../internal/errors";
import { Crypter, passphraseCrypter } from "./crypter";
import { decryptProps, encryptProps } from "./state-secrets";
import { ResourceState } from "./types";
import { Props } from "./values";

/** Everything known after a run. */
export interface StackState {
  resources: ResourceState[];
  outputs: Props;
  outputSecretKeys: string[];
}

interface StoredFile {
  version: 1;
  secretsProvider: "passphrase";
  encryptionSalt?: string;
  resources: (Omit<ResourceState, "inputs" | "outputs" | "secretKeys"> & { inputs: Props; outputs: Props })[];
  outputs: Props;
}

/** Reads and writes one state file; the crypter is created only when a secret is encountered. */
export class StateStore {
  private crypter?: Crypter;
  private salt?: string;

  constructor(
    readonly file: string,
    private readonly passphrase: string | undefined,
  ) {}

  private getCrypter = (): Crypter => {
    if (this.crypter) return this.crypter;
    if (this.passphrase === undefined || this.passphrase === "") {
      throw new InputError("PULUMI_CONFIG_PASSPHRASE", "must be set to encrypt or decrypt secrets in the state file");
    }
    this.crypter = passphraseCrypter(this.passphrase, this.salt);
    return this.crypter;
  };

  /** The state of the previous run, or an empty state when the file does not exist. */
  load(): StackState {
    if (!fs.existsSync(this.file)) return { resources: [], outputs: {}, outputSecretKeys: [] };
    const stored = JSON.parse(fs.readFileSync(this.file, "utf8")) as StoredFile;
    this.salt = stored.encryptionSalt;
    const resources = stored.resources.map((r) => {
      const inputs = decryptProps(r.inputs, this.getCrypter);
      const outputs = decryptProps(r.outputs, this.getCrypter);
      return {
        ...r,
        inputs: inputs.props,
        outputs: outputs.props,
        secretKeys: [...new Set([...inputs.secretKeys, ...outputs.secretKeys])],
      };
    });
    const outputs = decryptProps(stored.outputs, this.getCrypter);
    return { resources, outputs: outputs.props, outputSecretKeys: outputs.secretKeys };
  }

  /** Writes the state atomically (temp file + rename), mode 0600. */
  save(state: StackState): void {
    const resources = state.resources.map(({ secretKeys, ...r }) => ({
      ...r,
      inputs: encryptProps(r.inputs, secretKeys, this.getCrypter),
      outputs: encryptProps(r.outputs, secretKeys, this.getCrypter),
    }));
    const outputs = encryptProps(state.outputs, state.outputSecretKeys, this.getCrypter);
    const salt = this.crypter?.saltState ?? this.salt;
    const file: StoredFile = {
      version: 1,
      secretsProvider: "passphrase",
      ...(salt ? { encryptionSalt: salt } : {}),
      resources,
      outputs,
    };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
