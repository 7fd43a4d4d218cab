/**
 * One Robot request through small single-purpose steps: body → auth → route → faults →
 * rate limit → latency → handler → JSON envelope. Every answer is recorded for tests.
 */
import { IncomingMessage, ServerResponse } from "http";
import { text } from "stream/consumers";
import { RobotScenario } from "../../scenario";
import { RobotReply } from "./call";
import { RobotSimError, UNAUTHORIZED } from "./errors";
import { parsePhpForm } from "./form";
import { BLOCKED_BODY, LoginGuard } from "./login-guard";
import { RobotRateLimiter } from "./ratelimit";
import { RobotRoute, matchRoute } from "./router";
import { RobotSimState } from "./state";

/** Realistic latency of one request, ms (scaled by world.timeScale and faults.latencyScale). */
export const REQUEST_LATENCY_MS = 100;

/** One answered request (never the body: it may carry a rescue password). */
export interface RobotRequestRecord {
  method: string;
  path: string;
  status: number;
}

/** What the request pipeline needs. */
export interface RobotPipeline {
  scenario: RobotScenario;
  state: RobotSimState;
  limiter: RobotRateLimiter;
  logins: LoginGuard;
  random: () => number;
  requests: RobotRequestRecord[];
}

/** Answers one HTTP request. */
export async function serveRobot(p: RobotPipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://robot.invalid");
  let reply: Required<Pick<RobotReply, "status">> & RobotReply & { plain?: string };
  const ip = req.socket.remoteAddress ?? "";
  try {
    const body = await text(req);
    const plain = plainRefusal(p, ip);
    if (plain) {
      p.requests.push({ method, path: url.pathname, status: plain.status });
      return void res.writeHead(plain.status, { "content-type": "text/plain; charset=utf-8" }).end(plain.text);
    }
    if (!authorized(req, p.scenario)) {
      p.logins.failed(ip);
      throw UNAUTHORIZED;
    }
    p.logins.succeeded(ip);
    const { route, params } = matchRoute(method, url.pathname);
    admit(p, route);
    await p.state.delay(REQUEST_LATENCY_MS);
    const r = await route.handler({
      method,
      params,
      form: parsePhpForm(body),
      query: url.searchParams,
      state: p.state,
    });
    reply = { status: r.status ?? 200, body: r.body };
  } catch (e) {
    const err =
      e instanceof RobotSimError
        ? e
        : new RobotSimError(500, "INTERNAL_ERROR", `simulator bug: ${(e as Error).message}`);
    reply = { status: err.status, body: err.body() };
  }
  p.requests.push({ method, path: url.pathname, status: reply.status });
  send(res, reply.status, reply.body);
}

/** Answers Robot sends without its JSON envelope: the login block and maintenance. */
function plainRefusal(p: RobotPipeline, ip: string): { status: number; text: string } | undefined {
  if (p.logins.blocked(ip)) return { status: 403, text: BLOCKED_BODY };
  const faults = p.state.faults;
  if ((faults.maintenanceNext ?? 0) <= 0) return undefined;
  faults.maintenanceNext!--;
  return { status: 503, text: "503 Service Unavailable: the Robot webservice is in maintenance\n" };
}

/** Applies the fault knobs, then the route's hourly bucket. */
function admit(p: RobotPipeline, route: RobotRoute): void {
  const faults = p.state.faults;
  if ((faults.rateLimitNext ?? 0) > 0) {
    faults.rateLimitNext!--;
    throw p.limiter.exceeded(route.limitPerHour);
  }
  p.limiter.take(route.bucket, route.limitPerHour);
  if (p.random() < (faults.error5xxRate ?? 0)) throw new RobotSimError(500, "INTERNAL_ERROR", "Internal error");
}

function authorized(req: IncomingMessage, scenario: RobotScenario): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return m !== null && Buffer.from(m[1], "base64").toString("utf8") === `${scenario.user}:${scenario.password}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = body === undefined ? "" : JSON.stringify(body);
  const headers: Record<string, string | number> = { "content-length": Buffer.byteLength(payload) };
  if (payload) headers["content-type"] = "application/json; charset=utf-8";
  if (status === 401) headers["www-authenticate"] = 'Basic realm="Robot Webservice"';
  res.writeHead(status, headers).end(payload);
}
