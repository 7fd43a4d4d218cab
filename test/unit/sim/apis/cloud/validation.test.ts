import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import { SpecValidator } from "../../../../../provider/sim/apis/cloud/validation";
import { specCandidates } from "../../../../../provider/sim/apis/cloud/spec";

// Does not prove: that every route's real responses pass (the integration suites assert zero violations
// after driving every route); here the validator itself is checked on hand-made bodies.
describe("cloud sim: OpenAPI validation", () => {
  const v = new SpecValidator();

  it("uses the official document byte for byte (sha256 recorded in fixtures/hcloud/SOURCE.md)", () => {
    const file = specCandidates().find((f) => fs.existsSync(f))!;
    const sha = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    assert.strictEqual(sha, "55d9d6d36d6fccfcba4dd80d0a345f8d9f3655c12ca09540d582c9b055b35457");
    assert.strictEqual(v.schemas.spec.openapi, "3.1.2");
  });

  it("tolerates integer ids where hcloud-go sends them, and nothing else", () => {
    assert.deepStrictEqual(
      v.requestBody("/servers", "POST", {
        name: "a",
        server_type: 114,
        image: 161547269,
        location: 1,
        ssh_keys: [77, "k"],
      }),
      [],
    );
    assert.deepStrictEqual(v.requestBody("/servers", "POST", { server_type: "cx23", image: "ubuntu-24.04" }), [
      { field: "name", message: "Missing data for required field." },
    ]);
    assert.deepStrictEqual(v.requestBody("/servers", "POST", { name: "a", server_type: "cx23", image: true }), [
      { field: "image", message: "must be string" },
    ]);
    assert.deepStrictEqual(v.requestBody("/servers", "POST", undefined), [
      { field: "body", message: "request body is required" },
    ]);
    assert.deepStrictEqual(v.requestBody("/servers/{id}/actions/enable_rescue", "POST", { ssh_keys: ["77"] }), [
      { field: "ssh_keys[0]", message: "must be integer" },
    ]);
    assert.deepStrictEqual(
      v.requestBody("/firewalls", "POST", { name: "fw", rules: [{ direction: "up", protocol: "tcp" }] }),
      [{ field: "rules[0].direction", message: "must be equal to one of the allowed values (in, out)" }],
    );
  });

  it("checks query parameters after coercing them to the parameter's type", () => {
    assert.deepStrictEqual(v.query("/actions", "GET", new URLSearchParams("")), [
      { field: "id", message: "Missing data for required field." },
    ]);
    assert.deepStrictEqual(v.query("/actions", "GET", new URLSearchParams("id=1&id=2&page=1&per_page=50")), []);
    assert.deepStrictEqual(v.query("/actions", "GET", new URLSearchParams("id=x")), [
      { field: "id[0]", message: "must be integer" },
    ]);
    assert.deepStrictEqual(
      v.query("/images", "GET", new URLSearchParams("type=snapshot&type=iso&architecture=x86&include_deprecated=true")),
      [{ field: "type[1]", message: "must be equal to one of the allowed values (system, app, snapshot, backup)" }],
    );
  });

  it("checks responses per status, including the 4xx envelope and bodiless 204", () => {
    assert.deepStrictEqual(
      v.responseBody("/servers/{id}", "DELETE", 404, { error: { code: "not_found", message: "x", details: null } }),
      [],
    );
    assert.deepStrictEqual(v.responseBody("/servers/{id}", "DELETE", 404, { error: { code: "not_found" } }), [
      { field: "error.message", message: "Missing data for required field." },
    ]);
    assert.deepStrictEqual(v.responseBody("/images/{id}", "DELETE", 204, undefined), []);
    assert.deepStrictEqual(v.responseBody("/images/{id}", "DELETE", 204, {}), [
      { field: "body", message: "status 204 must not have a body" },
    ]);
    assert.deepStrictEqual(v.responseBody("/images/{id}", "DELETE", 200, undefined), [
      { field: "status", message: "status 200 is not documented for DELETE /images/{id}" },
    ]);
    const action = {
      id: 1,
      command: "x",
      status: "done",
      progress: 0,
      started: "2026-01-01T00:00:00Z",
      finished: null,
      resources: [],
      error: null,
    };
    assert.deepStrictEqual(v.responseBody("/actions/{id}", "GET", 200, { action }), [
      { field: "action.status", message: "must be equal to one of the allowed values (running, success, error)" },
    ]);
  });
});
