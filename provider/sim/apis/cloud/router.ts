/** Route table of the Cloud API simulator, keyed by the spec's path templates ("/servers/{id}"). */

/** A parsed request as handlers see it. */
export interface SimRequest {
  method: string;
  /** The spec path template that matched, e.g. "/servers/{id}/actions/poweron". */
  template: string;
  /** Path parameters by name ("id" → "42"). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when there is none). */
  body: unknown;
  /** Absolute URL of the request (for Link headers). */
  url: URL;
}

/** What a handler answers; `body` undefined means no content (204). */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request handler. */
export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  template: string;
  segments: string[];
  handler: Handler;
}

/** Result of matching a path: the route, or only the knowledge that the path exists with other methods. */
export type RouteMatch =
  | { kind: "found"; template: string; params: Record<string, string>; handler: Handler }
  | { kind: "method_not_allowed" }
  | { kind: "not_found" };

/** Maps (method, path) to handlers; literal segments win over `{param}` segments. */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers a handler for a spec path template. */
  add(method: string, template: string, handler: Handler): this {
    this.routes.push({ method, template, segments: template.split("/").filter(Boolean), handler });
    return this;
  }

  /** Finds the most specific route for a path (relative to /v1). */
  match(method: string, path: string): RouteMatch {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    let pathExists = false;
    for (const route of this.routes) {
      const m = matchSegments(route.segments, parts);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method) continue;
      if (!best || m.literals > best.literals) best = { route, ...m };
    }
    if (best) return { kind: "found", template: best.route.template, params: best.params, handler: best.route.handler };
    return { kind: pathExists ? "method_not_allowed" : "not_found" };
  }
}

function matchSegments(
  segments: string[],
  parts: string[],
): { params: Record<string, string>; literals: number } | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  let literals = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg.startsWith("{") && seg.endsWith("}")) params[seg.slice(1, -1)] = parts[i];
    else if (seg === parts[i]) literals++;
    else return undefined;
  }
  return { params, literals };
}
