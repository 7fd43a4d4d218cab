/** Checks of render inputs that must fail before any process is spawned. */
import { InputError } from "../../internal/errors";

function suggestion(hostPort: string): string {
  const hasPort = /:\d+$/.test(hostPort) || /^\[.*\]:\d+$/.test(hostPort);
  return JSON.stringify(`https://${hostPort}${hasPort ? "" : ":6443"}`);
}

/**
 * Validates the cluster endpoint like `talosctl gen config` (`validateClusterEndpoint`, contract §4 EXACT texts):
 * it needs the `https://` scheme and a port.
 */
export function validateClusterEndpoint(endpoint: string): void {
  const e = String(endpoint ?? "").trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(e);
  if (!scheme) {
    const noPort = !/:\d+$/.test(e);
    const what = noPort ? "no scheme and port specified" : "no scheme specified";
    throw new InputError("endpoint", `${what} for the cluster endpoint URL\ntry: ${suggestion(e)}`);
  }
  const rest = e.slice(scheme[0].length).replace(/\/.*$/, "");
  if (scheme[1].toLowerCase() !== "https") {
    throw new InputError(
      "endpoint",
      `the control plane endpoint URL should have scheme https://\ntry: ${suggestion(rest)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(e);
  } catch {
    throw new InputError("endpoint", `error validating the cluster endpoint URL: invalid URL ${JSON.stringify(e)}`);
  }
  // new URL drops the default port 443, so read the port from the text.
  if (!/:\d+$/.test(rest) || url.hostname === "") {
    throw new InputError(
      "endpoint",
      `error validating the cluster endpoint URL: no port specified\ntry: ${suggestion(rest)}`,
    );
  }
}

/** Validates a node role. */
export function validateRole(role: unknown): asserts role is "controlplane" | "worker" {
  if (role !== "controlplane" && role !== "worker") {
    throw new InputError("role", `must be "controlplane" or "worker", got ${JSON.stringify(role)}`);
  }
}
