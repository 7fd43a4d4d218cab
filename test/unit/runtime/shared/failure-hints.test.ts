import * as assert from "assert";
import { ActionFailedError, Action } from "../../../../provider/hetzner/cloud";
import { RobotApiError } from "../../../../provider/hetzner/robot";
import { explainActionFailure, explainArmFailure } from "../../../../provider/runtime/shared/failure-hints";

// Does not prove: that real Robot answers a swept key with exactly this 400 (the one real capture is for an unknown fingerprint).
describe("failure hints: what to do after a raw failure", () => {
  it("explains Robot's 400 invalid authorized_key as two runs on one server, keeping the error's class and code", () => {
    const e = new RobotApiError("POST", "/boot/7/rescue", {
      status: 400,
      code: "INVALID_INPUT",
      message: "invalid input",
      missing: null,
      invalid: ["authorized_key"],
    });
    const x = explainArmFailure(e, 7) as RobotApiError;
    assert.deepStrictEqual(
      [x.name, x.code, x.message],
      [
        "RobotApiError",
        "INVALID_INPUT",
        "Robot POST /boot/7/rescue failed: INVALID_INPUT (400): invalid input (invalid: authorized_key)\nwhat to do: Robot no longer knows the rescue key this run registered: another run for server 7 (a second resource or stack on the same server) deleted it while cleaning up; make sure only one resource manages server 7, then run pulumi up again",
      ],
    );
    const other = new RobotApiError("POST", "/boot/7/rescue", {
      status: 400,
      code: "INVALID_INPUT",
      message: "invalid input",
      invalid: ["os"],
    });
    assert.strictEqual(explainArmFailure(other, 7), other);
  });

  it("explains a failed Cloud action and leaves other errors alone", () => {
    const action = {
      id: 9,
      command: "create_server",
      status: "error",
      error: { code: "action_failed", message: "Action failed" },
    } as unknown as Action;
    assert.strictEqual(
      (explainActionFailure(new ActionFailedError(action)) as Error).message,
      "Cloud action 9 (create_server) failed: action_failed: Action failed\nwhat to do: Hetzner Cloud could not carry the action out (often capacity or a temporary platform problem); the run cleaned up what it created, so run pulumi up again, or pick another location or server type if it repeats",
    );
    const plain = new Error("x");
    assert.strictEqual(explainActionFailure(plain), plain);
  });
});
