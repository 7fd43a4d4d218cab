/**
 * One owner per dedicated server. Robot keeps no labels on a dedicated server; its name
 * (`POST /server/{n}` `server_name`, at most 100 characters) is the one free text the account
 * controls, so a `RobotServer` appends its owner there: `<name> @pulumi:<project>/<stack>/<resource>`,
 * or `@pulumi:#<12 hex of sha256(owner)>` when the full form would not fit. A server marked by
 * another owner is refused before anything is written to it.
 */
import { createHash } from "crypto";
import { SafetyError } from "../../internal/errors";

const MARK = " @pulumi:";
const MAX_NAME = 100;
const MARKED = / @pulumi:(\S+)$/;

/** Short stand-in of an owner that does not fit into the name. */
function ownerHash(owner: string): string {
  return "#" + createHash("sha256").update(owner).digest("hex").slice(0, 12);
}

/** The Robot name a server gets: the user's name followed by the owner marker (the name part shortened to fit). */
export function robotNameFor(name: string, owner: string | undefined): string {
  if (!owner) return name;
  const full = MARK + owner;
  if (name.length + full.length <= MAX_NAME) return name + full;
  const short = MARK + ownerHash(owner);
  return name.slice(0, MAX_NAME - short.length) + short;
}

/** The owner recorded in a Robot name (full or hashed form), if any. */
export function ownerIn(robotName: string): string | undefined {
  return MARKED.exec(robotName)?.[1];
}

/** A Robot name without its owner marker. */
export function plainName(robotName: string): string {
  return robotName.replace(MARKED, "");
}

/** True when the marker in `robotName` is `owner`'s (in either form). */
export function ownedBy(robotName: string, owner: string | undefined): boolean {
  const found = ownerIn(robotName);
  return found !== undefined && owner !== undefined && (found === owner || found === ownerHash(owner));
}

/** Thrown when a server carries another resource's owner marker. */
export class OwnershipError extends SafetyError {
  constructor(
    readonly serverNumber: number,
    readonly robotName: string,
    readonly owner: string | undefined,
  ) {
    const other = ownerIn(robotName)!;
    const self = owner ?? "this resource (which sets no owner)";
    super(
      `server ${serverNumber} belongs to ${other.startsWith("#") ? `another Pulumi resource (owner hash ${other})` : other}, not to ${self}: ` +
        `its Robot name is "${robotName}". One dedicated server can be one node of one stack only; nothing was changed. ` +
        `Use another serverNumber, or release the server first: delete the resource that owns it, or, if that resource no longer exists, ` +
        `rename the server in Robot without the "${MARK.trim()}…" suffix`,
    );
    this.name = "OwnershipError";
  }
}

/** Throws OwnershipError when the server carries an owner marker that is not `owner`'s. */
export function assertOwnable(serverNumber: number, robotName: string, owner: string | undefined): void {
  if (ownerIn(robotName) !== undefined && !ownedBy(robotName, owner))
    throw new OwnershipError(serverNumber, robotName, owner);
}
