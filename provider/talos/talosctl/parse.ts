/** Pure parsers of talosctl output (apply-config stderr, etcd members table, version blocks). */
import { ApplyResult, EtcdMember, ServerVersion } from "./types";

/** Parses apply-config's stderr (everything it prints goes there). */
export function parseApplyOutput(stderr: string, dryRun: boolean): ApplyResult {
  const lines = stderr.split("\n");
  const warnings = lines.filter((l) => l.startsWith("WARNING: ")).map((l) => l.slice(9));
  const text = lines
    .filter((l) => !l.startsWith("WARNING: "))
    .join("\n")
    .trim();
  if (dryRun && text.startsWith("Dry run summary:")) {
    const details = (text.split("\n")[1] ?? "").replace(/ \(skipped in dry-run\)\.$/, "");
    const diffAt = text.indexOf("Config diff:\n");
    const diff = diffAt >= 0 ? text.slice(diffAt + "Config diff:\n".length).replace(/^\n/, "") : null;
    return { modeDetails: details, rebootNeeded: needsReboot(details), diff, warnings, dryRun };
  }
  const diffAt = text.indexOf("\ndiff:\n");
  const diff = diffAt >= 0 ? text.slice(diffAt + 7) : null;
  const details = diffAt >= 0 ? text.slice(0, diffAt) : text;
  return { modeDetails: details, rebootNeeded: needsReboot(details), diff, warnings, dryRun };
}

function needsReboot(details: string): boolean {
  return details.startsWith("Applied configuration with a reboot") || details.startsWith("Staged configuration");
}

/** Parses the `etcd members` table (tabwriter, padding 3). */
export function parseEtcdMembers(stdout: string): EtcdMember[] {
  const rows = stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.trim().split(/\s{3,}/));
  const withNode = rows[0]?.[0] === "NODE";
  return rows.slice(1).map((r) => {
    const c = withNode ? r : ["", ...r];
    return {
      node: c[0],
      id: c[1],
      hostname: c[2],
      peerUrls: c[3].split(","),
      clientUrls: c[4].split(","),
      learner: c[5] === "true",
    };
  });
}

/** Parses the `Server:` block(s) of `version`. */
export function parseServerVersion(stdout: string): ServerVersion[] {
  const server = stdout.split("Server:\n")[1] ?? "";
  return server
    .split("\tNODE:")
    .slice(1)
    .map((block) => {
      const field = (name: string) => new RegExp(`\\t${name}:\\s*(.*)`).exec(block)?.[1].trim() ?? "";
      return {
        node: block.split("\n")[0].trim(),
        tag: field("Tag"),
        sha: field("SHA"),
        goVersion: field("Go version"),
        osArch: field("OS/Arch"),
      };
    });
}
