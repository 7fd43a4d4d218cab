/**
 * Runtime of `TalosSecrets` (provider/resources/talos-secrets.ts): the cluster's secrets bundle,
 * generated once with `talosctl gen secrets` or adopted from a given `secrets.yaml`. Nothing but an
 * explicit `rotationTrigger` ever generates a new one; a Talos version change is ignored.
 */
import * as crypto from "crypto";
import { InputError, errorMessage } from "../../internal/errors";
import { StepLogger, logLine, registerSecret } from "../../internal/log";
import { parseTalosVersion } from "../../talos/versions";
import { deepEqual } from "../dispatch/diff";
import { CheckFailure, Props, ResourceRuntime, isUnknown } from "../dispatch/types";
import { bundleSecretValues, certificateExpiries, validateBundle } from "../shared/bundle";
import { cachedTalosctl } from "../shared/talosctl";
import { talosconfigFor } from "../shared/talosconfig";
import { SecretsInputs, SecretsOutputs } from "./types";

export { talosconfigFor };
export * from "./types";

const talosctl = cachedTalosctl();

function failures(i: Props): CheckFailure[] {
  const out: CheckFailure[] = [];
  const add = (field: string, fn: () => void) => {
    if (isUnknown(i[field])) return;
    try {
      fn();
    } catch (e) {
      out.push({ property: field, reason: errorMessage(e) });
    }
  };
  add("talosVersion", () => parseTalosVersion(i.talosVersion as string));
  if (i.secretsYaml !== undefined) add("secretsYaml", () => validateBundle(String(i.secretsYaml)));
  const t = i.rotationTrigger;
  if (t !== undefined && typeof t !== "string" && typeof t !== "number")
    out.push({
      property: "rotationTrigger",
      reason: new InputError("rotationTrigger", "must be a string or a number").message,
    });
  return out;
}

function outputsOf(text: string, adopted: boolean): Partial<SecretsOutputs> {
  const bundle = validateBundle(text);
  registerSecret(...bundleSecretValues(bundle));
  return { secretsYaml: text, adopted, caExpiry: certificateExpiries(bundle) };
}

/** The TalosSecrets runtime. */
export const runtime: ResourceRuntime<SecretsInputs, SecretsOutputs> = {
  async check(_olds, news) {
    return { inputs: news as unknown as SecretsInputs, failures: failures(news) };
  },
  async diff(_id, olds, news) {
    const replaces =
      !isUnknown(news.rotationTrigger) && !deepEqual(olds.rotationTrigger, news.rotationTrigger)
        ? ["rotationTrigger"]
        : [];
    // Adopting another bundle is an update (there is nothing remote); dropping the input keeps the bundle.
    const adopt =
      news.secretsYaml !== undefined && (isUnknown(news.secretsYaml) || news.secretsYaml !== olds.secretsYaml);
    return { changes: replaces.length > 0 || adopt, replaces };
  },
  async create(i) {
    const log = new StepLogger(`talos-secrets ${i.talosVersion}`, 1);
    if (i.secretsYaml !== undefined) {
      log.step("adopting the given secrets bundle");
      return { id: `talos-secrets-${crypto.randomUUID()}`, outs: outputsOf(i.secretsYaml, true) };
    }
    log.step(`generating a secrets bundle (talosctl gen secrets --talos-version ${i.talosVersion})`);
    const text = await talosctl().genSecrets(i.talosVersion);
    return { id: `talos-secrets-${crypto.randomUUID()}`, outs: outputsOf(text, false) };
  },
  async read(id, props) {
    registerSecret(...bundleSecretValues(validateBundle(props.secretsYaml)));
    return { id, props };
  },
  async update(_id, olds, news) {
    if (news.secretsYaml !== undefined && news.secretsYaml !== olds.secretsYaml)
      return { outs: outputsOf(news.secretsYaml, true) };
    return { outs: { secretsYaml: olds.secretsYaml, adopted: olds.adopted, caExpiry: olds.caExpiry } };
  },
  async delete(id) {
    logLine(`[${id}] the secrets bundle is forgotten; nodes configured with it keep running`);
  },
};
