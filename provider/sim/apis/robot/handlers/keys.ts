/**
 * SSH keys: `GET/POST /key`, `GET/POST/DELETE /key/{fingerprint}`. Uniqueness is on the key
 * material, not the name (CAPH PR #719); an empty list is 404 NOT_FOUND, not `[]` (fixtures/robot/error-key-list-empty.json).
 */
import { parseSshPublicKey } from "../../../../hetzner/robot/ssh-key";
import { RobotHandler } from "../call";
import { RobotSimError, invalidInput, notFound } from "../errors";
import { stringOf } from "../form";
import { KeyRecord, RobotSimState } from "../state";
import { berlinDateTime, wrapEach } from "./views";

function key(state: RobotSimState, fingerprint: string): KeyRecord {
  const record = state.keys.get(fingerprint);
  if (!record) throw notFound("Key not found");
  return record;
}

/** GET /key. */
export const listKeys: RobotHandler = ({ state }) => {
  if (state.keys.size === 0) throw notFound("No keys found");
  return { body: wrapEach("key", [...state.keys.values()]) };
};

/** GET /key/{fp}. */
export const getKey: RobotHandler = ({ state, params }) => ({ body: { key: key(state, params.fp) } });

/** POST /key with `name` and `data` (an OpenSSH public key line); 201. */
export const createKey: RobotHandler = ({ state, form }) => {
  const name = stringOf(form.name);
  const data = stringOf(form.data)?.trim();
  const missing = [...(name ? [] : ["name"]), ...(data ? [] : ["data"])];
  if (missing.length) throw invalidInput(missing, []);
  const info = parseSshPublicKey(data!);
  if (!info) throw invalidInput([], ["data"]);
  if (state.keys.has(info.fingerprint)) throw new RobotSimError(409, "KEY_ALREADY_EXISTS", "The key already exists");
  const record: KeyRecord = {
    name: name!,
    fingerprint: info.fingerprint,
    type: info.type,
    size: info.size,
    data: data!,
    created_at: berlinDateTime(state.now()),
  };
  state.keys.set(record.fingerprint, record);
  return { status: 201, body: { key: record } };
};

/** POST /key/{fp} with `name`: renames. */
export const renameKey: RobotHandler = ({ state, params, form }) => {
  const record = key(state, params.fp);
  const name = stringOf(form.name);
  if (!name) throw invalidInput(["name"], []);
  record.name = name;
  return { body: { key: record } };
};

/** DELETE /key/{fp}: empty body. */
export const deleteKey: RobotHandler = ({ state, params }) => {
  key(state, params.fp);
  state.keys.delete(params.fp);
  return {};
};
