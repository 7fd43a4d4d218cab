/**
 * The examples a user copies: each has Pulumi.yaml (main index.ts), index.ts and README.md; the root
 * Pulumi.yaml runs the hybrid example; and every program type-checks (strict) with the project's
 * TypeScript, `pulumi-talos-hetzner` resolving to this repository's public entry. Does not prove the
 * programs do what their README says (the demo test runs the hybrid one; the others are not run).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { programEntryModule } from "../../../../provider/sim/demo/package";

const ROOT = path.resolve(__dirname, "../../../../..");
const EXAMPLES = ["hybrid-cluster", "cloud-workers-for-existing-cluster", "existing-stack"];

/** The TypeScript source of the module programs get for `pulumi-talos-hetzner`. */
function entrySource(): string {
  const js = path.relative(path.join(ROOT, "dist"), programEntryModule());
  return path.join(ROOT, js.replace(/\.js$/, ".ts"));
}

describe("examples", function () {
  this.timeout(180000);

  it("each example has Pulumi.yaml with main index.ts, index.ts and README.md; the root project runs the hybrid one", () => {
    for (const name of EXAMPLES) {
      const dir = path.join(ROOT, "examples", name);
      assert.deepStrictEqual(
        ["Pulumi.yaml", "README.md", "index.ts"].filter((f) => fs.existsSync(path.join(dir, f))),
        ["Pulumi.yaml", "README.md", "index.ts"],
        name,
      );
      assert.match(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"), /^main: index\.ts$/m, name);
      assert.match(fs.readFileSync(path.join(dir, "index.ts"), "utf8"), /from "pulumi-talos-hetzner";/, name);
    }
    assert.match(
      fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"),
      /^main: examples\/hybrid-cluster\/index\.ts$/m,
    );
    assert.match(
      fs.readFileSync(path.join(ROOT, "examples", "pr-preview.yml"), "utf8"),
      /command: preview[\s\S]*diff: true/,
    );
  });

  it("every example type-checks in strict mode against the package's public entry", () => {
    const files = EXAMPLES.map((n) => path.join(ROOT, "examples", n, "index.ts"));
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: ["node"],
      baseUrl: ROOT,
      paths: { "pulumi-talos-hetzner": [entrySource()] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    assert.deepStrictEqual(problems, []);
  });
});
