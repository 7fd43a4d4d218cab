/**
 * The builder's temporary Cloud firewall (issue 16, item 1): a builder boots straight into the
 * rescue system, whose SSH would otherwise answer the whole internet while the image is written.
 * With admin CIDRs the build creates a firewall admitting only SSH from them (Cloud firewalls are
 * stateful: the download's replies and outbound traffic pass), attaches it at the builder's
 * creation, and removes it in the same cleanup as the builder, after it.
 */
import { CloudClient, isCloudNotFound } from "../../hetzner/cloud";
import { normalizeSources } from "../../internal/cidr";
import { Temporaries } from "./cleanup";
import { BuildLock, tempLabels } from "./lock";
import { RunContext } from "./plan";

/** Creates the firewall when the plan has admin CIDRs, recording it in `t` for cleanup; its id, or undefined. */
export async function createBuilderFirewall(
  c: RunContext,
  lock: BuildLock,
  t: Temporaries,
): Promise<number | undefined> {
  const cidrs = c.plan.adminCidrs;
  if (cidrs.length === 0) {
    c.log.warn("adminCidrs is not set: the builder's rescue SSH answers any address while the image is written");
    return undefined;
  }
  const sources = normalizeSources("adminCidrs", cidrs);
  const r = await c.deps.cloud.firewalls.create({
    name: `talos-image-${lock.runId}`,
    labels: tempLabels(lock.runId, c.plan.imageKey),
    rules: [{ direction: "in", protocol: "tcp", port: "22", source_ips: sources, description: "ssh admins" }],
  });
  t.firewallId = r.firewall.id;
  c.log.info(`firewall ${r.firewall.id} admits SSH to the builder only from ${sources.join(", ")}`);
  return r.firewall.id;
}

/** Deletes a firewall; one already gone counts as deleted. */
export async function deleteFirewall(cloud: CloudClient, id: number): Promise<"deleted" | "gone"> {
  try {
    await cloud.firewalls.delete(id);
    return "deleted";
  } catch (e) {
    if (isCloudNotFound(e)) return "gone";
    throw e;
  }
}
