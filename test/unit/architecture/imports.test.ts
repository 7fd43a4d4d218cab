/**
 * The import rules of docs/architecture.md, checked on every import in provider/ (static imports,
 * re-exports, `require` and `import()` with a literal path), so they hold tomorrow too:
 * - the library's layers only point down: index → resources/talos-cluster (the component) → resources
 *   → runtime/index → runtime/<resource> → runtime/dispatch → runtime/shared → talos, hetzner, rescue,
 *   kube → internal; inside one group (one folder) anything goes, across groups at one level nothing;
 * - nothing in the library imports provider/sim;
 * - the simulator's stand-ins (sim/apis, sim/machines, sim/talos, sim/testing, sim/pulumi) take no
 *   behaviour from the library beyond the short allow-list below; type-only imports are free (erased).
 * Does not prove: that a layer is cohesive, or anything about dynamic paths (the dispatcher's
 * `require(\`../${module}\`)`).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { REPO_ROOT } from "../../helpers/fixtures";

interface Import {
  from: string;
  spec: string;
  target: string;
  typeOnly: boolean;
}

/** Rank of each library group: an import must go to a lower rank, or stay in its own group. */
function groupOf(file: string): { group: string; rank: number } {
  const p = file.split("/");
  if (file === "provider/index.ts") return { group: "index", rank: 9 };
  if (p[1] === "resources")
    return p[2] === "talos-cluster" ? { group: "resources/talos-cluster", rank: 8 } : { group: "resources", rank: 7 };
  if (p[1] === "runtime") {
    if (p.length === 3) return { group: "runtime/index", rank: 6 };
    return { group: `runtime/${p[2]}`, rank: p[2] === "dispatch" ? 4 : p[2] === "shared" ? 3 : 5 };
  }
  if (["talos", "hetzner", "rescue", "kube"].includes(p[1])) return { group: p[1], rank: 2 };
  if (p[1] === "internal") return { group: "internal", rank: 1 };
  throw new Error(`${file}: not in a known layer (add it to groupOf and to docs/architecture.md)`);
}

/**
 * What a simulator stand-in may run from the library, and why it is no fact the stand-in checks.
 * Keys are target files; values say who may use them ("*" = any sim file).
 */
const SIM_MAY_USE: Record<string, { who: RegExp; why: string }> = {
  "provider/internal/errors.ts": {
    who: /./,
    why: "the error base classes and messages helpers: a shared vocabulary, no fact",
  },
  "provider/internal/log.ts": { who: /./, why: "the log sink and secret masking of the process" },
  "provider/internal/retry.ts": { who: /./, why: "sleep/backoff utilities: timing, no fact" },
  "provider/internal/poll.ts": { who: /./, why: "polling with a deadline: timing, no fact" },
  "provider/internal/deep-equal.ts": { who: /./, why: "structural equality of JSON values" },
  "provider/hetzner/cloud/index.ts": {
    who: /^provider\/sim\/pulumi\/hcloud-/,
    why: "the runner's @pulumi/hcloud stand-in drives the Cloud API as a client; the Cloud simulator checks every request against the OpenAPI document",
  },
  "provider/hetzner/cloud/transport.ts": { who: /^provider\/sim\/pulumi\/hcloud-/, why: "same client as above" },
};

/**
 * Library code the stand-ins still borrow for facts they check (issue 18: "the simulator takes no
 * facts from the library"). Each entry is debt: a bug in the library code passes on both sides.
 * The test fails when an entry is no longer used, so the list only shrinks.
 */
const SIM_KNOWN_DEBT: string[] = [
  "provider/sim/apis/factory/handlers.ts -> provider/talos/schematic.ts",
  "provider/sim/apis/factory/schematics.ts -> provider/talos/schematic.ts",
  "provider/sim/apis/factory/paths.ts -> provider/talos/versions.ts",
  "provider/sim/apis/kube/model.ts -> provider/kube/objects.ts",
  "provider/sim/apis/robot/handlers/boot.ts -> provider/rescue/session-keys.ts",
  "provider/sim/apis/robot/handlers/keys.ts -> provider/hetzner/robot/ssh-key.ts",
  "provider/sim/machines/disk/seed-talos.ts -> provider/talos/schematic.ts",
  "provider/sim/machines/machine/userdata.ts -> provider/talos/versions.ts",
  "provider/sim/machines/rescue/host-key.ts -> provider/rescue/session-keys.ts",
  "provider/sim/talos/node/installer.ts -> provider/talos/schematic.ts",
  "provider/sim/talos/talosctl/patches.ts -> provider/talos/config/patch.ts",
];

/** Sim files that drive the library as a user does: the demo and its scenarios run TalosCluster programs. */
const SIM_DRIVERS = /^provider\/sim\/(demo|scenarios)\//;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function resolve(fromAbs: string, spec: string): string {
  const base = path.resolve(path.dirname(fromAbs), spec);
  const hit = [`${base}.ts`, path.join(base, "index.ts"), base].find(
    (c) => fs.existsSync(c) && fs.statSync(c).isFile(),
  );
  return path
    .relative(REPO_ROOT, hit ?? base)
    .split(path.sep)
    .join("/");
}

/** Every relative import of one file, with whether it is erased at compile time. */
function importsOf(abs: string): Import[] {
  const from = path.relative(REPO_ROOT, abs).split(path.sep).join("/");
  const src = ts.createSourceFile(abs, fs.readFileSync(abs, "utf8"), ts.ScriptTarget.ES2020, true);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean) =>
    spec.startsWith(".") && out.push({ from, spec, target: resolve(abs, spec), typeOnly });
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier))
      add(n.moduleSpecifier.text, !!n.importClause?.isTypeOnly);
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier))
      add(n.moduleSpecifier.text, n.isTypeOnly);
    else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0])) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require"))
        add(n.arguments[0].text, false);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

const ALL = walk(path.join(REPO_ROOT, "provider")).flatMap(importsOf);
const isSim = (f: string) => f.startsWith("provider/sim/");
const describeImport = (i: Import) => `${i.from}: import "${i.spec}" (${i.target})`;

describe("architecture: imports", () => {
  it("finds the imports it checks (the parser sees re-exports, require and type-only imports)", () => {
    const has = (from: string, target: string, typeOnly: boolean) =>
      ALL.some((i) => i.from === from && i.target === target && i.typeOnly === typeOnly);
    assert.deepStrictEqual(
      [
        has("provider/runtime/index.ts", "provider/runtime/dispatch/dispatch.ts", false),
        has("provider/sim/machines/machine/rescue-link.ts", "provider/sim/machines/rescue/system.ts", false),
        has("provider/sim/apis/cloud/state.ts", "provider/hetzner/cloud/types.ts", true),
      ],
      [true, true, true],
    );
  });

  it("library imports only point down: no upward or sideways import between layers", () => {
    const bad = ALL.filter((i) => !isSim(i.from) && !isSim(i.target)).filter((i) => {
      const a = groupOf(i.from),
        b = groupOf(i.target);
      return a.group !== b.group && b.rank >= a.rank;
    });
    assert.deepStrictEqual(
      bad.map((i) => `${describeImport(i)}: ${groupOf(i.from).group} → ${groupOf(i.target).group}`),
      [],
    );
  });

  it("nothing in the library imports the simulator", () => {
    assert.deepStrictEqual(ALL.filter((i) => !isSim(i.from) && isSim(i.target)).map(describeImport), []);
  });

  it("the simulator's stand-ins run no library code beyond the allow-list and the listed debt, and the debt list has no stale entry", () => {
    const borrowed = ALL.filter((i) => isSim(i.from) && !isSim(i.target) && !i.typeOnly && !SIM_DRIVERS.test(i.from));
    const allowed = (i: Import) => SIM_MAY_USE[i.target]?.who.test(i.from) ?? false;
    const debt = (i: Import) => SIM_KNOWN_DEBT.includes(`${i.from} -> ${i.target}`);
    assert.deepStrictEqual(borrowed.filter((i) => !allowed(i) && !debt(i)).map(describeImport), []);
    const used = new Set(borrowed.map((i) => `${i.from} -> ${i.target}`));
    assert.deepStrictEqual(
      SIM_KNOWN_DEBT.filter((d) => !used.has(d)),
      [],
      "remove paid-off debt from SIM_KNOWN_DEBT",
    );
  });
});
