/** ApplyConfiguration on a node (contracts/talosctl.md §7): maintenance install, modes, dry run, validation. */
import { GrpcError } from "../api";
import { MachineConfig, at, loadConfig } from "../config-docs";
import { formatDuration } from "../talosctl/duration";
import { atLeast } from "../versions";
import { validateConfig } from "../validate";
import { canApplyImmediate, configDiff } from "./immediate";
import { TalosNode } from "./node";
import { installDiskProblem } from "./disks";
import { kubernetesImageProblems } from "./k8s-compat";
import { multierror } from "../multierror";

/** Wire payload. */
export interface ApplyPayload {
  data: string;
  mode: string;
  dryRun: boolean;
  tryTimeoutMs?: number;
}

/** Wire reply. */
export interface ApplyReply {
  modeDetails: string;
  warnings: string[];
}

const NO_REBOOT = "Applied configuration without a reboot";
const WITH_REBOOT = "Applied configuration with a reboot";
const STAGED = "Staged configuration to be applied after the next reboot";

function load(node: TalosNode, text: string): { cfg: MachineConfig; warnings: string[] } {
  const legacy = !atLeast(node.version, 1, 13) && node.maintenance;
  const fail = (msg: string) =>
    new GrpcError("InvalidArgument", legacy ? `configuration validation failed: ${msg}` : msg);
  let cfg: MachineConfig;
  try {
    cfg = loadConfig(text);
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (!cfg.v1alpha1 && !node.maintenance && atLeast(node.version, 1, 13)) {
    throw new GrpcError(
      "InvalidArgument",
      "the applied machine configuration doesn't contain v1alpha1 config, did you mean to patch the machine config instead?",
    );
  }
  const result = validateConfig(cfg, node.mode);
  // RuntimeValidate: install disk, then the Kubernetes images against the node's support matrix (v1.11+).
  const disk =
    node.mode === "metal" ? installDiskProblem(node, at(cfg.v1alpha1 ?? undefined, "machine.install")) : null;
  const runtime = [...(disk ? [disk] : []), ...kubernetesImageProblems(cfg, node.version)];
  if (runtime.length) node.log(`runtime validation failed: ${runtime.join("; ")}`);
  if (result.error) throw fail(result.error);
  if (runtime.length)
    throw new GrpcError(
      "InvalidArgument",
      `${legacy ? "runtime configuration validation failed: " : ""}${multierror(runtime)}`,
    );
  return { cfg, warnings: result.warnings };
}

function dryRun(details: string, before: string | null, after: string): ApplyReply {
  return {
    modeDetails: `Dry run summary:\n${details} (skipped in dry-run).\nConfig diff:\n\n${configDiff(before, after)}`,
    warnings: [],
  };
}

async function applyMaintenance(node: TalosNode, p: ApplyPayload): Promise<ApplyReply> {
  const v13 = atLeast(node.version, 1, 13);
  if (!v13 && !["auto", "reboot", "try"].includes(p.mode))
    throw new GrpcError("Unimplemented", `apply configuration --mode='${p.mode}' is not supported in maintenance mode`);
  if (p.dryRun && !v13) {
    load(node, p.data);
    return {
      modeDetails: "Dry run summary:\nNode is running in maintenance mode and does not have a config yet.",
      warnings: [],
    };
  }
  const { warnings } = load(node, p.data);
  // v1.13 machined in maintenance: STAGED only persists the config (the node keeps waiting for one
  // to boot with); REBOOT becomes NO_REBOOT; TRY sets the config like NO_REBOOT and says it reverts.
  if (p.mode === "staged") {
    if (p.dryRun) return dryRun(STAGED, null, p.data);
    node.persistent = p.data;
    node.log("configuration staged in maintenance mode; still waiting for a configuration to boot with");
    return { modeDetails: STAGED, warnings };
  }
  if (p.dryRun) return dryRun(NO_REBOOT, null, p.data);
  await node.boot.writeState(p.data);
  node.persistent = p.data;
  node.log(
    `configuration applied in maintenance mode; ${node.mode === "metal" ? "installing and rebooting" : "continuing boot"}`,
  );
  if (node.mode === "metal") node.scheduleReboot("install finished");
  else await node.activate(p.data, false);
  const tryNote = `\nThe config is applied in 'try' mode and will be automatically reverted back in ${formatDuration(p.tryTimeoutMs ?? 60000)}`;
  return { modeDetails: v13 ? NO_REBOOT + (p.mode === "try" ? tryNote : "") : "", warnings };
}

async function applyConfigured(node: TalosNode, p: ApplyPayload): Promise<ApplyReply> {
  const { cfg, warnings } = load(node, p.data);
  const before = node.active?.text ?? null;
  const immediate = canApplyImmediate(node.active, cfg);
  const notImmediate = () =>
    `this config change can't be applied in immediate mode\ndiff:\n${configDiff(before, p.data)}`;
  const mode = p.mode === "auto" ? (immediate ? "no-reboot" : "reboot") : p.mode;
  if ((mode === "no-reboot" || mode === "try") && !immediate) throw new GrpcError("InvalidArgument", notImmediate());
  const tryMs = p.tryTimeoutMs ?? 60000;
  const details =
    mode === "reboot"
      ? WITH_REBOOT
      : mode === "staged"
        ? STAGED
        : mode === "try"
          ? `${NO_REBOOT}\nThe config is applied in 'try' mode and will be automatically reverted back in ${formatDuration(tryMs)}`
          : NO_REBOOT;
  if (p.dryRun) return dryRun(mode === "try" ? NO_REBOOT : details, before, p.data);
  if (mode === "reboot") {
    await node.boot.writeState(p.data);
    node.persistent = p.data;
    node.scheduleReboot("configuration applied with a reboot");
    return { modeDetails: p.mode === "auto" ? `${WITH_REBOOT}: ${notImmediate()}` : WITH_REBOOT, warnings };
  }
  if (mode === "staged") {
    await node.boot.writeState(p.data);
    node.persistent = p.data;
    return { modeDetails: details, warnings };
  }
  await node.activate(p.data, mode !== "try");
  if (mode === "try") scheduleRevert(node, before, tryMs);
  return { modeDetails: details, warnings };
}

function scheduleRevert(node: TalosNode, before: string | null, ms: number): void {
  const applied = node.configVersion;
  void node.host.world.delay(ms).then(async () => {
    if (node.stopped || node.configVersion !== applied || before === null) return;
    node.log("try mode timeout: reverting configuration");
    await node.activate(before, false);
  });
}

/** The handler. */
export async function applyConfiguration(node: TalosNode, payload: unknown): Promise<ApplyReply> {
  const p = payload as ApplyPayload;
  if (node.busy) throw new GrpcError("FailedPrecondition", "another apply configuration is already in progress");
  if (node.rebootPending)
    throw new GrpcError(
      "FailedPrecondition",
      "configuration was already applied and node is rebooting, cannot apply more configuration changes until next reboot",
    );
  node.busy = true;
  try {
    return node.maintenance ? await applyMaintenance(node, p) : await applyConfigured(node, p);
  } finally {
    node.busy = false;
  }
}
