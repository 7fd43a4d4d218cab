/** POST /servers/{id}/actions/*: power, rescue and create_image, each an action that locks the server. */
import { Router, SimRequest } from "./router";
import { ActionPlan, ActionRunner, assertUnlocked } from "./actions";
import { CloudState, ImageRecord, ServerRecord, isoNow } from "./state";
import { fail, invalidInput, unknownReference } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels } from "./labels";
import { renderImage } from "./images";
import { liveMachine, rootPassword } from "./servers";
import { copySparse, imageSizeGb, snapshotFile } from "./snapshot";

type Work = (server: ServerRecord) => Pick<ActionPlan, "work" | "onError"> & { command: string; realisticMs: number };

/** Registers the server action routes. */
export function registerServerActionRoutes(router: Router, state: CloudState, runner: ActionRunner): void {
  const machine = (s: ServerRecord) => liveMachine(state, s);
  const start = (req: SimRequest, work: Work) => {
    const server = findById(state.servers, req.params.id, "server");
    assertUnlocked(server);
    return runner.start({ resources: [{ id: server.id, type: "server" }], server, ...work(server) }).action;
  };
  const simple = (path: string, work: Work) => router.add("POST", `/servers/{id}/actions/${path}`, (req) => ({ status: 201, body: { action: start(req, work) } }));

  simple("poweron", (s) => ({ command: "start_server", realisticMs: 5_000, work: () => machine(s).powerOn() }));
  simple("poweroff", (s) => ({ command: "stop_server", realisticMs: 3_000, work: () => machine(s).powerOff() }));
  // A shutdown action succeeds once the ACPI signal is sent, not when the server is off (contract §2).
  simple("shutdown", (s) => ({ command: "shutdown_server", realisticMs: 1_000, work: () => machine(s).shutdown() }));
  simple("reset", (s) => ({ command: "reset_server", realisticMs: 2_000, work: () => powerCycle(machine(s), "hw") }));
  simple("reboot", (s) => ({ command: "reboot_server", realisticMs: 2_000, work: () => powerCycle(machine(s), "sw") }));
  simple("disable_rescue", (s) => ({ command: "disable_rescue", realisticMs: 2_000, work: () => machine(s).disarmRescue() }));

  router.add("POST", "/servers/{id}/actions/enable_rescue", (req) => {
    const b = bodyObject(req.body ?? {});
    const keys = ((b.ssh_keys as number[] | undefined) ?? []).map((id) => state.sshKeys.get(id) ?? fail(unknownReference("ssh_keys", "SSH key", id)));
    const password = rootPassword();
    // Arms rescue for the next boot only; enabling rescue does not reboot (contract §2).
    const action = start(req, (s) => ({
      command: "enable_rescue", realisticMs: 2_000,
      work: () => machine(s).armRescue({ authorizedKeys: keys.map((k) => k.public_key), password }),
    }));
    return { status: 201, body: { root_password: password, action } };
  });

  router.add("POST", "/servers/{id}/actions/create_image", (req) => {
    const b = bodyObject(req.body ?? {});
    if (b.type === "backup") throw invalidInput("type", "backups are not enabled for this server");
    const server = findById(state.servers, req.params.id, "server");
    assertUnlocked(server);
    const image = newSnapshot(state, server, b);
    state.images.set(image.id, image);
    const action = start(req, () => ({
      command: "create_image", realisticMs: 30_000,
      work: async () => {
        await copySparse(machine(server).diskFile(0), image.file!);
        image.image_size = imageSizeGb(image.file!);
        image.status = "available";
      },
      onError: () => { state.images.delete(image.id); },
    }));
    return { status: 201, body: { image: renderImage(image), action } };
  });
}

function newSnapshot(state: CloudState, server: ServerRecord, b: Record<string, unknown>): ImageRecord {
  const id = state.nextId("image");
  return {
    id, type: "snapshot", status: "creating", name: null, description: typeof b.description === "string" ? b.description : `${server.name}-${isoNow()}`,
    image_size: null, disk_size: server.type.disk, created: isoNow(), created_from: { id: server.id, name: server.name }, bound_to: null,
    os_flavor: server.image?.os_flavor ?? "unknown", os_version: server.image?.os_version ?? null,
    labels: checkLabels(b.labels as Record<string, string> | undefined), architecture: server.type.architecture, deleted: null,
    file: snapshotFile(state.world.stateDir, id),
  };
}

/** Cloud reset/reboot: an off server is powered on, a running one reset (hw) or rebooted (sw). */
function powerCycle(machine: ReturnType<typeof liveMachine>, type: "hw" | "sw"): void {
  if (machine.power() === "off") machine.powerOn();
  else machine.reset(type);
}
