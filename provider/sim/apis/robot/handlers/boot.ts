/**
 * Boot configuration: `GET /boot/{n}` and the rescue system (`GET/POST/DELETE /boot/{n}/rescue`,
 * `GET /boot/{n}/rescue/last`). Rescue is one-shot: `active` mirrors the machine's armed flag,
 * which the machine's next boot consumes (contracts/hetzner-robot.md §1, emulator behaviour 1).
 */
import { createHash, randomBytes } from "crypto";
import { generateEd25519KeyPair } from "../../../../rescue/session-keys";
import { RobotHandler } from "../call";
import { RobotSimError, invalidInput, notFound } from "../errors";
import { listOf, stringOf } from "../form";
import { RescueActivation, RobotSimState, SimServer } from "../state";
import { serverRef } from "./views";

const RESCUE_OS = ["linux", "vkvm"];
const KEYBOARDS = ["us", "uk", "ch", "de", "fi", "fr", "jp", "dk", "es", "it", "nl", "no", "pl", "se"];

/** The server, or 404 BOOT_NOT_AVAILABLE when its scenario offers no rescue. */
function bootServer(state: RobotSimState, n: string): SimServer {
  const server = state.server(n);
  if (server.scenario.rescue === false) {
    throw new RobotSimError(404, "BOOT_NOT_AVAILABLE", "No boot configuration available for this server");
  }
  return server;
}

/** The inactive shape: what could be activated (fixtures/robot/boot-rescue-get-inactive.json). */
function rescueOptions(s: SimServer): Record<string, unknown> {
  return {
    ...serverRef(s),
    os: RESCUE_OS,
    arch: [64, 32],
    active: false,
    password: null,
    authorized_key: [],
    host_key: [],
  };
}

/** An activation; `boot_time` is undocumented but live (fixtures/robot/boot-rescue-get-active.real.json). */
function rescueActivation(s: SimServer, a: RescueActivation, withPassword: boolean): Record<string, unknown> {
  return {
    ...serverRef(s),
    os: a.os,
    arch: 64,
    active: s.machine.rescueArmed(),
    password: withPassword ? a.password : null,
    authorized_key: a.keys.map((key) => ({ key })),
    host_key: a.hostKeys.map((key) => ({ key })),
    boot_time: s.machine.rescueBootTime(),
  };
}

function currentRescue(s: SimServer): Record<string, unknown> {
  return s.machine.rescueArmed() && s.lastRescue ? rescueActivation(s, s.lastRescue, true) : rescueOptions(s);
}

/** GET /boot/{n}: every boot option; this simulator offers rescue, linux and vnc. */
export const getBoot: RobotHandler = ({ state, params }) => {
  const s = bootServer(state, params.n);
  const idle = { ...serverRef(s), arch: [64], active: false, password: null };
  return {
    body: {
      boot: {
        rescue: currentRescue(s),
        linux: {
          ...idle,
          dist: ["Debian 12 base", "Ubuntu 24.04 LTS base"],
          lang: ["en"],
          authorized_key: [],
          host_key: [],
        },
        vnc: { ...idle, dist: ["Debian 12", "Ubuntu 24.04 LTS"], lang: ["en_US", "de_DE"] },
        windows: null,
        plesk: null,
        cpanel: null,
      },
    },
  };
};

/** GET /boot/{n}/rescue. */
export const getRescue: RobotHandler = ({ state, params }) => ({
  body: { rescue: currentRescue(bootServer(state, params.n)) },
});

/** POST /boot/{n}/rescue: arms the machine's next boot; 409 BOOT_ALREADY_ENABLED when already armed. */
export const activateRescue: RobotHandler = ({ state, params, form }) => {
  const s = bootServer(state, params.n);
  const os = stringOf(form.os);
  const keyboard = stringOf(form.keyboard) ?? "us";
  const fingerprints = listOf(form.authorized_key).map((v) => (typeof v === "string" ? v : ""));
  const invalid = [
    ...(os !== undefined && !RESCUE_OS.includes(os) ? ["os"] : []),
    ...(fingerprints.some((fp) => !state.keys.has(fp)) ? ["authorized_key"] : []),
    ...(!KEYBOARDS.includes(keyboard) ? ["keyboard"] : []),
  ];
  if (os === undefined || invalid.length) throw invalidInput(os === undefined ? ["os"] : [], invalid);
  if (s.machine.rescueArmed()) throw new RobotSimError(409, "BOOT_ALREADY_ENABLED", "A boot option is already active");
  // The code is in Robot's error set (hrobot-rs error.rs); status and message are this simulator's guess.
  if (state.faults.bootBlocked?.includes(s.scenario.number))
    throw new RobotSimError(409, "BOOT_BLOCKED", "The boot configuration of this server is blocked");
  const keys = fingerprints.map((fp) => state.keys.get(fp)!);
  const hostKey = s.scenario.reportsRescueHostKeys ? generateEd25519KeyPair() : undefined;
  const activation: RescueActivation = {
    os,
    keys: keys.map(({ name, fingerprint, type, size }) => ({ name, fingerprint, type, size })),
    password: generatePassword(),
    hostKeys: hostKey ? [{ fingerprint: md5OfPublicKeyLine(hostKey.public), type: "ED25519", size: 256 }] : [],
  };
  s.machine.armRescue({
    authorizedKeys: keys.map((k) => k.data),
    password: activation.password,
    logins: [],
    ...(hostKey ? { hostKey: hostKey.private } : {}),
  });
  s.lastRescue = activation;
  return { body: { rescue: rescueActivation(s, activation, true) } };
};

/** DELETE /boot/{n}/rescue: disarms (idempotent) and answers with the inactive shape. */
export const deactivateRescue: RobotHandler = ({ state, params }) => {
  const s = bootServer(state, params.n);
  if (s.machine.rescueArmed()) s.machine.disarmRescue();
  return { body: { rescue: rescueOptions(s) } };
};

/** GET /boot/{n}/rescue/last: the last activation without its password (hrobot-rs rescue tests). */
export const lastRescue: RobotHandler = ({ state, params }) => {
  const s = bootServer(state, params.n);
  if (!s.lastRescue) throw notFound("No last rescue activation found");
  return { body: { rescue: rescueActivation(s, s.lastRescue, false) } };
};

/** Robot's key fingerprint form: MD5 of the key blob (the base64 field of the OpenSSH line), colon-separated hex. */
function md5OfPublicKeyLine(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1], "base64");
  return createHash("md5")
    .update(blob)
    .digest("hex")
    .replace(/(..)(?!$)/g, "$1:");
}

function generatePassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join("");
}
