/** File helpers that fail with Go's `os` error texts (`open x: no such file or directory`). */
import * as fs from "fs";
import * as path from "path";

const GO_ERRNO: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  EEXIST: "file exists",
};

/** Go's `*PathError` text for a Node fs error. */
export function goPathError(op: string, p: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code ?? "";
  return new Error(`${op} ${p}: ${GO_ERRNO[code] ?? (e as Error).message}`);
}

/** os.ReadFile. */
export function readFileGo(p: string): string {
  try {
    if (fs.statSync(p).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    return fs.readFileSync(p, "utf8");
  } catch (e) {
    throw goPathError((e as NodeJS.ErrnoException).code === "EISDIR" ? "read" : "open", p, e);
  }
}

/** Writes a file with a mode, creating parent directories (0755), failing like Go. */
export function writeFileGo(p: string, data: string, mode: number): void {
  try {
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
    fs.writeFileSync(p, data, { mode });
    fs.chmodSync(p, mode);
  } catch (e) {
    throw goPathError("open", p, e);
  }
}

/** Errors unless `force` when the file exists (talosctl gen's check). */
export function checkOverwrite(p: string, force: boolean, display = p): void {
  if (!force && fs.existsSync(p))
    throw new Error(`file ${JSON.stringify(display)} already exists, use --force to overwrite`);
}
