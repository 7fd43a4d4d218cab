import * as assert from "assert";
import {
  Requirement,
  checkLabels,
  matchesSelector,
  parseLabelSelector,
  selectorPredicate,
} from "../../../../../provider/sim/apis/cloud/labels";

// Does not prove: that the real API parses every corner of the grammar the same way (its parser is not public);
// the cases follow the spec's "Label Selector" table and Kubernetes semantics for != and notin on absent keys.
describe("cloud sim: label selector parser", () => {
  const parses: [string, Requirement[]][] = [
    ["", []],
    ["env=production", [{ key: "env", op: "=", value: "production" }]],
    ["env==production", [{ key: "env", op: "=", value: "production" }]],
    ["type!=database", [{ key: "type", op: "!=", value: "database" }]],
    ["talos.dev/temp", [{ key: "talos.dev/temp", op: "exists" }]],
    ["!type", [{ key: "type", op: "absent" }]],
    ["env in (testing,staging)", [{ key: "env", op: "in", values: ["testing", "staging"] }]],
    ["env notin ( a , b )", [{ key: "env", op: "notin", values: ["a", "b"] }]],
    [
      "k1==v,!k2",
      [
        { key: "k1", op: "=", value: "v" },
        { key: "k2", op: "absent" },
      ],
    ],
    [
      "os=talos,talos-version=v1.11.3,arch in (x86,arm)",
      [
        { key: "os", op: "=", value: "talos" },
        { key: "talos-version", op: "=", value: "v1.11.3" },
        { key: "arch", op: "in", values: ["x86", "arm"] },
      ],
    ],
    ["empty=", [{ key: "empty", op: "=", value: "" }]],
  ];
  for (const [selector, expected] of parses) {
    it(`parses '${selector}'`, () => assert.deepStrictEqual(parseLabelSelector(selector), expected));
  }

  const rejects: [string, string][] = [
    ["env=a/b", "invalid label selector term 'env=a/b'"],
    ["=v", "invalid label selector term '=v'"],
    ["env in ()", "invalid label selector term 'env in ()'"],
    ["env in (a", "invalid label selector term 'env in (a'"],
    ["a,,b", "invalid label selector term ''"],
    ["-bad", "invalid label selector term '-bad'"],
    ["k=v:w", "invalid label selector term 'k=v:w'"],
  ];
  for (const [selector, message] of rejects) {
    it(`rejects '${selector}'`, () =>
      assert.throws(() => parseLabelSelector(selector), { name: "LabelSelectorError", message }));
  }

  it("matches with AND semantics; != and notin also match an absent key", () => {
    const labels = { env: "production", type: "web" };
    const table: [string, boolean][] = [
      ["env=production", true],
      ["env=staging", false],
      ["env!=staging", true],
      ["missing!=x", true],
      ["env", true],
      ["missing", false],
      ["!missing", true],
      ["!env", false],
      ["env in (staging,production)", true],
      ["env notin (staging,production)", false],
      ["missing notin (a)", true],
      ["missing in (a)", false],
      ["env=production,type!=database", true],
      ["env=production,type=database", false],
    ];
    for (const [selector, expected] of table)
      assert.strictEqual(matchesSelector(labels, parseLabelSelector(selector)), expected, selector);
  });

  it("answers a bad selector in a query as 422 invalid_input naming label_selector", () => {
    assert.throws(() => selectorPredicate("a in b"), {
      name: "SimApiError",
      status: 422,
      code: "invalid_input",
      message: "invalid input in field 'label_selector': invalid label selector term 'a in b'",
    });
    assert.strictEqual(selectorPredicate(null)({}), true);
  });

  it("checks label keys and values like the spec's Labels section", () => {
    assert.deepStrictEqual(checkLabels({ "example.com/my": "label", "just-a-key": "", os: "talos" }), {
      "example.com/my": "label",
      "just-a-key": "",
      os: "talos",
    });
    assert.throws(() => checkLabels({ os: "a:b" }), {
      message: "invalid input in field 'labels': label value 'a:b' of key 'os' is invalid",
    });
    assert.throws(() => checkLabels({ "hetzner.cloud/x": "y" }), {
      message: "invalid input in field 'labels': label key 'hetzner.cloud/x' uses the reserved prefix hetzner.cloud/",
    });
    assert.throws(() => checkLabels({ v: "x".repeat(64) }), { code: "invalid_input" });
    assert.throws(() => checkLabels({ "-k": "v" }), {
      message: "invalid input in field 'labels': label key '-k' is invalid",
    });
  });
});
