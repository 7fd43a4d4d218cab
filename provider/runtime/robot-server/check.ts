/**
 * Preview-time validation of `RobotServer` inputs: every failure names its field, and values the
 * engine does not know yet (the unknown placeholder) are left for the run to judge.
 */
import { InputError, errorMessage, isError } from "../../internal/errors";
import { validateDiskSelector } from "../../rescue/select";
import { compressionFromUrl } from "../../rescue/commands";
import { parseTalosVersion } from "../../talos/versions";
import { CheckFailure, Props, isUnknown } from "../dispatch/types";
import { RobotServerImage, RobotServerInputs } from "./types";
import { checkInstallRuleBudget } from "./install-firewall";

type Check = (value: unknown, field: string) => void;

const HEX64 = /^[0-9a-f]{64}$/;
const MD5_FINGERPRINT = /^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/;
const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const DEADLINE_MAX_SECONDS = 24 * 3600;
// Talos ≤1.3 shipped tar archives and the ISO is an installer, not a disk: dd'ing either leaves a
// machine that hangs at the EFI stub (siderolabs/talos#8657).
const NOT_A_DISK_IMAGE = /\.(iso|tar|tar\.gz|tgz|tar\.xz|tar\.zst|qcow2|vmdk)$/;

const fail = (field: string, reason: string): never => {
  throw new InputError(field, reason);
};

const positiveInteger: Check = (v, f) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    fail(f, `must be a positive integer, got ${JSON.stringify(v)}`);
};

const optionalBoolean: Check = (v, f) => {
  if (v !== undefined && typeof v !== "boolean") fail(f, `must be true or false, got ${JSON.stringify(v)}`);
};

/** The Talos version an image URL names (`…/v1.13.9/…`), if any. */
export function versionInUrl(url: string): string | undefined {
  return /\/(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\//.exec(url)?.[1];
}

function checkUrl(url: unknown, field: string): void {
  if (typeof url !== "string") return fail(field, `must be a string, got ${JSON.stringify(url)}`);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    fail(field, `must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed!.protocol !== "http:" && parsed!.protocol !== "https:")
    fail(field, `must be an http(s) URL, got ${JSON.stringify(url)}`);
  const file = parsed!.pathname.toLowerCase();
  if (NOT_A_DISK_IMAGE.test(file))
    fail(
      field,
      `must point at a raw disk image (.raw.xz, .raw.zst or .raw), not ${JSON.stringify(file.split("/").pop())}: an ISO or archive written to a disk does not boot`,
    );
  if (!["xz", "zst", "raw"].includes(compressionFromUrl(url)))
    fail(
      field,
      `must end in .raw.xz, .raw.zst or .raw (the compression is taken from the extension), got ${JSON.stringify(file.split("/").pop())}`,
    );
}

const checkImage: Check = (v, f) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return fail(f, "must be an object with version or url");
  const i = v as Record<string, unknown>;
  const known = ["version", "schematicId", "arch", "url", "sha256"];
  const extra = Object.keys(i).find((k) => !known.includes(k));
  if (extra) fail(f, `unknown field ${JSON.stringify(extra)} (known: ${known.join(", ")})`);
  if (i.version === undefined && i.url === undefined) fail(f, "must set version (Image Factory) or url");
  if (i.url !== undefined && !isUnknown(i.url)) checkUrl(i.url, `${f}.url`);
  if (i.version !== undefined && !isUnknown(i.version)) parseTalosVersion(String(i.version), `${f}.version`);
  if (i.version === undefined && typeof i.url === "string" && !versionInUrl(i.url)) {
    fail(`${f}.version`, "is required when the URL does not name the Talos version (it decides the networkPatch form)");
  }
  if (i.schematicId !== undefined && i.url !== undefined)
    fail(`${f}.schematicId`, "is only used with the Image Factory; the url already names the image");
  if (i.schematicId !== undefined && !isUnknown(i.schematicId) && !HEX64.test(String(i.schematicId)))
    fail(`${f}.schematicId`, `must be 64 lowercase hex characters, got ${JSON.stringify(i.schematicId)}`);
  if (i.arch !== undefined && !["amd64", "arm64"].includes(i.arch as string))
    fail(`${f}.arch`, `must be "amd64" or "arm64", got ${JSON.stringify(i.arch)}`);
  if (i.sha256 !== undefined && !isUnknown(i.sha256) && !HEX64.test(String(i.sha256)))
    fail(
      `${f}.sha256`,
      `must be 64 lowercase hex characters (sha256 of the decompressed image), got ${JSON.stringify(i.sha256)}`,
    );
};

const checkDeadlines: Check = (v, f) => {
  if (v === undefined) return;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return fail(f, "must be an object with rescueSeconds, installSeconds and/or maintenanceSeconds");
  const known = ["rescueSeconds", "installSeconds", "maintenanceSeconds"];
  for (const [k, x] of Object.entries(v)) {
    if (!known.includes(k)) fail(f, `unknown field ${JSON.stringify(k)} (known: ${known.join(", ")})`);
    if (x !== undefined && (typeof x !== "number" || !(x > 0) || x > DEADLINE_MAX_SECONDS))
      fail(
        `${f}.${k}`,
        `must be a number of seconds above 0 and at most ${DEADLINE_MAX_SECONDS}, got ${JSON.stringify(x)}`,
      );
  }
};

const FIELDS: [keyof RobotServerInputs, Check][] = [
  ["serverNumber", positiveInteger],
  [
    "name",
    (v, f) =>
      v !== undefined &&
      (typeof v !== "string" || v.trim() === "" || v.length > 100) &&
      fail(f, `must be a non-empty string of at most 100 characters, got ${JSON.stringify(v)}`),
  ],
  [
    "owner",
    (v, f) =>
      v !== undefined &&
      (typeof v !== "string" || !/^\S+$/.test(v)) &&
      fail(f, `must be a string without spaces (\`<project>/<stack>/<resource>\`), got ${JSON.stringify(v)}`),
  ],
  ["image", checkImage],
  ["installDisk", (v, f) => void validateDiskSelector(v, f)],
  [
    "otherDisks",
    (v, f) =>
      v !== undefined &&
      !["refuse", "wipe", "ignore"].includes(v as string) &&
      fail(f, `must be "refuse", "wipe" or "ignore", got ${JSON.stringify(v)}`),
  ],
  [
    "rescueKey",
    (v, f) =>
      v !== undefined &&
      !MD5_FINGERPRINT.test(String(v)) &&
      fail(
        f,
        `must be the MD5 fingerprint of a key registered in Robot ("d7:34:1c:…", 16 colon-separated lowercase hex bytes), got ${JSON.stringify(v)}`,
      ),
  ],
  [
    "reinstallTrigger",
    (v, f) =>
      v !== undefined &&
      !["string", "number", "boolean"].includes(typeof v) &&
      fail(f, `must be a string, number or boolean, got ${JSON.stringify(v)}`),
  ],
  ["adopt", optionalBoolean],
  [
    "nicMac",
    (v, f) =>
      v !== undefined &&
      !MAC.test(String(v)) &&
      fail(f, `must be a MAC address like "a8:a1:59:94:19:42", got ${JSON.stringify(v)}`),
  ],
  ["wipeOnDelete", optionalBoolean],
  [
    "adminCidrs",
    (v, f) => {
      if (v === undefined) return;
      if (!Array.isArray(v) || v.length === 0) return fail(f, "must list at least one IPv4 CIDR when set");
      if (!v.some(isUnknown)) checkInstallRuleBudget(v as string[]);
    },
  ],
  ["deadlines", checkDeadlines],
];

/** Validates inputs; returns one failure per bad field (InputError text), none for unknown values. */
export function checkInputs(news: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (news.installDisk === undefined)
    failures.push({
      property: "installDisk",
      reason:
        "[installDisk] is required: a selector matching exactly one disk (wwn, serial, model, byId, size range or type)",
    });
  for (const [key, check] of FIELDS) {
    const value = news[key];
    if (isUnknown(value) || (value === undefined && key === "installDisk")) continue;
    try {
      check(value, key);
    } catch (e) {
      if (!isError(e, "InputError")) throw e;
      failures.push({ property: key, reason: errorMessage(e) });
    }
  }
  return failures;
}

/** The image with a lowercase sha256, so `ABC…` and `abc…` are the same input. */
export function normalizeImage(image: RobotServerImage): RobotServerImage {
  return typeof image?.sha256 === "string" && !isUnknown(image.sha256)
    ? { ...image, sha256: image.sha256.toLowerCase() }
    : image;
}
