/**
 * Field rules of v1alpha1 validation that the stand-in shares with Talos's texts: the control-plane
 * endpoint and dnsDomain (ClusterConfig.Validate) and node labels (pkg/machinery/labels.Validate), all
 * from pkg/machinery at v1.13.9. Regular expressions are Talos's own patterns.
 */
import { at } from "./config-docs";
import { multierror } from "./multierror";
import { DataMap, isDataMap } from "./yaml";

const DNS_NAME = /^([a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62}){1}(\.[a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62})*[._]?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** ClusterConfig.Validate's endpoint and dnsDomain problems (the endpoint's URL decode errors are the decoder's). */
export function clusterFieldErrors(cfg: DataMap): string[] {
  const e: string[] = [];
  const endpoint = at(cfg, "cluster.controlPlane.endpoint");
  if (typeof endpoint === "string" && hostOf(endpoint) === "")
    e.push("invalid controlplane endpoint: hostname must not be blank");
  const domain = at(cfg, "cluster.network.dnsDomain");
  if (
    typeof domain === "string" &&
    domain !== "" &&
    !(domain.length - domain.split(".").length + 1 <= 255 && DNS_NAME.test(domain))
  )
    e.push(`${JSON.stringify(domain)} is not a valid DNS name`);
  return e;
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    return endpoint === "" ? "" : endpoint;
  }
}

function qualifiedNameError(key: string): string | null {
  const parts = key.split("/");
  if (parts.length > 2) return `invalid format: too many slashes: ${JSON.stringify(key)}`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === "") return `prefix cannot be empty: ${JSON.stringify(key)}`;
    if (prefix.length > 253)
      return `prefix ${JSON.stringify(prefix)} is invalid: domain name length exceeds limit of 253: ${JSON.stringify(prefix)}`;
    if (!DNS1123_SUBDOMAIN.test(prefix))
      return `prefix ${JSON.stringify(prefix)} is invalid: domain doesn't match required format: ${JSON.stringify(prefix)}`;
  }
  if (name === "") return `name cannot be empty: ${JSON.stringify(key)}`;
  if (name.length > 63) return `name is too long: ${JSON.stringify(key)} (limit is 63)`;
  return QUALIFIED_NAME.test(name) ? null : `name ${JSON.stringify(name)} is invalid`;
}

/** `invalid machine node labels: …` (keys sorted, name then value per key), or none. */
export function nodeLabelErrors(cfg: DataMap): string[] {
  const labels = at(cfg, "machine.nodeLabels");
  if (!isDataMap(labels)) return [];
  const e: string[] = [];
  for (const k of Object.keys(labels).sort()) {
    const nameErr = qualifiedNameError(k);
    if (nameErr) e.push(nameErr);
    const v = String(labels[k] ?? "");
    if (v.length > 63) e.push(`label value length exceeds limit of 63: ${JSON.stringify(v)}`);
    else if (!LABEL_VALUE.test(v)) e.push(`label value ${JSON.stringify(v)} is invalid`);
  }
  return e.length ? [`invalid machine node labels: ${multierror(e)}`] : [];
}
