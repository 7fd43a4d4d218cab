/**
 * MachineService.ImagePull (deprecated in favour of ImageService.Pull, still what `upgrade-k8s`
 * pre-pulls with): the containerd namespace must be CRI or system, as machined's
 * containerdNamespaceHelper checks; the pull itself always succeeds here (the simulator has no
 * registry to miss an image in) and is remembered on the node per namespace.
 */
import { GrpcError } from "../api";
import { TalosNode } from "../node/node";
import type { Method } from "./machine";

const NAMESPACES: Record<string, string> = { NS_CRI: "k8s.io", NS_SYSTEM: "system" };

/** Per node: the references pulled into each containerd namespace (kept while the process runs). */
const pulled = new WeakMap<TalosNode, Set<string>>();

/** The images pulled on a node, as `<containerd namespace>/<reference>`. */
export function pulledImages(node: TalosNode): string[] {
  return [...(pulled.get(node) ?? [])];
}

export const imagePull: Method = async (node, req) => {
  const ns = NAMESPACES[String(req.namespace)];
  if (!ns) throw new GrpcError("InvalidArgument", `invalid namespace ${String(req.namespace)}`);
  const set = pulled.get(node) ?? new Set<string>();
  pulled.set(node, set);
  set.add(`${ns}/${String(req.reference)}`);
  return [{}];
};
