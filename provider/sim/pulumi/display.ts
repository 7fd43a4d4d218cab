/** The human-readable plan, like `pulumi preview --diff`: per resource, per field, secrets as `[secret]`. */
import { deepEqual } from "../../internal/deep-equal";
import { PlanEntry, StepOp } from "./types";
import { Props, UNKNOWN } from "./values";

const SYMBOL: Record<StepOp, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

/** Top-level input keys whose values differ, hidden `__` keys excluded (the CLI hides them too). */
export function changedInputKeys(olds: Props, news: Props): string[] {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !k.startsWith("__"));
  return keys.filter((k) => !deepEqual(olds[k], news[k])).sort();
}

function show(v: unknown, secret: boolean): string {
  if (v === undefined) return "(none)";
  if (secret) return "[secret]";
  if (v === UNKNOWN) return "output<unknown>";
  return JSON.stringify(v);
}

/** The plan line of one resource: `  ~ urn (update) [message]`. */
export function planLine(e: PlanEntry): string {
  const keys = e.diffKeys.length > 0 ? ` [${e.diffKeys.join(", ")}]` : "";
  return `  ${SYMBOL[e.op]} ${e.urn} (${e.op})${keys}`;
}

/** Per-field lines for the changed keys: `      message: "a" => "b"`. */
export function fieldLines(diffKeys: string[], olds: Props, news: Props, secretKeys: string[]): string[] {
  return diffKeys.map((k) => {
    const secret = secretKeys.includes(k);
    return `      ${k}: ${show(olds[k], secret)} => ${show(news[k], secret)}`;
  });
}

/** Fields of a resource about to be created: `      message: "a"`. */
export function createLines(news: Props, secretKeys: string[]): string[] {
  return Object.keys(news)
    .filter((k) => !k.startsWith("__"))
    .sort()
    .map((k) => `      ${k}: ${show(news[k], secretKeys.includes(k))}`);
}

/** The summary line: `Resources: 2 to create, 1 to update, 3 unchanged`. */
export function summaryLine(counts: Record<StepOp, number>, preview: boolean): string {
  const verbs: [StepOp, string][] = [
    ["create", "create"],
    ["update", "update"],
    ["replace", "replace"],
    ["delete", "delete"],
  ];
  const parts = verbs
    .filter(([op]) => counts[op] > 0)
    .map(([op, verb]) => `${counts[op]} ${preview ? `to ${verb}` : pastTense(verb)}`);
  if (counts.same > 0) parts.push(`${counts.same} unchanged`);
  return `Resources: ${parts.length ? parts.join(", ") : "no changes"}`;
}

function pastTense(verb: string): string {
  return verb === "replace" ? "replaced" : verb === "create" ? "created" : verb === "update" ? "updated" : "deleted";
}
