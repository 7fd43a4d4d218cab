/** POST /servers/{id}/actions/*: every server action (power, rescue toggles, create_image) locks the server while it runs. */
import { Router, SimRequest, SimResponse } from "./router";
import { ActionRunner, assertUnlocked } from "./actions";
import { CloudState, ImageRecord, ServerRecord, isoNow } from "./state";
import { fail, invalidInput, locked, unknownReference } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels } from "./labels";
import { renderImage } from "./images";
import { liveMachine, rootPassword } from "./servers";
import { copySparse, imageSizeGb, snapshotFile } from "./snapshot";
import { SimMachine } from "../../types";

interface Ctx {
  state: CloudState;
  runner: ActionRunner;
}

/** Power actions: command name, realistic duration, and the effect on the machine when the action completes. */
const POWER: [string, string, number, (m: SimMachine) => void][] = [
  ["poweron", "start_server", 5_000, (m) => m.powerOn()],
  ["poweroff", "stop_server", 3_000, (m) => m.powerOff()],
  // A shutdown action succeeds once the ACPI signal is sent, not when the server is off (contract §2).
  ["shutdown", "shutdown_server", 1_000, (m) => m.shutdown()],
  ["reset", "reset_server", 2_000, (m) => powerCycle(m, "hw")],
  ["reboot", "reboot_server", 2_000, (m) => powerCycle(m, "sw")],
];

/** Registers the server action routes. */
export function registerServerActionRoutes(router: Router, state: CloudState, runner: ActionRunner): void {
  const ctx = { state, runner };
  for (const [path, command, realisticMs, effect] of POWER) {
    router.add("POST", `/servers/{id}/actions/${path}`, (req) => {
      const server = lockable(ctx, req);
      const action = runner.start({
        command,
        realisticMs,
        server,
        resources: resourcesOf(server),
        work: () => effect(liveMachine(state, server)),
      }).action;
      return { status: 201, body: { action } };
    });
  }
  router.add("POST", "/servers/{id}/actions/enable_rescue", (req) => enableRescue(ctx, req));
  router.add("POST", "/servers/{id}/actions/disable_rescue", (req) =>
    rescueToggle(ctx, req, "disable_rescue", (m) => m.disarmRescue()),
  );
  router.add("POST", "/servers/{id}/actions/create_image", (req) => createImage(ctx, req));
}

function enableRescue(ctx: Ctx, req: SimRequest): SimResponse {
  const ids = (bodyObject(req.body ?? {}).ssh_keys as number[] | undefined) ?? [];
  const keys = ids.map((id) => ctx.state.sshKeys.get(id) ?? fail(unknownReference("ssh_keys", "SSH key", id)));
  const password = rootPassword();
  // Arms rescue for the next boot only; enabling rescue does not reboot (contract §2).
  const res = rescueToggle(ctx, req, "enable_rescue", (m) =>
    m.armRescue({ authorizedKeys: keys.map((k) => k.public_key), password }),
  );
  return { status: 201, body: { root_password: password, ...(res.body as object) } };
}

/**
 * Rescue toggles are server actions like the others: they lock the server while they run (a reset
 * sent meanwhile is 423 locked, as hcloud-go's and Packer's wait-then-reset order expects) and take
 * effect when they finish, so a client that powers on without waiting boots without rescue.
 */
function rescueToggle(ctx: Ctx, req: SimRequest, command: string, effect: (m: SimMachine) => void): SimResponse {
  const server = findById(ctx.state.servers, req.params.id, "server");
  if (server.deleting) throw locked("server", server.id, "delete_server");
  assertUnlocked(server);
  const work = () => effect(liveMachine(ctx.state, server));
  return {
    status: 201,
    body: {
      action: ctx.runner.start({ command, realisticMs: 2_000, server, resources: resourcesOf(server), work }).action,
    },
  };
}

function createImage(ctx: Ctx, req: SimRequest): SimResponse {
  const b = bodyObject(req.body ?? {});
  if (b.type === "backup") throw invalidInput("type", "backups are not enabled for this server");
  const server = lockable(ctx, req);
  const image = newSnapshot(ctx.state, server, b);
  ctx.state.images.set(image.id, image);
  const { action } = ctx.runner.start({
    command: "create_image",
    realisticMs: 30_000,
    server,
    resources: resourcesOf(server),
    work: async () => {
      await copySparse(liveMachine(ctx.state, server).diskFile(0), image.file!);
      image.image_size = imageSizeGb(image.file!);
      image.status = "available";
    },
    onError: () => {
      ctx.state.images.delete(image.id);
    },
  });
  return { status: 201, body: { image: renderImage(image), action } };
}

function lockable(ctx: Ctx, req: SimRequest): ServerRecord {
  const server = findById(ctx.state.servers, req.params.id, "server");
  assertUnlocked(server);
  return server;
}

function resourcesOf(server: ServerRecord): { id: number; type: string }[] {
  return [{ id: server.id, type: "server" }];
}

function newSnapshot(state: CloudState, server: ServerRecord, b: Record<string, unknown>): ImageRecord {
  const id = state.nextId("image");
  return {
    id,
    type: "snapshot",
    status: "creating",
    name: null,
    description: typeof b.description === "string" ? b.description : `${server.name}-${isoNow()}`,
    image_size: null,
    disk_size: server.type.disk,
    created: isoNow(),
    created_from: { id: server.id, name: server.name },
    bound_to: null,
    os_flavor: server.image?.os_flavor ?? "unknown",
    os_version: server.image?.os_version ?? null,
    labels: checkLabels(b.labels as Record<string, string> | undefined),
    architecture: server.type.architecture,
    deleted: null,
    file: snapshotFile(state.world.stateDir, id),
  };
}

/** Cloud reset/reboot: an off server is powered on, a running one reset (hw) or rebooted (sw). */
function powerCycle(machine: SimMachine, type: "hw" | "sw"): void {
  if (machine.power() === "off") machine.powerOn();
  else machine.reset(type);
}
