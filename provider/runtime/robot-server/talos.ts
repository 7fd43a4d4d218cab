/**
 * Asking a server whether Talos runs on it, with an insecure (maintenance-mode) client: maintenance
 * nodes answer `get disks --insecure`, configured nodes refuse the client certificate-less handshake
 * ("certificate required"), and anything else counts as "not answering" (contracts/talosctl.md §1.2, §19).
 */
import { SafetyError, TalosHetznerError, isError } from "../../internal/errors";
import { pollUntil } from "../../internal/poll";
import { Sleep } from "../../internal/retry";
import { Talosctl, TalosApiError, getArgs, parseJsonStream } from "../../talos/talosctl";
import { TalosState, Timing } from "./types";

/** What a maintenance-mode node reported about its disks (from `get disks --insecure`). */
export interface TalosProbe {
  state: TalosState;
  /** Disks the node sees (maintenance mode only). */
  disks?: {
    name: string;
    sizeBytes: number;
    model: string | null;
    serial: string | null;
    wwn: string | null;
    type: "nvme" | "ssd" | "hdd";
  }[];
}

interface DiskSpecWire {
  size?: number;
  model?: string;
  serial?: string;
  wwid?: string;
  rotational?: boolean;
  transport?: string;
}

// get disks --insecure works from v1.8 in maintenance (§12); older nodes answer with a gRPC error
// that still proves an insecure client reached a maintenance API.
const ANSWERED_INSECURELY = new Set(["Unimplemented", "NotFound", "PermissionDenied", "InvalidArgument"]);

/** Classifies one probe failure; throws when it is not about the node (talosctl missing, …). */
export function classifyProbeError(e: unknown): TalosState {
  if (isError(e, "TalosApiError")) {
    const api = e as TalosApiError;
    if (api.grpcCode === "Unavailable" && /certificate required/.test(api.detail)) return "configured";
    return ANSWERED_INSECURELY.has(api.grpcCode) ? "maintenance" : "unreachable";
  }
  if (isError(e, "TalosctlError", "DeadlineError")) return "unreachable";
  throw e;
}

/** One probe of `ip`; never throws for an unreachable or configured node. */
export async function probeTalos(talosctl: Talosctl, ip: string, timeoutMs: number): Promise<TalosProbe> {
  try {
    const res = await talosctl.run(getArgs("disks", { node: ip, insecure: true }), { timeoutMs });
    const disks = (parseJsonStream(res.stdout) as { metadata: { id: string }; spec: DiskSpecWire }[]).map((r) => ({
      name: r.metadata.id,
      sizeBytes: r.spec.size ?? 0,
      model: r.spec.model || null,
      serial: r.spec.serial || null,
      wwn: r.spec.wwid || null,
      type:
        r.spec.transport === "nvme" || r.metadata.id.startsWith("nvme")
          ? ("nvme" as const)
          : r.spec.rotational
            ? ("hdd" as const)
            : ("ssd" as const),
    }));
    return { state: "maintenance", disks };
  } catch (e) {
    return { state: classifyProbeError(e) };
  }
}

/** The Talos node came up with a configuration after a fresh install: its STATE partition survived. */
export class StaleTalosStateError extends TalosHetznerError {
  constructor(ip: string) {
    super(
      `Talos on ${ip} came up configured instead of in maintenance mode: an old STATE partition survived the wipe, or the machine booted another disk that holds a configured Talos`,
    );
    this.name = "StaleTalosStateError";
  }
}

/** Polls until Talos answers in maintenance mode on `ip`; a configured node fails at once. */
export async function waitForMaintenance(
  talosctl: Talosctl,
  ip: string,
  t: Timing,
  sleep?: Sleep,
): Promise<TalosProbe> {
  return pollUntil(
    async () => {
      const p = await probeTalos(talosctl, ip, Math.min(t.probeMs, t.maintenanceMs));
      if (p.state === "configured") throw new StaleTalosStateError(ip);
      return p.state === "maintenance" ? p : undefined;
    },
    {
      what: `Talos maintenance mode on ${ip}:50000 (check the server's console: it may boot another disk, or fail in UEFI)`,
      timeoutMs: t.maintenanceMs,
      ...t.maintenance,
      ...(sleep ? { sleep } : {}),
    },
  );
}

/** Refuses to wipe a configured node unless the user said so (DESIGN decision 6). */
export function refuseLiveNode(ip: string, serverNumber: number): never {
  throw new SafetyError(
    `Talos on server ${serverNumber} (${ip}) is configured and running: refusing to wipe a live node. Set adopt: true to manage it as it is, or set reinstallTrigger to wipe and reinstall it`,
  );
}
