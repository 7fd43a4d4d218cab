/** Server routes: create, list, get, update (name/labels), delete. */
import * as crypto from "crypto";
import { Router, SimRequest, SimResponse } from "./router";
import { ActionRunner, ActionFailure } from "./actions";
import { CloudState, ServerRecord } from "./state";
import { locked, uniquenessError } from "./errors";
import { bodyObject, findById } from "./params";
import { checkLabels, selectorPredicate } from "./labels";
import { listResponse, sortItems } from "./pagination";
import { buildServer, planCreate } from "./server-create";
import { renderServer, serverStatus } from "./server-view";
import { refreshFilters } from "./firewall-apply";

/** A random root password like the API hands out (20 alphanumerics). */
export function rootPassword(): string {
  const chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  return Array.from(crypto.randomBytes(20), (b) => chars[b % chars.length]).join("");
}

/** The machine of a server that still exists; fails the running action otherwise (deleted meanwhile). */
export function liveMachine(state: CloudState, server: ServerRecord) {
  const machine = state.world.machines.get(server.machineId);
  if (!machine || !state.servers.has(server.id))
    throw new ActionFailure("action_failed", `server ${server.id} no longer exists`);
  return machine;
}

interface Ctx {
  state: CloudState;
  runner: ActionRunner;
}

/** Registers the server routes. */
export function registerServerRoutes(router: Router, state: CloudState, runner: ActionRunner): void {
  const ctx = { state, runner };
  const render = (s: ServerRecord) => renderServer(state, s);
  const find = (req: SimRequest) => findById(state.servers, req.params.id, "server");
  router.add("POST", "/servers", (req) => createServer(ctx, bodyObject(req.body)));
  router.add("GET", "/servers", (req) => {
    const name = req.query.get("name");
    const statuses = req.query.getAll("status");
    const selected = selectorPredicate(req.query.get("label_selector"));
    const items = [...state.servers.values()].filter(
      (s) =>
        (name === null || s.name === name) &&
        (statuses.length === 0 || statuses.includes(serverStatus(state, s))) &&
        selected(s.labels),
    );
    return listResponse("servers", sortItems(items, req.query.getAll("sort"), SERVER_SORT), req, render);
  });
  router.add("GET", "/servers/{id}", (req) => ({ status: 200, body: { server: render(find(req)) } }));
  router.add("PUT", "/servers/{id}", (req) => {
    const server = find(req);
    const b = bodyObject(req.body);
    if (
      typeof b.name === "string" &&
      [...state.servers.values()].some((s) => s.name === b.name && s.id !== server.id)
    ) {
      throw uniquenessError("name", `server name '${b.name}' is already used`);
    }
    if (typeof b.name === "string") server.name = b.name;
    if (b.labels !== undefined) server.labels = checkLabels(b.labels as Record<string, string>);
    refreshFilters(state); // label selectors of firewalls may now match differently
    return { status: 200, body: { server: render(server) } };
  });
  router.add("DELETE", "/servers/{id}", (req) => deleteServer(ctx, find(req)));
}

async function createServer(ctx: Ctx, body: Record<string, unknown>): Promise<SimResponse> {
  const { state, runner } = ctx;
  const plan = planCreate(state, body);
  const { server, spec } = buildServer(state, plan);
  // Registered before the machine exists so that a concurrent create with the same name gets 409.
  state.servers.set(server.id, server);
  try {
    await state.world.createMachine(spec, {
      diskImageFile: plan.image.type === "system" ? undefined : plan.image.file,
      userData: plan.userData,
    });
  } catch (e) {
    state.servers.delete(server.id);
    throw e;
  }
  for (const id of plan.firewallIds)
    state.firewalls.get(id)!.applied_to.push({ type: "server", server: { id: server.id } });
  refreshFilters(state);
  const resources = [{ id: server.id, type: "server" }];
  const create = runner.start({ command: "create_server", resources, realisticMs: 10_000, server });
  const next = plan.startAfterCreate
    ? [
        runner.start({
          command: "start_server",
          resources,
          realisticMs: 5_000,
          server,
          after: create.done,
          work: () => liveMachine(state, server).powerOn(),
        }).action,
      ]
    : [];
  // root_password is null when SSH keys were given (contract §2).
  const password = plan.sshKeys.length ? null : rootPassword();
  return {
    status: 201,
    body: { server: renderServer(state, server), action: create.action, next_actions: next, root_password: password },
  };
}

function deleteServer(ctx: Ctx, server: ServerRecord): SimResponse {
  const { state } = ctx;
  if (server.deleting) throw locked("server", server.id, "delete_server");
  server.deleting = true;
  const { action } = ctx.runner.start({
    command: "delete_server",
    resources: [{ id: server.id, type: "server" }],
    realisticMs: 3_000,
    server,
    work: async () => {
      // Attached firewalls are detached (contract §2).
      for (const fw of state.firewalls.values())
        fw.applied_to = fw.applied_to.filter((t) => t.type !== "server" || t.server.id !== server.id);
      state.servers.delete(server.id);
      await state.world.removeMachine(server.machineId);
      refreshFilters(state);
    },
    onError: () => {
      server.deleting = false;
    },
  });
  return { status: 200, body: { action } };
}

const SERVER_SORT = {
  id: (s: ServerRecord) => s.id,
  name: (s: ServerRecord) => s.name,
  created: (s: ServerRecord) => s.created,
};
