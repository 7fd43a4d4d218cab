/**
 * Talos Image Factory client (contracts/talosctl.md §20): schematic ids, image URLs, installer image
 * references, and an existence check before a server is wiped for an image that is not there.
 */
import { InputError, TalosHetznerError, errorMessage } from "../internal/errors";
import { RetryOptions, retry } from "../internal/retry";
import { Schematic, VANILLA_SCHEMATIC_ID, canonicalSchematicYaml, schematicId } from "./schematic";
import { imageCompression, parseTalosVersion, supportsPlatformInstaller } from "./versions";

/** A factory request failed or the factory does not have what was asked for; `status` is the HTTP status when there was one. */
export class ImageFactoryError extends TalosHetznerError {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ImageFactoryError";
  }
}

/** Transport knobs shared by the factory calls. */
export interface FactoryRequestOptions {
  /** fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Per-request timeout in ms. @default 30000 */
  timeoutMs?: number;
  /** Retry settings for 5xx/429/network failures (both calls are idempotent). @default 4 attempts from 1 s */
  retry?: RetryOptions;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The URL without credentials or trailing slash, safe for messages. */
function clean(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString().replace(/\/+$/, "");
}

function checkId(id: string, field = "schematicId"): string {
  if (!HEX64.test(id)) throw new InputError(field, `must be 64 lowercase hex characters, got ${JSON.stringify(id)}`);
  return id;
}

class RetryableStatus extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

async function request(url: string, init: RequestInit, o: FactoryRequestOptions, what: string): Promise<Response> {
  const doFetch = o.fetch ?? fetch;
  try {
    return await retry(
      async () => {
        const res = await doFetch(url, {
          ...init,
          redirect: "manual",
          signal: AbortSignal.timeout(o.timeoutMs ?? 30000),
        });
        if (res.status >= 500 || res.status === 429)
          throw new RetryableStatus(res.status, (await res.text()).slice(0, 200));
        return res;
      },
      { attempts: 4, initialMs: 1000, ...o.retry },
    );
  } catch (e) {
    const status = e instanceof RetryableStatus ? e.status : undefined;
    const detail = e instanceof RetryableStatus ? `${e.status}${e.body ? `: ${e.body.trim()}` : ""}` : errorMessage(e);
    throw new ImageFactoryError(clean(url), status, `Image Factory ${what} ${clean(url)} failed: ${detail}`, {
      cause: e,
    });
  }
}

/**
 * The schematic id to use: `schematicId` as given, the local id of an empty schematic (no request:
 * the vanilla id is well known), or the id the factory returns for `POST /schematics` (201).
 */
export async function resolveSchematicId(
  o: { factoryUrl: string; schematic?: Schematic; schematicId?: string } & FactoryRequestOptions,
): Promise<string> {
  if (o.schematicId !== undefined && o.schematic !== undefined)
    throw new InputError("schematicId", "set either schematic or schematicId, not both");
  if (o.schematicId !== undefined) return checkId(o.schematicId);
  const local = schematicId(o.schematic ?? {});
  if (local === VANILLA_SCHEMATIC_ID) return local;
  const url = `${clean(o.factoryUrl)}/schematics`;
  const res = await request(
    url,
    { method: "POST", headers: { "content-type": "application/yaml" }, body: canonicalSchematicYaml(o.schematic) },
    o,
    "POST",
  );
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) {
    throw new ImageFactoryError(
      url,
      res.status,
      `Image Factory POST ${url} failed: ${res.status}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ""}`,
    );
  }
  let id: unknown;
  try {
    id = (JSON.parse(text) as { id?: unknown }).id;
  } catch (e) {
    throw new ImageFactoryError(url, res.status, `Image Factory POST ${url} returned no JSON: ${text.slice(0, 200)}`, {
      cause: e,
    });
  }
  if (typeof id !== "string" || !HEX64.test(id))
    throw new ImageFactoryError(
      url,
      res.status,
      `Image Factory POST ${url} returned no schematic id: ${text.slice(0, 200)}`,
    );
  return id;
}

/** Options of `imageUrl`. */
export interface ImageUrlOptions {
  factoryUrl: string;
  schematicId: string;
  /** Talos version with the leading `v` (`v1.13.9`). */
  version: string;
  platform: "metal" | "hcloud";
  arch: "amd64" | "arm64";
  compression: "xz" | "zst";
}

/** `https://factory.talos.dev/image/<schematic>/<version>/<platform>-<arch>.raw.<xz|zst>`. */
export function imageUrl(o: ImageUrlOptions): string {
  parseTalosVersion(o.version, "version");
  return `${clean(o.factoryUrl)}/image/${checkId(o.schematicId)}/${o.version}/${o.platform}-${o.arch}.raw.${o.compression}`;
}

/** The official release asset `metal-<arch>.raw.xz` (≤ v1.7) or `.raw.zst` (≥ v1.8). @default base "https://github.com" */
export function releaseImageUrl(o: { version: string; arch: "amd64" | "arm64"; baseUrl?: string }): string {
  parseTalosVersion(o.version, "version");
  return `${clean(o.baseUrl ?? "https://github.com")}/siderolabs/talos/releases/download/${o.version}/metal-${o.arch}.raw.${imageCompression(o.version)}`;
}

/** The host part of a factory URL (`https://factory.talos.dev` → `factory.talos.dev`, ports kept). */
export function factoryHostOf(factoryUrl: string): string {
  return new URL(factoryUrl).host;
}

/** Installer image: `<host>/<platform>-installer/<id>:<version>` from v1.10, `<host>/installer/<id>:<version>` before. */
export function installerImage(o: {
  factoryHost: string;
  schematicId: string;
  version: string;
  platform: "metal" | "hcloud";
}): string {
  const host = o.factoryHost.includes("://") ? factoryHostOf(o.factoryHost) : o.factoryHost.replace(/\/+$/, "");
  const repo = supportsPlatformInstaller(o.version) ? `${o.platform}-installer` : "installer";
  return `${host}/${repo}/${checkId(o.schematicId)}:${o.version}`;
}

/** HEADs an image URL; 2xx or a redirect (the factory answers 302 to its CDN) means it exists, 404 throws naming the version and schematic. */
export async function checkImageExists(url: string, o: FactoryRequestOptions = {}): Promise<void> {
  const res = await request(url, { method: "HEAD" }, o, "HEAD");
  if (res.status < 400) return;
  const m = /\/image\/([0-9a-f]{64})\/([^/]+)\//.exec(new URL(url).pathname);
  const what = m ? `Talos ${m[2]} image for schematic ${m[1]}` : "image";
  const hint = res.status === 404 ? ": the version or schematic does not exist on this factory" : "";
  throw new ImageFactoryError(clean(url), res.status, `${what} not found at ${clean(url)} (${res.status})${hint}`);
}
