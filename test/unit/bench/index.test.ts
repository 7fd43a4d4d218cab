import * as assert from "assert";
import { BENCHES, figureRows, jsonLine } from "../../../bench/index";

// Does not prove: that the scripts print these lines (their own runs do); only that the table and the
// JSON line read what they print, so a renamed figure shows as missing instead of a stale number.
describe("bench/index: figures read from the scripts' output", () => {
  const bench = (name: string) => BENCHES.find((b) => b.name === name)!;
  const ROBOT = [
    "RobotServer benchmark (simulator, timeScale 0.1, 256 MiB disks, Talos v1.13.9 metal image, after a warm-up install, load 14.2)",
    "  1 install:            49.0 s, of it simulated service delays 42.3 s (delay share 0.86)",
    "  overhead over delays: 0.158 (wall time outside every simulated delay / delay time)",
    "  6 installs parallel:  58.8 s (ratio 1.20 on 2 cores)",
    "  Robot requests/install: 11 alone, 11.0 in parallel (403s: 0)",
    "  resets/install:         1 alone, 1.0 in parallel",
  ].join("\n");

  it("robot-server gives the ratio, the delay share and the overhead, in the table and the JSON line", () => {
    const numbers = bench("robot-server").numbers!(ROBOT);
    assert.deepStrictEqual(numbers, {
      install6over1: 1.2,
      robotRequestsPerInstall: 11,
      resetsPerInstall: 1,
      overheadOverDelays: 0.158,
      delayShareOfOneInstall: 0.86,
    });
    assert.deepStrictEqual(figureRows(bench("robot-server"), { output: ROBOT, ok: true }).slice(0, 2), [
      [
        "provisioning ratio, 6 vs 1 Robot servers (time scale 0.1)",
        "1.20 (1: 49.0 s, 6: 58.8 s, 2 cores)",
        "robot-server",
      ],
      ["simulated delays in one install; overhead over them", "share 0.86, overhead 0.158", "robot-server"],
    ]);
    const json = JSON.parse(jsonLine(new Map(Object.entries(numbers).map(([k, v]) => [k, [v!]]))));
    assert.deepStrictEqual(
      [json.install6over1, json.overheadOverDelays, json.delayShareOfOneInstall, json.timeScale.robotServer],
      [1.2, 0.158, 0.86, 0.1],
    );
    assert.strictEqual(json.pipelineOverRawDecompress, null, "a figure not measured is null");
  });

  it("the real-CLI preview row shows its skip reason when the CLI is not built", () => {
    const skipped = "pulumi preview (real CLI): skipped, /x/.tools/bin/pulumi is missing (npm run tools builds it)";
    assert.deepStrictEqual(figureRows(bench("preview50-cli"), { output: skipped, ok: true }), [
      [
        "pulumi preview (real CLI), 50 nodes, unchanged",
        "skipped, /x/.tools/bin/pulumi is missing (npm run tools builds it)",
        "preview50-cli",
      ],
    ]);
    assert.deepStrictEqual(bench("preview50-cli").numbers!(skipped), { preview50CliSeconds: null });
  });

  it("robot-budget gives the 403 count of 20 installs", () => {
    const out =
      "  budget: 20 installs in 49.2 s (2.73 Robot hours), resets 20 (limit 50/h), GET /server 20 (limit 200/h), all requests 220, 403s: 0, paced waits: 0";
    assert.deepStrictEqual(bench("robot-budget").numbers!(out), { robotBudget403s: 0 });
  });
});
