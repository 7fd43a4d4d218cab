/**
 * The runner loading a TypeScript program from a directory (Pulumi.yaml `main`), as `npm run demo`
 * does: stack config via `new pulumi.Config()`, secret config, exported stack outputs, secret outputs
 * encrypted in the state file. Does not prove programs with their own node_modules tree of other versions work.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram } from "../../../../provider/sim/pulumi";
import { assertNoSecrets } from "../../../helpers/secrets-scan";

const ROOT = path.resolve(__dirname, "../../../../..");

describe("runner: a TypeScript program directory", function () {
  this.timeout(60000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-program-"));
    // A user project's layout: its own node_modules with @pulumi and this package.
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\nmain: src/index.ts\n");
    fs.mkdirSync(path.join(dir, "src"));
    const echo = JSON.stringify(path.join(ROOT, "dist/provider/resources/example-echo"));
    fs.writeFileSync(
      path.join(dir, "src", "index.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        `import { EchoResource } from ${echo};`,
        "const config = new pulumi.Config();",
        'const echo = new EchoResource("hello", { message: config.require("greeting") });',
        "export const echoed: pulumi.Output<string> = echo.echoed;",
        'export const apiKey = config.requireSecret("apiKey");',
      ].join("\n"),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs the program with its config and stores secret outputs encrypted", async () => {
    const stateFile = path.join(dir, "state.json");
    const opts = {
      program: dir,
      project: "demo",
      stateFile,
      passphrase: "pp",
      log: () => undefined,
      config: { greeting: "hi there", apiKey: { secret: "api-key-123456" } },
    };
    const r = await runProgram({ ...opts, operation: "up" });
    assert.deepStrictEqual(r.outputs, { echoed: "hi there", apiKey: "api-key-123456" });
    assert.deepStrictEqual(r.plan, [
      { urn: "urn:pulumi:dev::demo::pulumi-nodejs:dynamic/talos-hetzner:Echo::hello", op: "create", diffKeys: [] },
    ]);
    assertNoSecrets([fs.readFileSync(stateFile, "utf8")], ["api-key-123456"], ["state"]);
    const again = await runProgram({ ...opts, config: { ...opts.config, greeting: "bye" }, operation: "preview" });
    assert.deepStrictEqual(again.plan[0].diffKeys, ["message"]);
    await runProgram({ ...opts, operation: "destroy" });
  });
});
