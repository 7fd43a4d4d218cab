/**
 * The first two steps of a `RobotServer` create: preflight (the server exists, offers rescue and a
 * usable reset, has an IPv4 address with its gateway, the image exists) and the check for a Talos
 * that already runs on it, which may end the run in adoption.
 */
import { RobotServer, RobotResetOptions } from "../../hetzner/robot";
import { InputError } from "../../internal/errors";
import { StepLogger } from "../../internal/log";
import { ResolvedImage, ensureImageExists, resolveImage } from "./image";
import { NetworkFacts, networkFacts, networkPatchFor } from "./outputs";
import { ResetPlan, planResets } from "./reset";
import { RobotServerDeps } from "./deps";
import { assertOwnable, robotNameFor } from "./owner";
import { TalosProbe, probeTalos, refuseLiveNode } from "./talos";
import { RobotServerInputs, RobotServerOutputs, Timing } from "./types";

/** What preflight learned about the server. */
export interface ServerFacts {
  server: RobotServer;
  ip: string;
  resets: RobotResetOptions;
  plan: ResetPlan;
  net: NetworkFacts;
}

/** ServerFacts plus the resolved image. */
export interface Preflight extends ServerFacts {
  image: ResolvedImage;
}

function usableServer(n: number, server: RobotServer | undefined): RobotServer & { serverIp: string } {
  if (!server)
    throw new InputError(
      "serverNumber",
      `Robot has no server ${n} on this account (SERVER_NOT_FOUND); check the number in Robot's server list`,
    );
  if (server.features && !server.features.rescue)
    throw new InputError(
      "serverNumber",
      `server ${n} (${server.product}) does not offer the rescue system, so Talos cannot be installed on it from here`,
    );
  if (server.features && !server.features.reset)
    throw new InputError(
      "serverNumber",
      `server ${n} (${server.product}) offers no reset, so it cannot be rebooted into the rescue system`,
    );
  if (!server.serverIp) {
    throw new InputError(
      "serverNumber",
      `server ${n} has no IPv4 address (IPv6-only since it was ordered without the primary IPv4 addon): RobotServer reaches the rescue system and Talos maintenance mode over IPv4 and cannot install it yet`,
    );
  }
  return server as RobotServer & { serverIp: string };
}

/** Reads the server, its resets and addresses; throws InputError naming serverNumber when it cannot be installed. */
export async function serverPreflight(n: number, d: RobotServerDeps, log: StepLogger): Promise<ServerFacts> {
  const server = usableServer(n, await d.robot.servers.get(n));
  const resets = await d.robot.reset.getOptions(n);
  const plan = planResets(resets.types, resets.operatingStatus);
  const net = await networkFacts(d.robot, server);
  log.info(
    `server ${n} "${server.serverName}" (${server.product}, ${server.dc}): ${server.serverIp}/${net.ipv4Prefix ?? "?"} via ${net.ipv4Gateway ?? "?"}, ${net.ipv6Net ?? "no IPv6"}; ${resets.operatingStatus ?? "status unknown"}, resets ${resets.types.join(", ")}`,
  );
  return { server, ip: server.serverIp, resets, plan, net };
}

/**
 * Step 1: the server facts, the owner check (a server another resource owns is refused before
 * anything changes), a rename when the name or owner marker differs, and the image's existence.
 */
export async function preflight(i: RobotServerInputs, d: RobotServerDeps, log: StepLogger): Promise<Preflight> {
  const facts = await serverPreflight(i.serverNumber, d, log);
  assertOwnable(i.serverNumber, facts.server.serverName, i.owner);
  const wanted = i.name === undefined ? undefined : robotNameFor(i.name, i.owner);
  if (wanted !== undefined && wanted !== facts.server.serverName) {
    await d.robot.servers.rename(i.serverNumber, wanted);
    log.info(`renamed the server in Robot from "${facts.server.serverName}" to "${wanted}"`);
    facts.net.serverName = wanted;
    // Another create of the same server may have read it unmarked too: the later rename wins.
    if (i.owner)
      assertOwnable(i.serverNumber, (await d.robot.servers.get(i.serverNumber))?.serverName ?? wanted, i.owner);
  }
  const image = resolveImage(i.image, d.factoryUrl);
  log.info(`image ${image.url} (Talos ${image.version})`);
  await ensureImageExists(image, log, d.sleep);
  return { ...facts, image };
}

/**
 * Step 2: asks the server whether Talos runs. Returns the probe when the run should adopt; undefined
 * when it should install. A configured node is only reinstalled when `reinstallTrigger` is set.
 */
export async function talosCheck(
  i: RobotServerInputs,
  d: RobotServerDeps,
  p: Preflight,
  t: Timing,
  log: StepLogger,
): Promise<TalosProbe | undefined> {
  const probe = await probeTalos(d.talosctl, p.ip, t.probeMs);
  log.info(`Talos on ${p.ip}:50000: ${probe.state}`);
  if (probe.state === "unreachable") return undefined;
  if (i.adopt) return probe;
  if (probe.state === "maintenance") {
    log.info("Talos waits in maintenance mode with no configuration: reinstalling (set adopt: true to keep it)");
    return undefined;
  }
  if (i.reinstallTrigger === undefined) refuseLiveNode(p.ip, i.serverNumber);
  log.warn(
    `Talos on ${p.ip} is configured; reinstalling it because reinstallTrigger is set (${JSON.stringify(i.reinstallTrigger)})`,
  );
  return undefined;
}

/** Outputs of an adopted server: Robot's facts, the disks a maintenance node reports, the patch when `nicMac` is known. */
export function adoptedOutputs(
  i: RobotServerInputs,
  p: Preflight,
  probe: TalosProbe,
  log: StepLogger,
): Partial<RobotServerOutputs> {
  const mac = i.nicMac?.toLowerCase() ?? null;
  if (!mac) log.warn("adopted without a rescue inventory: set nicMac to get networkPatch (the NIC is selected by MAC)");
  return {
    ...p.net,
    mac,
    bootMode: null,
    smbiosUuid: null,
    disks: (probe.disks ?? []).map((x) => ({ ...x, byId: [] })),
    installDiskPath: null,
    talosVersion: p.image.version,
    imageUrl: null,
    imageSha256: null,
    installedAt: null,
    networkPatch: networkPatchFor(p.image.version, mac, p.net),
    talosState: probe.state,
    adopted: true,
  };
}
