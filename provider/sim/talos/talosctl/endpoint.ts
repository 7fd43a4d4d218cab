/** `gen config`'s `validateClusterEndpoint` (contracts/talosctl.md §4, EXACT texts). */

function fixed(host: string, port: string): string {
  return JSON.stringify(`https://${host}:${port || "6443"}`);
}

/** Throws talosctl's error for a cluster endpoint that is not `https://host[:port]`. */
export function validateClusterEndpoint(endpoint: string): void {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(endpoint);
  if (!scheme) {
    const m = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(endpoint);
    if (!m)
      throw new Error(
        `error validating the cluster endpoint URL: parse ${JSON.stringify(endpoint)}: invalid URI for request`,
      );
    if (!m[2]) throw new Error(`no scheme and port specified for the cluster endpoint URL\ntry: ${fixed(m[1], "")}`);
    throw new Error(`no scheme specified for the cluster endpoint URL\ntry: ${fixed(m[1], m[2])}`);
  }
  if (scheme[1] !== "https") {
    const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(scheme[2]);
    throw new Error(
      `the control plane endpoint URL should have scheme https://\ntry: ${fixed(hp?.[1] ?? scheme[2], hp?.[2] ?? "")}`,
    );
  }
  try {
    new URL(endpoint);
  } catch {
    throw new Error(`error validating the cluster endpoint URL: parse ${JSON.stringify(endpoint)}: invalid URL`);
  }
}
