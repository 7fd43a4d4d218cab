/**
 * resourceSchema: the key lists a resource's diff, refresh, seeding and additionalSecretOutputs use
 * all come from its one declaration. Does not prove: that each resource declares the right flags
 * (its own diff and engine tests do).
 */
import * as assert from "assert";
import { resourceSchema } from "../../../../provider/runtime/dispatch/schema";
import { ROBOT_SERVER_FIELDS } from "../../../../provider/runtime/robot-server/types";
import { TALOS_IMAGE_FIELDS } from "../../../../provider/runtime/talos-image/types";
import { TALOS_BOOTSTRAP_FIELDS } from "../../../../provider/runtime/talos-bootstrap/types";
import { TALOS_SECRETS_FIELDS } from "../../../../provider/runtime/talos-secrets/types";

describe("resource schema", () => {
  it("derives input, output, replace and secret key lists in declaration order", () => {
    const s = resourceSchema<"name" | "token" | "zone", "id" | "key">({
      inputs: { name: {}, token: { secret: true }, zone: { replaces: true } },
      outputs: { id: {}, key: { secret: true } },
    });
    assert.deepStrictEqual(
      [s.inputKeys, s.outputKeys, s.replaceKeys, s.secretInputKeys, s.secretOutputKeys],
      [["name", "token", "zone"], ["id", "key"], ["zone"], ["token"], ["key", "token"]],
    );
  });

  it("RobotServer replaces only for serverNumber and reinstallTrigger; TalosImage for all but resourceName, timeouts and adminCidrs", () => {
    assert.deepStrictEqual(ROBOT_SERVER_FIELDS.replaceKeys, ["serverNumber", "reinstallTrigger"]);
    assert.deepStrictEqual(
      TALOS_IMAGE_FIELDS.inputKeys.filter((k) => !TALOS_IMAGE_FIELDS.replaceKeys.includes(k)),
      ["resourceName", "timeouts", "adminCidrs"],
    );
    assert.deepStrictEqual([ROBOT_SERVER_FIELDS.secretOutputKeys, TALOS_IMAGE_FIELDS.secretOutputKeys], [[], []]);
  });

  it("a reported input is seeded as an output; a secret one is a secret output even when not set", () => {
    assert.deepStrictEqual(
      [TALOS_BOOTSTRAP_FIELDS.seedKeys.slice(-1), TALOS_BOOTSTRAP_FIELDS.alwaysSecretOutputKeys],
      [["kubernetesVersion"], ["kubeconfig", "talosconfig"]],
    );
    assert.deepStrictEqual(
      [TALOS_SECRETS_FIELDS.seedKeys, TALOS_SECRETS_FIELDS.alwaysSecretOutputKeys],
      [["adopted", "caExpiry", "secretsYaml"], ["secretsYaml"]],
    );
  });
});
