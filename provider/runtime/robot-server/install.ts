/**
 * The in-rescue part of a `RobotServer` install: inventory, disk choice and the other-disks policy,
 * wipe, the streamed image write, and the checks after it. Each function is one numbered step of
 * create.ts; the shell text comes from the pure builders in provider/rescue.
 */
import { TalosHetznerError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import {
  installImageCommand,
  parseImageSha256,
  parsePartitionCheck,
  releaseDisksCommand,
  rereadPartitionsCommand,
  stopArraysCommand,
  wipeDiskCommand,
  ensureUefiBootOrderCommand,
} from "../../rescue/commands";
import { DiskInfo, Inventory, inventoryScript, parseInventory } from "../../rescue/inventory";
import { OtherDisksPolicy, SafetyPlan, evaluateOtherDisks } from "../../rescue/safety";
import { DiskSelector, describeDisk, selectInstallDisk, stableDevicePath } from "../../rescue/select";
import { RescueSession } from "../../rescue/session";
import { explainWriteFailure } from "../shared/failure-hints";
import { ResolvedImage } from "./image";

/** A time budget shared by the in-rescue steps. */
export class Budget {
  private readonly end: number;
  constructor(
    readonly totalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.end = now() + totalMs;
  }
  /** What is left, at least one second so a step can still report its own failure. */
  remaining(): number {
    return Math.max(1000, this.end - this.now());
  }
}

/** Runs the inventory script and parses it (an all-zero SMBIOS UUID fails here, naming the server). */
export async function readInventory(s: RescueSession, label: string, b: Budget): Promise<Inventory> {
  const { stdout } = await s.run(inventoryScript(), { timeoutMs: b.remaining(), what: "inventory" });
  return parseInventory(stdout, { server: label });
}

/** The install disk and what the other-disks policy says about the rest. */
export interface DiskPlan {
  target: DiskInfo;
  /** `/dev/disk/by-id/…` of the target (stable across boots). */
  targetPath: string;
  safety: SafetyPlan;
}

/** Picks the one disk matching the selector and applies the policy (refuse throws a SafetyError naming each disk). */
export function planDisks(
  inv: Inventory,
  selector: DiskSelector,
  policy: OtherDisksPolicy,
  label: string,
  log: StepLogger,
): DiskPlan {
  const target = selectInstallDisk(inv, selector, label);
  const safety = evaluateOtherDisks(inv, target, policy, { server: label, policyField: "otherDisks" });
  log.info(`install disk: ${describeDisk(target)}`);
  for (const p of safety.problems) log.warn(`${p} (otherDisks: ${policy})`);
  return { target, targetPath: stableDevicePath(target), safety };
}

/**
 * Releases the disks to write (swap, LVM volumes, md arrays the rescue assembled), stops the arrays
 * the safety plan named, then wipes the target (and, with otherDisks "wipe", the risky other disks).
 */
export async function wipeDisks(s: RescueSession, p: DiskPlan, b: Budget, log: StepLogger): Promise<void> {
  const disks = [p.target, ...p.safety.wipe];
  await s.run(releaseDisksCommand(disks.map((d) => d.path)), {
    timeoutMs: b.remaining(),
    what: "releasing the disks (swap, LVM volume groups, md arrays)",
    onLine: (l) => log.info(l),
  });
  const stop = stopArraysCommand(p.safety.stopArrays, { disks: disks.map((d) => d.path) });
  if (stop) await s.run(stop, { timeoutMs: b.remaining(), what: "stopping md arrays", onLine: (l) => log.info(l) });
  for (const d of disks) {
    const path = d === p.target ? p.targetPath : stableDevicePath(d);
    log.info(`wiping ${path} (signatures, both GPTs, first and last 100 MiB, discard)`);
    await s.run(wipeDiskCommand(path, d.sizeBytes), { timeoutMs: b.remaining(), what: `wiping ${path}` });
  }
}

/** Streams the image onto the target (download | decompress | tee sha256 | dd, pipefail, no temp file) and returns the sha256 of what was written. */
export async function writeImage(
  s: RescueSession,
  image: ResolvedImage,
  targetPath: string,
  b: Budget,
): Promise<string> {
  const script = installImageCommand({
    url: image.url,
    target: targetPath,
    expectedSha256: image.sha256,
    workDir: "/run",
  });
  const { stdout } = await s
    .run(script, { timeoutMs: b.remaining(), what: `writing the image to ${targetPath}` })
    .catch((e) => Promise.reject(explainWriteFailure(e, image.url, targetPath)));
  return parseImageSha256(stdout);
}

/** The written disk does not hold a usable partition table. */
export class WrittenImageError extends TalosHetznerError {
  constructor(message: string) {
    super(message);
    this.name = "WrittenImageError";
  }
}

/** Re-reads the partition table and checks that the written image has a sane GPT. */
export async function verifyWritten(s: RescueSession, targetPath: string, b: Budget): Promise<number> {
  const { stdout } = await s.run(rereadPartitionsCommand(targetPath), {
    timeoutMs: b.remaining(),
    what: "re-reading the partition table",
  });
  const check = parsePartitionCheck(stdout);
  if (check.blank)
    throw new WrittenImageError(`${targetPath} holds no GPT after writing the image: it is not a Talos disk image`);
  if (check.problems.length)
    throw new WrittenImageError(
      `the GPT on ${targetPath} has problems after writing the image: ${check.problems.join("; ")}`,
    );
  return check.partitions.length;
}

/** On UEFI, removes stale OS boot entries and keeps network boot first, so the next rescue and Talos both boot. */
export async function fixBootOrder(s: RescueSession, inv: Inventory, b: Budget, log: StepLogger): Promise<void> {
  if (inv.bootMode !== "uefi") return;
  await s.run(ensureUefiBootOrderCommand(), {
    timeoutMs: b.remaining(),
    what: "fixing the UEFI boot order",
    onLine: (l) => log.info(l),
  });
}
