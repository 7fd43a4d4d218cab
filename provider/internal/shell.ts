/** Shell text helpers shared by every pure command builder. */

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for bash/POSIX sh: words made only of safe characters stay bare (readable logs),
 * everything else is wrapped in single quotes with embedded quotes written as `'\''`.
 */
export function shellQuote(word: string): string {
  if (word === "") return "''";
  if (SAFE_WORD.test(word)) return word;
  return "'" + word.replace(/'/g, "'\\''") + "'";
}

/** Quotes every word and joins them with spaces: one safe command line. */
export function shellCommand(...words: string[]): string {
  return words.map(shellQuote).join(" ");
}

/**
 * Joins command lines into one script, one command per line, dropping empty entries. The runner
 * executes scripts under `set -euo pipefail`, so the first failing line stops the script.
 */
export function joinCommands(...commands: (string | false | null | undefined)[]): string {
  return commands.filter((c): c is string => typeof c === "string" && c.trim() !== "").join("\n");
}

/** Prefixes a script with `set -euo pipefail`, as the rescue session runs it (used by tests and direct callers). */
export function strictScript(script: string): string {
  return `set -euo pipefail\n${script}`;
}
