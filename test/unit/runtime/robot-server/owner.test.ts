import * as assert from "assert";
import {
  OwnershipError,
  assertOwnable,
  ownedBy,
  ownerIn,
  plainName,
  robotNameFor,
} from "../../../../provider/runtime/robot-server/owner";
import { diffRobotServer } from "../../../../provider/runtime/robot-server";

// Does not prove: that Robot keeps a name byte for byte (the simulator does; Robot's doc only gives the field).
const OWNER = "talos-hetzner-hybrid/prod/hybrid-cp-0";

describe("RobotServer owner marker in the Robot server name", () => {
  it("appends the owner to the name, and a hash of it when the full form would pass Robot's 100 characters", () => {
    assert.strictEqual(robotNameFor("hybrid-cp-0", OWNER), "hybrid-cp-0 @pulumi:talos-hetzner-hybrid/prod/hybrid-cp-0");
    assert.strictEqual(robotNameFor("hybrid-cp-0", undefined), "hybrid-cp-0");
    const long = robotNameFor("n".repeat(95), OWNER);
    assert.match(long, /^n{78} @pulumi:#[0-9a-f]{12}$/);
    assert.strictEqual(long.length, 100);
    assert.deepStrictEqual(
      [ownedBy(long, OWNER), ownedBy(long, OWNER + "x"), ownerIn(long)!.length],
      [true, false, 13],
    );
  });

  it("reads the owner back and strips it", () => {
    const name = robotNameFor("web 1", OWNER);
    assert.deepStrictEqual(
      [ownerIn(name), plainName(name), ownerIn("web 1"), plainName("web 1")],
      [OWNER, "web 1", undefined, "web 1"],
    );
  });

  it("accepts an unmarked or own server and refuses another owner's, naming both and what to do", () => {
    assertOwnable(7, "web-1", OWNER);
    assertOwnable(7, robotNameFor("web-1", OWNER), OWNER);
    const other = robotNameFor("hybrid-cp-0", "talos-hetzner-hybrid/dev/hybrid-cp-0");
    assert.throws(
      () => assertOwnable(7, other, OWNER),
      (e: Error) =>
        e instanceof OwnershipError &&
        e.name === "OwnershipError" &&
        e.message ===
          'server 7 belongs to talos-hetzner-hybrid/dev/hybrid-cp-0, not to talos-hetzner-hybrid/prod/hybrid-cp-0: its Robot name is "hybrid-cp-0 @pulumi:talos-hetzner-hybrid/dev/hybrid-cp-0". ' +
            "One dedicated server can be one node of one stack only; nothing was changed. Use another serverNumber, or release the server first: delete the resource that owns it, " +
            'or, if that resource no longer exists, rename the server in Robot without the "@pulumi:…" suffix',
    );
    assert.throws(() => assertOwnable(7, other, undefined), {
      message:
        /^server 7 belongs to talos-hetzner-hybrid\/dev\/hybrid-cp-0, not to this resource \(which sets no owner\)/,
    });
  });

  it("diff renames (in place) when the marker is missing or another's, and is quiet when it is there", () => {
    const olds = {
      serverNumber: 7,
      name: "web-1",
      serverName: "web-1",
      image: { version: "v1.13.9" },
      installDisk: { type: "nvme" },
    };
    const news = {
      serverNumber: 7,
      name: "web-1",
      owner: OWNER,
      image: { version: "v1.13.9" },
      installDisk: { type: "nvme" },
    };
    assert.deepStrictEqual(diffRobotServer(olds, news), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepStrictEqual(diffRobotServer({ ...olds, owner: OWNER, serverName: robotNameFor("web-1", OWNER) }, news), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});
