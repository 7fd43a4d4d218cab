/**
 * The simulated Talos Image Factory on loopback: schematics, versions, synthetic `.raw.xz`/`.raw.zst`
 * images, and GitHub-release-shaped downloads; with latency, 5xx and truncation faults.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { errorMessage } from "../../../internal/errors";
import { logLine } from "../../../internal/log";
import { FactoryScenario } from "../../scenario";
import { SimWorld } from "../../types";
import { FactoryState, getImage, getRelease, getReleaseAsset, getSchematic, postSchematic, send } from "./handlers";
import { ImageStore } from "./images";
import { registerFactory } from "./registry";
import { SchematicStore } from "./schematics";

export { imageUrl, releaseUrl } from "./paths";
export type { ImageUrlOptions, ImageExt } from "./paths";

/** Talos versions the factory knows unless the scenario says otherwise. */
export const DEFAULT_FACTORY_VERSIONS = ["v1.11.5", "v1.12.4", "v1.13.9"];
/** Realistic latency of one factory request before `latencyScale`. */
const REQUEST_LATENCY_MS = 80;
const MAX_BODY = 1024 * 1024;

/** A running factory simulator; `faults` may be changed while it runs, `requests` lists "METHOD /path" in order. */
export interface FactorySim {
  url: string;
  faults: NonNullable<FactoryScenario["faults"]>;
  requests: string[];
  stop(): Promise<void>;
}

/** Starts the factory simulator on `host` (random port). `random` drives the 5xx fault (injectable for tests). */
export async function startFactorySim(
  world: SimWorld,
  scenario: FactoryScenario,
  host: string,
  o: { random?: () => number } = {},
): Promise<FactorySim> {
  const faults = { ...(scenario.faults ?? {}) };
  const requests: string[] = [];
  const state: FactoryState = {
    versions: scenario.versions ?? DEFAULT_FACTORY_VERSIONS,
    schematics: new SchematicStore(),
    images: new ImageStore(world),
    truncateFraction: () => faults.truncateFraction ?? 1,
  };
  const random = o.random ?? Math.random;
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(state, req, res, { world, faults, random }).catch((e) => {
      logLine(`[sim factory] ${req.method} ${req.url} failed: ${errorMessage(e)}`);
      if (!res.headersSent) send(res, 500, `internal error: ${errorMessage(e)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  // Nodes validate installer images against what this factory knows (sim/talos/node/installer.ts).
  const unregister = registerFactory(world, {
    host: new URL(url).host,
    versions: state.versions,
    schematics: state.schematics,
  });
  return {
    url,
    faults,
    requests,
    stop: () =>
      new Promise((resolve) => {
        unregister();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Env {
  world: SimWorld;
  faults: FactorySim["faults"];
  random: () => number;
}

async function handle(s: FactoryState, req: http.IncomingMessage, res: http.ServerResponse, env: Env): Promise<void> {
  await env.world.delay(REQUEST_LATENCY_MS * (env.faults.latencyScale ?? 1));
  if ((env.faults.rateLimitNext ?? 0) > 0) {
    env.faults.rateLimitNext!--;
    return send(res, 429, "rate limit exceeded\n");
  }
  if (env.random() < (env.faults.error5xxRate ?? 0)) return send(res, 503, "upstream connect error\n");
  const path = new URL(req.url ?? "/", "http://factory").pathname;
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  const read = req.method === "GET" || req.method === "HEAD";
  if (path === "/schematics" && req.method === "POST") return postSchematic(s, await readBody(req), res);
  if (seg[0] === "schematics" && seg.length === 2 && req.method === "GET") return getSchematic(s, seg[1], res);
  if (path === "/versions" && req.method === "GET")
    return send(res, 200, JSON.stringify(s.versions), "application/json");
  if (seg[0] === "image" && seg.length === 4 && read) return getImage(s, seg.slice(1), req, res);
  if (path.startsWith("/siderolabs/talos/releases/download/") && seg.length === 6 && read)
    return getRelease(s, seg[4], seg[5], res);
  if (seg[0] === "_release-assets" && seg.length === 3 && read) return getReleaseAsset(s, seg[1], seg[2], req, res);
  send(res, 404, "404 page not found\n");
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
