/** Day-2 records and fault knobs of the simulated Talos nodes: the journal tests read the roll order from, and `hangAfterUpgrade`. */

/** One journal entry: what happened to which machine, running (or, for `upgrade`, going to) which Talos version. */
export interface JournalEntry {
  at: number;
  machineId: string;
  hostname: string;
  event: "upgrade" | "reboot" | "reset" | "boot";
  version: string;
}

/** Fault knobs (machine ids); may be changed while nodes run. */
export interface TalosFaults {
  /** After an upgrade started while the machine is in this set, the node boots the new version but its API refuses every connection until the machine leaves the set. */
  hangAfterUpgrade: Set<string>;
}

/** Fresh, empty fault knobs. */
export function newFaults(): TalosFaults {
  return { hangAfterUpgrade: new Set<string>() };
}
