#!/usr/bin/env node
/**
 * `npm run tools [-- name...]`: builds the real tools pinned under tools/<name>/go.mod into .tools/bin/.
 *
 * One Go module per tool because their dependency graphs conflict (three talosctl minors cannot share one
 * go.mod, and Talos and Pulumi pin different versions of shared modules). A tool is rebuilt only when its
 * stamp (version, go.mod + go.sum hash, Go version) changes, so a second run takes seconds; Go's own module
 * and build caches (outside the repository) make a rebuild after a go.sum change fast too.
 * Every failure is printed with Go's exact output and the run exits non-zero after trying the rest.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const binDir = path.join(root, ".tools", "bin");
const stampDir = path.join(root, ".tools", "stamps");

const PULUMI_VERSION_VAR = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";

/** What is built: module directory under tools/, package, binary name, version and how `--version` is asked. */
const TOOLS = [
  {
    name: "talosctl",
    pkg: "github.com/siderolabs/talos/cmd/talosctl",
    module: "github.com/siderolabs/talos",
    versionArgs: ["version", "--client", "--short"],
  },
  {
    name: "pulumi",
    pkg: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    module: "github.com/pulumi/pulumi/pkg/v3",
    versionArgs: ["version"],
    ldflagVar: PULUMI_VERSION_VAR,
  },
  {
    name: "talosctl-v1.12",
    pkg: "github.com/siderolabs/talos/cmd/talosctl",
    module: "github.com/siderolabs/talos",
    versionArgs: ["version", "--client", "--short"],
  },
  {
    name: "talosctl-v1.11",
    pkg: "github.com/siderolabs/talos/cmd/talosctl",
    module: "github.com/siderolabs/talos",
    versionArgs: ["version", "--client", "--short"],
  },
];

/** Go from PATH, else the toolchain's usual install location (CI's PATH may not have it). */
function goBinary() {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/go/bin"]) {
    const candidate = path.join(dir, "go");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error("go not found on PATH or in /usr/local/go/bin: install Go 1.26 (see README, Testing)");
}

/** The version of `module` that tools/<name>/go.mod requires. */
function pinnedVersion(modDir, module) {
  const gomod = fs.readFileSync(path.join(modDir, "go.mod"), "utf8");
  const m = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, "\\$&")}\\s+(v\\S+)`, "m").exec(gomod);
  if (!m) throw new Error(`${path.relative(root, modDir)}/go.mod does not require ${module}`);
  return m[1];
}

/** Identifies one build: a changed pin, go.sum or Go toolchain makes it stale. */
function stampOf(modDir, version, goVersion) {
  const h = createHash("sha256");
  for (const f of ["go.mod", "go.sum"]) h.update(fs.readFileSync(path.join(modDir, f)));
  return `${version} ${goVersion} ${h.digest("hex")}\n`;
}

/** Builds one tool unless its stamp matches; returns the line to print. */
function buildTool(go, goVersion, tool) {
  const modDir = path.join(root, "tools", tool.name);
  const version = pinnedVersion(modDir, tool.module);
  const out = path.join(binDir, tool.name);
  const stampFile = path.join(stampDir, `${tool.name}.stamp`);
  const stamp = stampOf(modDir, version, goVersion);
  const fresh = fs.existsSync(out) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp;
  const started = Date.now();
  if (!fresh) {
    const ldflags = tool.ldflagVar ? ["-ldflags", `-X ${tool.ldflagVar}=${version}`] : [];
    // -trimpath keeps the machine's paths out of the binaries; GOFLAGS=-mod=readonly: go.sum is committed and complete.
    const r = spawnSync(go, ["build", "-trimpath", ...ldflags, "-o", out, tool.pkg], {
      cwd: modDir,
      encoding: "utf8",
      env: { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false", GOTOOLCHAIN: "local" },
    });
    if (r.status !== 0)
      throw new Error(
        `go build ${tool.pkg} in tools/${tool.name} failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`,
      );
    fs.writeFileSync(stampFile, stamp);
  }
  const reported = execFileSync(out, tool.versionArgs, { encoding: "utf8" }).trim().split("\n").pop();
  const how = fresh ? "up to date" : `built in ${Math.round((Date.now() - started) / 1000)} s`;
  return `${tool.name} ${version} (${how}): ${reported}`;
}

/**
 * Dynamic providers run as the plugin `pulumi-resource-pulumi-nodejs`, a script that ships inside the
 * `@pulumi/pulumi` npm package (release builds of the CLI put it next to the language host).
 */
function linkDynamicProviderPlugin() {
  const target = path.join(root, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
  if (!fs.existsSync(target)) throw new Error(`${target} is missing: run npm ci first`);
  const link = path.join(binDir, "pulumi-resource-pulumi-nodejs");
  fs.rmSync(link, { force: true });
  fs.symlinkSync(target, link);
  return `pulumi-resource-pulumi-nodejs: linked from node_modules/@pulumi/pulumi`;
}

/**
 * The Talos API descriptor set the simulated nodes serve (.tools/share/talos-api.pb) and the COSI
 * resource definitions they publish (talos-resource-definitions.json): written by the small program
 * in tools/talos-api from Talos's own machinery and COSI runtime modules. Stamped like a tool, with
 * the program's sources in the stamp.
 */
function writeTalosApiDescriptors(go, goVersion) {
  const modDir = path.join(root, "tools", "talos-api");
  const version = pinnedVersion(modDir, "github.com/siderolabs/talos/pkg/machinery");
  const out = path.join(root, ".tools", "share", "talos-api.pb");
  const defs = path.join(root, ".tools", "share", "talos-resource-definitions.json");
  const stampFile = path.join(stampDir, "talos-api.stamp");
  const sources = createHash("sha256");
  for (const f of fs
    .readdirSync(modDir)
    .filter((f) => f.endsWith(".go"))
    .sort())
    sources.update(fs.readFileSync(path.join(modDir, f)));
  const stamp = stampOf(modDir, version, goVersion) + sources.digest("hex");
  const fresh = [out, defs, stampFile].every((f) => fs.existsSync(f));
  if (fresh && fs.readFileSync(stampFile, "utf8") === stamp) {
    return `talos-api descriptors ${version} (up to date): ${path.relative(root, out)}`;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const started = Date.now();
  const r = spawnSync(go, ["run", "-trimpath", ".", `${out}.tmp`, `${defs}.tmp`], {
    cwd: modDir,
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false", GOTOOLCHAIN: "local" },
  });
  if (r.status !== 0)
    throw new Error(`go run in tools/talos-api failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  fs.renameSync(`${out}.tmp`, out);
  fs.renameSync(`${defs}.tmp`, defs);
  fs.writeFileSync(stampFile, stamp);
  return `talos-api descriptors ${version} (written in ${Math.round((Date.now() - started) / 1000)} s): ${path.relative(root, out)} (${fs.statSync(out).size} bytes)`;
}

function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => w !== "talos-api" && !TOOLS.some((t) => t.name === w));
  if (unknown.length > 0)
    throw new Error(`unknown tool(s) ${unknown.join(", ")}; known: ${TOOLS.map((t) => t.name).join(", ")}`);
  fs.mkdirSync(binDir, { recursive: true });
  fs.mkdirSync(stampDir, { recursive: true });
  const go = goBinary();
  const goVersion = execFileSync(go, ["env", "GOVERSION"], { encoding: "utf8" }).trim();
  let failed = 0;
  for (const tool of TOOLS.filter((t) => wanted.length === 0 || wanted.includes(t.name))) {
    try {
      console.log(buildTool(go, goVersion, tool));
    } catch (e) {
      failed++;
      console.error(`${tool.name}: FAILED\n${e.message}`);
    }
  }
  if (wanted.length === 0 || wanted.includes("pulumi")) console.log(linkDynamicProviderPlugin());
  if (wanted.length === 0 || wanted.includes("talos-api")) {
    try {
      console.log(writeTalosApiDescriptors(go, goVersion));
    } catch (e) {
      failed++;
      console.error(`talos-api: FAILED\n${e.message}`);
    }
  }
  if (failed > 0) {
    console.error(`${failed} tool(s) failed to build`);
    process.exit(1);
  }
}

main();
