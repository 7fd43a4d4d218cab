/**
 * The Hetzner Cloud API simulator: an HTTP server on loopback, stateful (servers on SimMachines, actions
 * over simulated time, images, SSH keys, firewalls), every body validated against the official OpenAPI document.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { CloudScenario } from "../../scenario";
import { ServiceFaults, SimWorld } from "../../types";
import { Router } from "./router";
import { SpecValidator } from "./validation";
import { RateLimiter } from "./ratelimit";
import { CloudState } from "./state";
import { ActionRunner, registerActionRoutes } from "./actions";
import { PipelineDeps, RequestRecord, Violation, handleRequest } from "./http";
import { registerServerRoutes } from "./servers";
import { registerServerActionRoutes } from "./server-actions";
import { registerImageRoutes, seedSystemImages } from "./images";
import { registerSshKeyRoutes } from "./ssh-keys";
import { registerFirewallRoutes } from "./firewalls";
import { registerCatalogRoutes } from "./catalog-routes";

export type { Violation, RequestRecord } from "./http";

/** Options beyond the scenario. */
export interface CloudSimOptions {
  /** Answer 500 when a response violates the OpenAPI document (else only record it). @default true */
  strict?: boolean;
  /** Random source for injected 5xx. @default Math.random */
  random?: () => number;
  /** Validators to share between simulators (compiled schemas are cached there). @default one per process */
  validator?: SpecValidator;
}

/** A running Cloud API simulator. */
export interface CloudSim {
  /** Base URL without the API version, e.g. "http://127.0.0.1:41234"; the API is under `${url}/v1`. */
  url: string;
  /** `${url}/v1`, what clients take as their endpoint (HCLOUD_ENDPOINT). */
  endpoint: string;
  token: string;
  /** Fault knobs, changeable while running. */
  faults: ServiceFaults;
  /** Responses that failed OpenAPI validation (should stay empty). */
  violations: Violation[];
  /** The last 10 000 requests answered, in order. */
  requests: RequestRecord[];
  /** The simulated project, for tests that inspect it. */
  state: CloudState;
  stop(): Promise<void>;
}

let sharedValidator: SpecValidator | undefined;

/** Starts the Cloud API simulator for a scenario on `host` (a free port). */
export async function startCloudSim(
  world: SimWorld,
  scenario: CloudScenario,
  host: string,
  _factoryUrl: string,
  options: CloudSimOptions = {},
): Promise<CloudSim> {
  const faults: ServiceFaults = { ...(scenario.faults ?? {}) };
  const state = new CloudState(world, scenario, faults);
  seedSystemImages(state);
  const router = buildRouter(state);
  const deps: PipelineDeps = {
    router,
    state,
    token: scenario.token,
    strict: options.strict ?? true,
    violations: [],
    requests: [],
    validator: options.validator ?? (sharedValidator ??= new SpecValidator()),
    limiter: RateLimiter.scaled(scenario.rateLimitPerHour ?? 3600, world.timeScale),
    random: options.random ?? Math.random,
    injected5xx: 0,
  };
  const server = http.createServer((req, res) => {
    handleRequest(deps, req, res).catch((e) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const url = `http://${formatHost(host)}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpoint: `${url}/v1`,
    token: scenario.token,
    faults,
    violations: deps.violations,
    requests: deps.requests,
    state,
    async stop() {
      state.stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function buildRouter(state: CloudState): Router {
  const router = new Router();
  const runner = new ActionRunner(state);
  registerActionRoutes(router, state);
  registerServerRoutes(router, state, runner);
  registerServerActionRoutes(router, state, runner);
  registerImageRoutes(router, state);
  registerSshKeyRoutes(router, state);
  registerFirewallRoutes(router, state, runner);
  registerCatalogRoutes(router, state);
  return router;
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
