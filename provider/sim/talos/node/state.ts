/**
 * Node state that is not the machine config but must survive reboots: etcd membership, the
 * KubeSpan identity, an upgraded version. Kept in `<stateDir>/talos/<machine id>.json` and tied to
 * the STATE partition: wiped whenever the node boots without a config (maintenance).
 */
import * as fs from "fs";
import * as path from "path";
import { WgKeys } from "./identity";

/** The persisted record. */
export interface PersistedState {
  /** `removed`: `etcd remove-member` took the node out; it does not rejoin until reset. */
  etcd?: { bootstrapped: boolean; memberId: string; removed?: boolean };
  kubespan?: WgKeys;
  /** Set by `upgrade`: which image version was on disk when it ran, and what it upgraded to. */
  upgrade?: {
    fromImageVersion: string;
    version: string;
    image: string;
    /** The hangAfterUpgrade fault was armed when it ran. */ hang?: boolean;
  };
}

/** File-backed state of one machine. */
export class NodeStateFile {
  private readonly file: string;
  constructor(stateDir: string, machineId: string) {
    this.file = path.join(stateDir, "talos", `${machineId}.json`);
  }

  /** Reads the state ({} when absent or unreadable). */
  read(): PersistedState {
    try {
      return JSON.parse(fs.readFileSync(this.file, "utf8")) as PersistedState;
    } catch {
      return {};
    }
  }

  /** Merges `patch` into the stored state. */
  update(patch: Partial<PersistedState>): PersistedState {
    const next = { ...this.read(), ...patch };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify(next, null, 2), { mode: 0o600 });
    return next;
  }

  /** Wipes etcd and KubeSpan state (keeps an upgrade record, which belongs to the installed image). */
  wipe(): void {
    const { upgrade } = this.read();
    fs.rmSync(this.file, { force: true });
    if (upgrade) this.update({ upgrade });
  }
}
