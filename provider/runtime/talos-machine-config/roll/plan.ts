/**
 * Pure day-2 decisions of TalosMachineConfig (issue #9): the pinned config contract, what the next
 * update will do to the node (`plannedAction`, shown in previews), and which input changes are only
 * descriptive (they alone never update the node).
 */
import { deepEqual } from "../../dispatch/diff";
import { Props } from "../../dispatch/types";
import { DESCRIPTIVE_KEYS, MachineConfigInputs, USER_INPUT_KEYS, installImageOf } from "../types";
import { containsUnknown } from "../validate";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * `configVersion` as check stores it: the user's value, else the previous resolved one (a state from
 * before this input existed pins its `talosVersion`), else `talosVersion` on create.
 */
export function resolveConfigVersion(olds: Props, news: Props): unknown {
  if (news.configVersion !== undefined && news.configVersion !== null) return news.configVersion;
  return str(olds.configVersion) ?? str(olds.talosVersion) ?? news.talosVersion;
}

/** The steps of an OS upgrade, as previews and logs name them. */
export function upgradeSteps(i: Pick<MachineConfigInputs, "role" | "drain">): string[] {
  const drain = i.drain !== false;
  return [
    ...(i.role === "controlplane" ? ["forfeit etcd leadership"] : []),
    ...(drain ? ["drain"] : []),
    "upgrade",
    ...(drain ? ["uncordon"] : []),
  ];
}

/** True when the update of `olds` to `news` is an OS upgrade (the resolved installer image changes). */
export function isImageChange(olds: Props, news: Props): boolean {
  if (typeof olds.talosVersion !== "string") return false;
  return (
    installImageOf(olds as unknown as MachineConfigInputs) !== installImageOf(news as unknown as MachineConfigInputs)
  );
}

function listPaths(paths: string[]): string {
  if (paths.length === 0) return "secret values";
  return paths.length > 3 ? `${paths.slice(0, 3).join(", ")} and ${paths.length - 3} more` : paths.join(", ");
}

/** The inputs and facts `plannedAction` is computed from. */
export interface PlanFacts {
  olds: Props;
  news: MachineConfigInputs;
  /** Estimated impact of the config change (check's `changeImpact`). */
  impact: string;
  /** Redacted paths that change, the deferred Kubernetes image paths already left out. */
  paths: string[];
}

/** What the next update does, or undefined when it does nothing to the node (create, user-data, unknown inputs). */
export function plannedAction(f: PlanFacts): string | undefined {
  const { olds, news } = f;
  if ((news.delivery ?? "apply") !== "apply" || typeof olds.redactedConfig !== "string") return undefined;
  if (USER_INPUT_KEYS.some((k) => containsUnknown((news as unknown as Props)[k]))) return undefined;
  const action = actionOf(f);
  return action === undefined ? undefined : news.rollPosition ? `${action} — ${news.rollPosition}` : action;
}

function actionOf({ olds, news, impact, paths }: PlanFacts): string | undefined {
  if (isImageChange(olds, news as unknown as Props)) {
    const what =
      olds.talosVersion !== news.talosVersion
        ? `${olds.talosVersion} → ${news.talosVersion}`
        : `${news.talosVersion} to ${installImageOf(news)}`;
    return `upgrade Talos ${what} (${upgradeSteps(news).join(", ")})`;
  }
  if (impact === "none" || (paths.length === 0 && impact !== "reboot")) return undefined;
  const mode = news.applyMode ?? "auto";
  if (impact === "reboot" && mode === "auto") {
    return `reboot to apply ${listPaths(paths)} (${news.drain === false ? "reboot" : "drain, reboot, uncordon"})`;
  }
  if (mode === "auto" || mode === "no-reboot") return `apply live ${listPaths(paths)}`;
  return `apply ${listPaths(paths)} with applyMode ${mode}`;
}

/**
 * True when olds (the last outputs) and news differ at most in descriptive keys (`plannedAction`,
 * `rollPosition`): no update. Also when they do not differ at all: after a "same" step the state holds
 * the new inputs with the older outputs, and leaving the diff to the engine would compare those inputs
 * and plan an update for a descriptive difference the outputs no longer have.
 */
export function onlyDescriptiveChanges(olds: Props, news: Props): boolean {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
  const inputKeys = new Set<string>([
    ...USER_INPUT_KEYS,
    "redactedConfig",
    "configHash",
    "changeImpact",
    "plannedAction",
  ]);
  const changed = [...keys].filter((k) => inputKeys.has(k) && !deepEqual(olds[k], news[k]));
  return changed.every((k) => (DESCRIPTIVE_KEYS as readonly string[]).includes(k));
}
