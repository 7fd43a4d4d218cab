/** Request handlers of the simulated Image Factory (contracts/talosctl.md §20) and of GitHub release downloads. */
import * as fs from "fs";
import * as http from "http";
import { errorMessage } from "../../../internal/errors";
import { VANILLA_SCHEMATIC_ID } from "../../../talos/schematic";
import { ServedImage } from "../../types";
import { ImageStore } from "./images";
import { ImageRequest, parseImageFile, parseReleaseAsset } from "./paths";
import { SchematicStore } from "./schematics";

/** What the handlers share. */
export interface FactoryState {
  versions: string[];
  schematics: SchematicStore;
  images: ImageStore;
  /** Fraction of each image body to serve before ending the response (1 = everything). */
  truncateFraction(): number;
}

/** Writes a plain-text or JSON answer. */
export function send(res: http.ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** POST /schematics: 201 {"id"} or 400 with the decoder's complaint. */
export function postSchematic(s: FactoryState, body: string, res: http.ServerResponse): void {
  let id: string;
  try {
    id = s.schematics.add(body);
  } catch (e) {
    return send(res, 400, `${errorMessage(e)}\n`);
  }
  send(res, 201, JSON.stringify({ id }), "application/json");
}

/** GET /schematics/<id>: the canonical YAML or 404. */
export function getSchematic(s: FactoryState, id: string, res: http.ServerResponse): void {
  const yaml = s.schematics.get(id);
  if (yaml === undefined) return send(res, 404, "schematic not found\n");
  send(res, 200, yaml, "application/yaml");
}

/** GET|HEAD /image/<schematic>/<version>/<file>: checks in the factory's order — schematic, version, then path. */
export async function getImage(
  s: FactoryState,
  parts: string[],
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const [schematic, version, file] = parts;
  if (s.schematics.get(schematic) === undefined) return send(res, 404, `schematic ${schematic} not found\n`);
  if (!s.versions.includes(version)) return send(res, 404, `version ${version} not found\n`);
  const wanted = parseImageFile(file);
  if (!wanted) return send(res, 400, `error parsing profile from path: invalid path "${file}"\n`);
  await serveImage(s, { ...wanted, version, schematic }, req, res);
}

/** GET|HEAD /siderolabs/talos/releases/download/<version>/<file>: 302 to the asset, as GitHub redirects to its CDN. */
export function getRelease(s: FactoryState, version: string, file: string, res: http.ServerResponse): void {
  if (!s.versions.includes(version) || !parseReleaseAsset(version, file)) return send(res, 404, "Not Found");
  res.writeHead(302, { Location: `/_release-assets/${version}/${file}`, "Content-Length": 0 });
  res.end();
}

/** GET|HEAD /_release-assets/<version>/<file>: the vanilla metal image (what the release publishes). */
export async function getReleaseAsset(
  s: FactoryState,
  version: string,
  file: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const wanted = s.versions.includes(version) ? parseReleaseAsset(version, file) : null;
  if (!wanted) return send(res, 404, "Not Found");
  await serveImage(s, { ...wanted, version, schematic: VANILLA_SCHEMATIC_ID }, req, res);
}

async function serveImage(
  s: FactoryState,
  want: ImageRequest & Pick<ServedImage, "version" | "schematic">,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const { ext, ...id } = want;
  const file = await s.images.file(id, ext);
  const size = fs.statSync(file).size;
  const type = ext === "xz" ? "application/x-xz" : "application/zstd";
  if (req.method === "HEAD") {
    res.writeHead(200, { "Content-Type": type, "Content-Length": size });
    return void res.end();
  }
  const fraction = s.truncateFraction();
  if (fraction >= 1) {
    res.writeHead(200, { "Content-Type": type, "Content-Length": size });
    return void fs.createReadStream(file).pipe(res);
  }
  // Truncation fault: no Content-Length and a clean end, so the client sees a short but "complete" download.
  const limit = Math.floor(size * Math.max(0, fraction));
  res.writeHead(200, { "Content-Type": type });
  if (limit === 0) return void res.end();
  fs.createReadStream(file, { end: limit - 1 }).pipe(res);
}
