/** The drain step shared by the roll, the graceful reboot and the removal: find the node in Kubernetes, or say why not. */
import { RollContext, inStep } from "./context";
import { KubeHandle, openKube } from "./kube";

/** The node's Kubernetes handle; undefined (with a warning) when `drain` is false or there is no Kubernetes node (API not serving yet, node never registered). */
export async function kubeHandleOf(ctx: RollContext): Promise<KubeHandle | undefined> {
  if (ctx.inputs.drain === false) return undefined;
  const found = await inStep(ctx, "finding the Kubernetes node", () => openKube(ctx, ctx.inputs.role));
  if (!("absent" in found)) return found;
  ctx.log.warn(`not draining: ${found.absent}`);
  return undefined;
}

/** Logs the step `title` (or that it is skipped because `drain` is false) and opens the handle. */
export async function openDrainable(ctx: RollContext, title: string): Promise<KubeHandle | undefined> {
  ctx.log.step(ctx.inputs.drain === false ? `${title}: skipped (drain is false)` : title);
  return kubeHandleOf(ctx);
}
