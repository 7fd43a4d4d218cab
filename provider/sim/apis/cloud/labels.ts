/** Labels and the label-selector language (spec "Labels" and "Label Selector"). */
import { invalidInput } from "./errors";

const NAME = "[a-z0-9A-Z](?:[a-z0-9A-Z_.-]{0,61}[a-z0-9A-Z])?";
const PREFIX = "[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?";
const KEY = `(?:${PREFIX}/)?${NAME}`;
const VALUE = `(?:${NAME})?`;
const KEY_RE = new RegExp(`^${KEY}$`);
const VALUE_RE = new RegExp(`^${VALUE}$`);

/** One requirement of a selector; a selector is the AND of its requirements. */
export type Requirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "exists" | "absent" }
  | { key: string; op: "in" | "notin"; values: string[] };

/** Thrown for a selector that does not parse; the message quotes the offending term. */
export class LabelSelectorError extends Error {
  constructor(readonly term: string) {
    super(`invalid label selector term '${term}'`);
    this.name = "LabelSelectorError";
  }
}

const PATTERNS: [RegExp, (m: RegExpMatchArray) => Requirement][] = [
  [new RegExp(`^!\\s*(${KEY})$`), (m) => ({ key: m[1], op: "absent" })],
  [
    new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`),
    (m) => ({ key: m[1], op: m[2] as "in" | "notin", values: setValues(m[3], m[0]) }),
  ],
  [
    new RegExp(`^(${KEY})\\s*(==|!=|=)\\s*(${VALUE})$`),
    (m) => ({ key: m[1], op: m[2] === "!=" ? "!=" : "=", value: m[3] }),
  ],
  [new RegExp(`^(${KEY})$`), (m) => ({ key: m[1], op: "exists" })],
];

/** Parses `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, joined by commas (AND). */
export function parseLabelSelector(selector: string): Requirement[] {
  if (selector.trim() === "") return [];
  return splitTerms(selector).map((raw) => {
    const term = raw.trim();
    for (const [re, build] of PATTERNS) {
      const m = term.match(re);
      if (m) return build(m);
    }
    throw new LabelSelectorError(term);
  });
}

/** Whether labels satisfy every requirement (`!=` and `notin` also match an absent key, as in Kubernetes). */
export function matchesSelector(labels: Record<string, string>, requirements: Requirement[]): boolean {
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case "=":
        return has && labels[r.key] === r.value;
      case "!=":
        return !has || labels[r.key] !== r.value;
      case "exists":
        return has;
      case "absent":
        return !has;
      case "in":
        return has && r.values.includes(labels[r.key]);
      case "notin":
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}

/** Parses a `label_selector` query value into a predicate, answering 422 invalid_input when it does not parse. */
export function selectorPredicate(selector: string | null): (labels: Record<string, string>) => boolean {
  if (selector === null) return () => true;
  try {
    const reqs = parseLabelSelector(selector);
    return (labels) => matchesSelector(labels, reqs);
  } catch (e) {
    throw invalidInput("label_selector", (e as Error).message);
  }
}

/** Checks label keys and values against the spec's rules; 422 invalid_input naming the label otherwise. */
export function checkLabels(labels: Record<string, string> | undefined, field = "labels"): Record<string, string> {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!KEY_RE.test(k) || k.length > 253 + 1 + 63) throw invalidInput(field, `label key '${k}' is invalid`);
    if (k.startsWith("hetzner.cloud/"))
      throw invalidInput(field, `label key '${k}' uses the reserved prefix hetzner.cloud/`);
    if (!VALUE_RE.test(v)) throw invalidInput(field, `label value '${v}' of key '${k}' is invalid`);
  }
  return { ...(labels ?? {}) };
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms;
}

function setValues(list: string, term: string): string[] {
  const values = list.split(",").map((v) => v.trim());
  if (values.some((v) => !VALUE_RE.test(v)) || values.every((v) => v === "")) throw new LabelSelectorError(term);
  return values;
}
