/** Rejects machine specs the simulator cannot model, naming the field. */
import { InputError } from "../../../internal/errors";
import { MachineSpec } from "../../types";

/** Throws InputError for a spec without disks, with duplicate disk names or sizes that are not whole sectors. */
export function validateMachineSpec(spec: MachineSpec): void {
  if (!/^[A-Za-z0-9._-]+$/.test(spec.id))
    throw new InputError("spec.id", `"${spec.id}" must be letters, digits, ".", "_" or "-"`);
  if (spec.disks.length === 0) throw new InputError(`${spec.id}.disks`, "a machine needs at least one disk");
  const names = new Set<string>();
  spec.disks.forEach((d, i) => {
    if (names.has(d.name)) throw new InputError(`${spec.id}.disks[${i}].name`, `duplicate disk name "${d.name}"`);
    names.add(d.name);
    if (!Number.isSafeInteger(d.sizeBytes) || d.sizeBytes <= 0 || d.sizeBytes % 512 !== 0) {
      throw new InputError(
        `${spec.id}.disks[${i}].sizeBytes`,
        `must be a positive multiple of 512, got ${d.sizeBytes}`,
      );
    }
  });
}
