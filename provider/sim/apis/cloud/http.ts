/**
 * The request pipeline of the Cloud API simulator: latency → rate limit → auth → injected 5xx → route →
 * request validation → handler → response validation → send. Every response carries the RateLimit headers.
 */
import { IncomingMessage, ServerResponse } from "http";
import { Router, SimResponse } from "./router";
import { SpecValidator, ValidationIssue, describeIssues } from "./validation";
import { RateLimiter } from "./ratelimit";
import { CloudState } from "./state";
import { SimApiError } from "./errors";

/** A response body that failed OpenAPI validation: a simulator bug. */
export interface Violation {
  method: string;
  path: string;
  template: string;
  status: number;
  issues: string;
}

/** One request as the simulator saw it (for tests that script request sequences). */
export interface RequestRecord {
  method: string;
  /** Path below /v1 with the query string. */
  path: string;
  status: number;
}

/** What the pipeline needs. */
export interface PipelineDeps {
  router: Router;
  validator: SpecValidator;
  limiter: RateLimiter;
  state: CloudState;
  token: string;
  /** Answer 500 when a response fails validation. */
  strict: boolean;
  violations: Violation[];
  requests: RequestRecord[];
  random: () => number;
  /** How many 5xx were injected so far (picks the next status). */
  injected5xx: number;
}

/** How many requests the log keeps (a long demo run must not grow it without bound). */
const REQUEST_LOG_LIMIT = 10_000;
/** Realistic API latency per request, scaled by world.timeScale and faults.latencyScale. */
const REQUEST_LATENCY_MS = 60;
const INJECTED_5XX: [number, string, string][] = [
  [502, "bad_gateway", "The request could not be answered by the API backend, please retry"],
  [503, "unavailable", "A service or product is currently not available"],
  [504, "timeout", "The request could not be answered in time, please retry"],
];

/** Handles one HTTP request end to end. */
export async function handleRequest(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const method = req.method ?? "GET";
  await deps.state.world.delay(REQUEST_LATENCY_MS * (deps.state.faults.latencyScale ?? 1));
  const forced429 = takeForced429(deps);
  let out: SimResponse;
  try {
    if (forced429) throw rateLimited();
    gate(deps, req.headers.authorization);
    out = await route(deps, method, url, raw);
  } catch (e) {
    out = errorResponse(e);
  }
  const headers = { ...deps.limiter.headers(forced429), ...(out.headers ?? {}) };
  if (deps.requests.length >= REQUEST_LOG_LIMIT) deps.requests.shift();
  deps.requests.push({ method, path: url.pathname.replace(/^\/v1/, "") + url.search, status: out.status });
  if (out.body === undefined) {
    res.writeHead(out.status, headers).end();
    return;
  }
  res.writeHead(out.status, { ...headers, "Content-Type": "application/json" }).end(JSON.stringify(out.body));
}

/** Consumes one of the 429s the fault knob `rateLimitNext` asks for; true when this request gets one. */
function takeForced429(deps: PipelineDeps): boolean {
  const faults = deps.state.faults;
  if ((faults.rateLimitNext ?? 0) <= 0) return false;
  faults.rateLimitNext = (faults.rateLimitNext ?? 0) - 1;
  return true;
}

/** Rate limit (all requests, authenticated or not, per spec), then auth, then injected 5xx. */
function gate(deps: PipelineDeps, authorization: string | undefined): void {
  const faults = deps.state.faults;
  if (!deps.limiter.take()) throw rateLimited();
  if (authorization !== `Bearer ${deps.token}`) throw new SimApiError(401, "unauthorized", "unable to authenticate");
  if ((faults.error5xxRate ?? 0) > 0 && deps.random() < (faults.error5xxRate ?? 0)) {
    // Cycles 502 → 503 → 504 so a test knows which one comes next.
    const [status, code, message] = INJECTED_5XX[deps.injected5xx++ % 3];
    throw new SimApiError(status, code, message);
  }
}

async function route(deps: PipelineDeps, method: string, url: URL, raw: string): Promise<SimResponse> {
  const match = url.pathname.startsWith("/v1/")
    ? deps.router.match(method, url.pathname.slice(3))
    : { kind: "not_found" as const };
  if (match.kind === "not_found") throw new SimApiError(404, "not_found", `no such API path: ${url.pathname}`);
  if (match.kind === "method_not_allowed")
    throw new SimApiError(405, "method_not_allowed", `method ${method} is not allowed on ${url.pathname}`);
  const body = parseJson(raw);
  const issues = [
    ...deps.validator.query(match.template, method, url.searchParams),
    ...deps.validator.requestBody(match.template, method, body),
  ];
  if (issues.length) throw invalidRequest(issues);
  const once = deps.state.faults.unavailableOnce ?? [];
  const hit = once.indexOf(`${method} ${match.template}`);
  if (hit >= 0) {
    once.splice(hit, 1);
    throw new SimApiError(503, INJECTED_5XX[1][1], INJECTED_5XX[1][2]);
  }
  let out: SimResponse;
  try {
    out = await match.handler({
      method,
      template: match.template,
      params: match.params,
      query: url.searchParams,
      body,
      url,
    });
  } catch (e) {
    out = errorResponse(e);
  }
  return checkResponse(deps, method, url, match.template, out);
}

function checkResponse(deps: PipelineDeps, method: string, url: URL, template: string, out: SimResponse): SimResponse {
  const issues = deps.validator.responseBody(template, method, out.status, out.body);
  if (!issues.length) return out;
  const text = describeIssues(issues);
  deps.violations.push({ method, path: url.pathname + url.search, template, status: out.status, issues: text });
  if (!deps.strict) return out;
  return errorResponse(
    new SimApiError(
      500,
      "server_error",
      `simulator response for ${method} ${template} (${out.status}) violates the OpenAPI document: ${text}`,
    ),
  );
}

function errorResponse(e: unknown): SimResponse {
  if (e instanceof SimApiError) return { status: e.status, body: e.envelope() };
  return {
    status: 500,
    body: new SimApiError(500, "server_error", `simulator error: ${(e as Error).message}`).envelope(),
  };
}

function invalidRequest(issues: ValidationIssue[]): SimApiError {
  const first = issues[0];
  return new SimApiError(422, "invalid_input", `invalid input in field '${first.field}': ${first.message}`, {
    fields: issues.map((i) => ({ name: i.field, messages: [i.message] })),
  });
}

function rateLimited(): SimApiError {
  return new SimApiError(429, "rate_limit_exceeded", "rate limit exceeded");
}

function parseJson(raw: string): unknown {
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new SimApiError(400, "json_error", `invalid JSON in request body: ${(e as Error).message}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
