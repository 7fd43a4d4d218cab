/**
 * Applying a changed config to a configured node: dry run, then either the apply as the mode says,
 * or — when the dry run says a reboot is needed in `auto` mode — the graceful path: cordon + drain,
 * apply `staged`, `talosctl reboot`, read the config back, uncordon, Ready (Talos 1.14 no longer
 * reboots in auto mode; an abrupt reboot would not drain anyway). The Kubernetes images stay as the
 * node runs them unless `kubernetesUpgrade` is "apply".
 */
import { configHash, diffConfigs, redactConfig, type RenderedConfig } from "../../talos/config";
import { confirmConfig } from "./confirm";
import { configToApply } from "./live";
import { LiveConfigs, applyToNode } from "./node";
import { RollContext, inStep, targetOf } from "./roll/context";
import { KubeHandle, cordonAndDrain, uncordonReady } from "./roll/kube";
import { openDrainable } from "./roll/drain";
import { AppliedMode, DEFAULT_DRAIN_TIMEOUT_SECONDS, DEFAULT_TRY_TIMEOUT_SECONDS } from "./types";

/** How a change is applied inside a roll: the node is already drained (or deliberately not). */
export interface ChangeOptions {
  /** True inside an OS upgrade: the node is cordoned by the roll, which uncordons it itself. */
  inRoll: boolean;
  deadline: number;
}

const summary = (paths: string[]) =>
  `${paths.length} changed path(s): ${paths.slice(0, 5).join(", ")}${paths.length > 5 ? ", …" : ""}`;

/** Applies `r` to a configured node (3 steps; 5 for a graceful reboot outside a roll). */
export async function applyChange(
  ctx: RollContext,
  r: RenderedConfig,
  live: LiveConfigs,
  o: ChangeOptions,
): Promise<[AppliedMode, LiveConfigs]> {
  const i = ctx.inputs;
  const { config, pinned } = configToApply(r.config, live, i);
  if (pinned.length)
    ctx.log.info(
      `keeping the node's Kubernetes images (${pinned.join(", ")}): the Kubernetes version change is left to TalosBootstrap's kubernetesVersion (upgrade-k8s)`,
    );
  const hash = configHash(config);
  const kept = live.persistent ?? live.active;
  if (configHash(live.active) === hash && configHash(kept) === hash) {
    ctx.log.step("no dry run: the node already runs this config");
    ctx.log.step("nothing to apply");
    ctx.log.step("config verified");
    return ["unchanged", live];
  }
  const mode = i.applyMode ?? "auto";
  const paths = diffConfigs(redactConfig(kept), redactConfig(config)).map((c) => c.path);
  const call = {
    config,
    mode,
    insecure: false,
    tryTimeoutMs: (i.tryTimeoutSeconds ?? DEFAULT_TRY_TIMEOUT_SECONDS) * 1000,
    changedPaths: paths,
  };
  ctx.log.step(`dry run with applyMode ${mode} (${summary(paths)}; estimated impact ${i.changeImpact ?? "unknown"})`);
  const dry = await applyToNode(ctx, { ...call, dryRun: true }, o.deadline);
  ctx.log.info(`the node answers: ${dry.modeDetails}`);
  if (mode === "auto" && dry.rebootNeeded) return gracefulReboot(ctx, r, config, hash, o);
  ctx.log.step(`applying with applyMode ${mode}`);
  const res = await applyToNode(ctx, { ...call, dryRun: false }, o.deadline);
  const applied: AppliedMode = mode === "auto" ? (res.rebootNeeded ? "reboot" : "no-reboot") : mode;
  ctx.log.info(res.modeDetails.split("\n")[0]);
  ctx.log.step(
    applied === "reboot" ? "waiting for the node to reboot, then reading the config back" : "reading the config back",
  );
  const which = mode === "staged" ? "persistent" : "active";
  return [applied, await confirmConfig(ctx, r, applied, hash, which, o.deadline)];
}

/** drain → apply staged → reboot → read back → uncordon (the roll drains and uncordons itself). */
async function gracefulReboot(
  ctx: RollContext,
  r: RenderedConfig,
  config: string,
  hash: string,
  o: ChangeOptions,
): Promise<[AppliedMode, LiveConfigs]> {
  const i = ctx.inputs;
  let handle: KubeHandle | undefined;
  if (!o.inRoll) {
    ctx.log.extend(2);
    const drainMs = (i.drainTimeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS) * 1000;
    handle = await openDrainable(ctx, "cordon and drain before the reboot");
    if (handle) await inStep(ctx, "drain", () => cordonAndDrain(ctx, handle!, drainMs));
  }
  ctx.log.step("the change needs a reboot: staging it (apply-config --mode staged)");
  await applyToNode(ctx, { config, mode: "staged", insecure: false, dryRun: false, changedPaths: [] }, o.deadline);
  ctx.log.step(`rebooting ${ctx.node} (talosctl reboot), then reading the config back`);
  await inStep(ctx, "reboot", () => ctx.client.reboot({ ...targetOf(ctx), wait: true }));
  const live = await confirmConfig(ctx, r, "reboot", hash, "active", o.deadline);
  if (!o.inRoll) {
    ctx.log.step(
      handle ? `uncordoning ${handle.name} and waiting until it is Ready` : "no Kubernetes node to uncordon",
    );
    if (handle)
      await inStep(ctx, "uncordon", () => uncordonReady(ctx, handle!, Math.max(1000, o.deadline - ctx.deps.now())));
  }
  return ["reboot", live];
}
