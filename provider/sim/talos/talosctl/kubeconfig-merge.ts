/** go-kubeconfig's merge of a new kubeconfig into an existing file (non-TTY: conflicts renamed `<name>-1`). */
import * as YAML from "yaml";

type Named = { name: string; [k: string]: unknown };
type KubeConfig = {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  "current-context"?: string;
  [k: string]: unknown;
};

function uniqueName(existing: Named[], name: string): string {
  for (let i = 1; ; i++) if (!existing.some((e) => e.name === `${name}-${i}`)) return `${name}-${i}`;
}

/** Merges `incoming` into `current`; returns the text and the rename notices (stdout lines). */
export function mergeKubeconfig(
  current: string,
  incoming: string,
  force: boolean,
): { text: string; notices: string[] } {
  const cur = (YAML.parse(current) ?? {}) as KubeConfig;
  const inc = YAML.parse(incoming) as KubeConfig;
  const notices: string[] = [];
  const renames: Record<string, Record<string, string>> = { clusters: {}, users: {}, contexts: {} };
  const label: Record<string, string> = { clusters: "cluster", users: "auth info", contexts: "context" };
  for (const section of ["clusters", "users", "contexts"] as const) {
    const list = (cur[section] ??= []);
    for (const item of inc[section] ?? []) {
      const copy = JSON.parse(JSON.stringify(item)) as Named;
      if (section === "contexts") {
        const ctx = copy.context as Record<string, string>;
        ctx.cluster = renames.clusters[ctx.cluster] ?? ctx.cluster;
        ctx.user = renames.users[ctx.user] ?? ctx.user;
      }
      const idx = list.findIndex((e) => e.name === copy.name);
      if (idx >= 0 && JSON.stringify(list[idx]) !== JSON.stringify(copy)) {
        if (force) {
          list[idx] = copy;
          continue;
        }
        const name = uniqueName(list, copy.name);
        notices.push(`renamed ${label[section]} ${JSON.stringify(copy.name)} -> ${JSON.stringify(name)}`);
        renames[section][copy.name] = name;
        copy.name = name;
        list.push(copy);
      } else if (idx < 0) list.push(copy);
    }
  }
  const ctxName = inc["current-context"] ?? "";
  cur["current-context"] = renames.contexts[ctxName] ?? ctxName;
  cur.apiVersion ??= "v1";
  cur.kind ??= "Config";
  return { text: YAML.stringify(cur), notices };
}
