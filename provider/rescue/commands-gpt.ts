/** Parser of `rereadPartitionsCommand` output (`sgdisk -p` + `sgdisk -v`), whose exit codes say nothing: sgdisk -v exits 0 even when it finds problems. */

/** One GPT partition as `sgdisk -p` prints it. */
export interface GptPartition {
  number: number;
  startSector: number;
  endSector: number;
  /** Two-byte sgdisk type code (`EF00` ESP, `8300` Linux). */
  code: string;
  name: string;
}

/** The verdict on a freshly written disk. */
export interface PartitionCheck {
  /** True when the disk has no GPT at all (sgdisk had to create one in memory). */
  blank: boolean;
  partitions: GptPartition[];
  /** sgdisk problems, minus the expected one after writing an image smaller than the disk. */
  problems: string[];
}

// A raw image written to a larger disk keeps its backup GPT where the image ended; Talos moves it on
// first boot, so this "problem" is expected after every install.
const EXPECTED = /secondary header's self-pointer/;

function problemsOf(verify: string): string[] {
  const paragraphs = verify
    .replace(/\*{20,}/g, "\n\n")
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, " ").trim());
  const problems = paragraphs.filter((p) => (p.startsWith("Problem:") && !EXPECTED.test(p)) || /corrupt GPT/.test(p));
  const errors = verify
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /: ERROR$/.test(l));
  return [...problems, ...errors];
}

/** Parses the `@@gpt` / `@@verify` sections printed by `rereadPartitionsCommand` (sgdisk's stderr is merged into them). */
export function parsePartitionCheck(stdout: string): PartitionCheck {
  const gpt = /@@gpt\n([\s\S]*?)(?=@@verify|$)/.exec(stdout)?.[1] ?? "";
  const verify = /@@verify\n([\s\S]*)$/.exec(stdout)?.[1] ?? "";
  const partitions: GptPartition[] = [];
  for (const m of gpt.matchAll(/^\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+ \S+\s+([0-9A-F]{4})[ \t]*([^\n]*)$/gm)) {
    partitions.push({
      number: Number(m[1]),
      startSector: Number(m[2]),
      endSector: Number(m[3]),
      code: m[4],
      name: m[5].trim(),
    });
  }
  const blank = /Creating new GPT entries/.test(stdout) || partitions.length === 0;
  return { blank, partitions, problems: problemsOf(verify) };
}
