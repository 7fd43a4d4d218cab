/**
 * The OS upgrade of one configured node (issue #9), after render and probe: version check → forfeit
 * etcd leadership (control planes) → cordon + drain → `talosctl upgrade` → wait for the new version →
 * apply the config (it differs in machine.install.image) → uncordon + Ready → health. Every step is
 * idempotent: a node already on the target version (a resumed roll) goes straight to the config.
 */
import { TalosHetznerError, errorMessage, isError } from "../../../internal/errors";
import { pollUntil } from "../../../internal/poll";
import type { RenderedConfig } from "../../../talos/config";
import type { EtcdMember } from "../../../talos/talosctl";
import { compareTalosVersions } from "../../../talos/versions";
import { LiveConfigs, isTlsRefusal, isUnreachable, readLive } from "../node";
import { applyChange } from "../change";
import { RollContext, inStep, stepFailed, targetOf } from "./context";
import { KubeHandle, cordonAndDrain, uncordonReady } from "./kube";
import { kubeHandleOf } from "./drain";
import { isEtcdNotRunning, isNotControlPlane, isOnlyMember, memberOf } from "./etcd";
import { checkHealth } from "./health";
import { upgradeNeeded, imageTag } from "./version";
import {
  AppliedMode,
  DEFAULT_DRAIN_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  DEFAULT_UPGRADE_TIMEOUT_SECONDS,
  installImageOf,
} from "../types";

/** Steps of a roll after render and probe. */
export const ROLL_STEPS = 10;

/** Upgrades the node to the inputs' installer image, then applies `r`; returns what the config apply did. */
export async function rollNode(
  ctx: RollContext,
  r: RenderedConfig,
  live: LiveConfigs,
  previousImage: string,
): Promise<[AppliedMode, LiveConfigs]> {
  const i = ctx.inputs;
  const image = installImageOf(i);
  const tag = imageTag(image) ?? i.talosVersion;
  ctx.log.step(`checking the Talos version of ${ctx.node} (target ${tag})`);
  const current = (await inStep(ctx, "talosctl version", () => ctx.client.version(targetOf(ctx)))).tag;
  const upgrade = upgradeNeeded(current, image, live, previousImage);
  ctx.log.info(
    upgrade
      ? `runs ${current}: upgrading to ${image}`
      : `already runs ${current} from ${image}: resuming after the upgrade`,
  );
  const handle = await kubeHandleOf(ctx);
  const inEtcd = await forfeit(ctx, upgrade);
  ctx.log.step(
    !upgrade
      ? "cordon and drain: skipped (already upgraded)"
      : handle
        ? `cordoning and draining Kubernetes node ${handle.name}`
        : "cordon and drain: skipped",
  );
  if (upgrade && handle)
    await inStep(ctx, "drain", () =>
      cordonAndDrain(ctx, handle, (i.drainTimeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS) * 1000),
    );
  if (upgrade)
    await upgradeAndWait(ctx, image, tag, current, async () => {
      if (handle) await uncordonRefused(ctx, handle);
    });
  else {
    ctx.log.step("upgrade: skipped (already upgraded)");
    ctx.log.step(`version verified: ${current}`);
  }
  const deadline = ctx.deps.now() + (i.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const result = await applyChange(
    ctx,
    r,
    upgrade ? await inStep(ctx, "reading the config back", () => readLive(ctx)) : live,
    { inRoll: true, deadline },
  );
  ctx.log.step(handle ? `uncordoning ${handle.name} and waiting until it is Ready` : "uncordon: skipped (not drained)");
  if (handle)
    await inStep(ctx, "uncordon", () => uncordonReady(ctx, handle, Math.max(1000, deadline - ctx.deps.now())));
  ctx.log.step("health: etcd membership and every Kubernetes node Ready");
  await inStep(ctx, "health", () =>
    checkHealth(ctx, handle, inEtcd, (i.upgradeTimeoutSeconds ?? DEFAULT_UPGRADE_TIMEOUT_SECONDS) * 1000),
  );
  return result;
}

/**
 * Forfeits etcd leadership (control planes, before an upgrade); returns whether the node is an etcd
 * member (health checks it after). The member list decides first: Talos refuses to forfeit the only
 * member ("cannot forfeit leadership, only one member") and makes a non-member wait 3 minutes for its
 * local member id, so neither is asked to.
 */
async function forfeit(ctx: RollContext, upgrade: boolean): Promise<boolean> {
  if (ctx.inputs.role !== "controlplane") {
    ctx.log.step("etcd leadership: not a control plane");
    return false;
  }
  ctx.log.step(upgrade ? "forfeiting etcd leadership" : "etcd leadership: skipped (already upgraded)");
  const members = await etcdMembersOf(ctx);
  if (!members) return false;
  if (!memberOf(members, ctx.inputs.hostname, ctx.node)) {
    ctx.log.warn(`${ctx.node} is not an etcd member (${members.length} member(s)): nothing to forfeit`);
    return false;
  }
  if (!upgrade) return true;
  if (members.length === 1) {
    ctx.log.info(`${ctx.node} is the only etcd member: no leadership to hand over (Talos refuses to forfeit it)`);
    return true;
  }
  try {
    await ctx.client.etcdForfeitLeadership(targetOf(ctx));
  } catch (e) {
    if (!isOnlyMember(e)) throw stepFailed(ctx.label, "etcd forfeit-leadership", e);
    ctx.log.warn(`${ctx.node} became the only etcd member: no leadership to hand over`);
  }
  return true;
}

/** `etcd members` from the node; undefined (with the reason logged) when it answers that it runs no etcd. */
async function etcdMembersOf(ctx: RollContext): Promise<EtcdMember[] | undefined> {
  try {
    return await ctx.client.etcdMembers(targetOf(ctx));
  } catch (e) {
    if (!isEtcdNotRunning(e)) throw stepFailed(ctx.label, "etcd members", e);
    ctx.log.warn(
      isNotControlPlane(e)
        ? `${ctx.node} answers as no control plane (${errorMessage(e)}): nothing to forfeit`
        : `etcd is not running on the control planes of ${ctx.node} (cluster not bootstrapped yet?): nothing to forfeit`,
    );
    return undefined;
  }
}

/**
 * `--preserve` before v1.8 (later versions keep EPHEMERAL anyway), and for the only member of an etcd:
 * Talos's upgrade check refuses it otherwise ("only 1 etcd member found … use --preserve", contract §13).
 */
async function preserveFlag(ctx: RollContext, current: string): Promise<{ preserve?: true }> {
  if (compareTalosVersions(current, "v1.8.0") < 0) return { preserve: true };
  if (ctx.inputs.role !== "controlplane") return {};
  const members = await ctx.client.etcdMembers(targetOf(ctx)).catch(() => []);
  return members.length === 1 ? { preserve: true } : {};
}

/** `talosctl upgrade` (preserve only before v1.8 or for a single etcd member; we drained, so no talosctl drain), then the new version reported. */
/** The node refused the upgrade and still runs its old version: it serves again instead of staying cordoned. */
async function uncordonRefused(ctx: RollContext, handle: KubeHandle): Promise<void> {
  await uncordonReady(ctx, handle, 60000).then(
    () => ctx.log.warn(`the node refused the upgrade and was not rebooted: ${handle.name} is uncordoned again`),
    (e) =>
      ctx.log.warn(
        `the node refused the upgrade; uncordoning ${handle.name} failed too (${errorMessage(e)}): it stays cordoned`,
      ),
  );
}

async function upgradeAndWait(
  ctx: RollContext,
  image: string,
  tag: string,
  current: string,
  refused: () => Promise<void>,
): Promise<void> {
  const timeoutMs = (ctx.inputs.upgradeTimeoutSeconds ?? DEFAULT_UPGRADE_TIMEOUT_SECONDS) * 1000;
  const step = `upgrade to ${tag}`;
  const start = ctx.deps.now();
  ctx.log.step(`upgrading ${ctx.node} to ${image} (talosctl upgrade, timeout ${timeoutMs / 1000}s)`);
  const preserve = await preserveFlag(ctx, current);
  try {
    await ctx.client.upgrade({ ...targetOf(ctx), image, wait: true, timeoutMs, drain: false, ...preserve });
  } catch (e) {
    if (!isUnreachable(e) && !isError(e, "TalosctlError")) {
      await refused();
      throw stepFailed(ctx.label, step, e);
    }
    ctx.log.warn(`talosctl upgrade: ${errorMessage(e)}; checking the node's version`);
  }
  ctx.log.step(`waiting for ${ctx.node} to report ${tag}`);
  let seen = "no answer";
  try {
    await pollUntil(
      async () => {
        seen = "no answer";
        const v = (await ctx.client.version(targetOf(ctx))).tag;
        seen = v;
        return seen === tag ? true : undefined;
      },
      {
        what: `node ${ctx.node} to run ${tag}`,
        timeoutMs: Math.max(1000, timeoutMs - (ctx.deps.now() - start)),
        initialMs: 500,
        maxMs: 5000,
        sleep: ctx.deps.sleep,
        now: ctx.deps.now,
        transient: (e) => isUnreachable(e) || isTlsRefusal(e),
      },
    );
  } catch (e) {
    if (!isError(e, "DeadlineError")) throw stepFailed(ctx.label, step, e);
    const cause = (e as { cause?: unknown }).cause;
    const detail = seen === "no answer" && cause ? `no answer (${errorMessage(cause)})` : `it reports ${seen}`;
    throw stepFailed(
      ctx.label,
      step,
      new TalosHetznerError(`node ${ctx.node} did not come back within ${timeoutMs / 1000}s: ${detail}`, { cause: e }),
    );
  }
}
