/**
 * talosctl's handling of `--config-patch` / `--patch` arguments (contracts/talosctl.md §5.2–§5.4):
 * patched by the real client when $TALOSCTL_SIM_REAL names one (delegate.ts), else around the
 * library's patch engine, loaded lazily (a known shared fact: the conformance suite compares it with
 * the real client's `machineconfig patch`).
 */
import { loadConfig } from "../config-docs";
import { decodeDocuments } from "../decoder";
import { realPatch } from "./delegate";
import { readFileGo } from "./files";

interface PatchEngine {
  parseConfigPatch(p: string): { kind: "strategic" | "json6902" };
  applyConfigPatches(config: string, patches: string[]): string;
}

function engine(): PatchEngine {
  try {
    // Lazy: the patch engine is another part of the library (provider/talos/config/patch.ts).
    return require("../../../talos/config/patch") as PatchEngine;
  } catch (e) {
    throw new Error(`config patch engine is not available (provider/talos/config/patch): ${(e as Error).message}`);
  }
}

/** `LoadPatches` argument rule: `@file`, a bare file name (no newline, no space, not `[`/`{`), else inline. */
export function patchContent(arg: string): string {
  if (arg.startsWith("@")) return readFileGo(arg.slice(1));
  if (!arg.includes("\n") && !arg.includes(" ") && !arg.startsWith("[") && !arg.startsWith("{")) return readFileGo(arg);
  return arg;
}

/** Raised for a patch that could not be loaded (callers wrap with their own prefix). */
export class PatchLoadError extends Error {}

/** Loads every patch argument and checks it parses; throws PatchLoadError with the loader's text. */
export function loadPatches(args: string[]): string[] {
  const eng = args.length ? engine() : null;
  return args.map((a) => {
    const content = patchContent(a);
    try {
      // A strategic patch is a config itself and decoded as strictly (unknown keys, registry, duplicates).
      if (eng?.parseConfigPatch(content).kind === "strategic") decodeDocuments(content);
    } catch (e) {
      throw new PatchLoadError((e as Error).message);
    }
    return content;
  });
}

function detail(e: unknown): string {
  const d = (e as { detail?: unknown }).detail;
  return typeof d === "string" ? d : (e as Error).message;
}

/** `configpatcher.Apply`: refuses JSON6902 on multi-document configs like Talos, else applies in order. */
export function applyPatches(config: string, patches: string[]): string {
  if (!patches.length) return config;
  const real = realPatch(config, patches);
  if (real !== undefined) return real;
  const eng = engine();
  const multi = (() => {
    try {
      const c = loadConfig(config);
      return c.docs.length + (c.v1alpha1 ? 1 : 0) > 1;
    } catch {
      return false;
    }
  })();
  for (const p of patches) {
    if (multi && eng.parseConfigPatch(p).kind === "json6902")
      throw new Error("JSON6902 patches are not supported for multi-document machine configuration");
  }
  try {
    return eng.applyConfigPatches(config, patches);
  } catch (e) {
    throw new Error(detail(e));
  }
}
