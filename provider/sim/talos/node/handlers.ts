/** The node API's method table (method name → handler). */
import { applyConfiguration } from "./apply";
import { Auth } from "./auth";
import { bootstrap, etcdForfeit, etcdMembers, etcdRemoveMember, kubeconfig } from "./cluster";
import { clusterHealth } from "./health";
import { reboot, reset, version } from "./lifecycle";
import { imagePull, upgrade } from "./upgrade";
import { TalosNode } from "./node";
import { getResources } from "./resources";

/** A method implementation. */
export type Handler = (node: TalosNode, payload: unknown, auth: Auth) => Promise<unknown>;

/** Every method the simulated apid serves. */
export const HANDLERS: Record<string, Handler> = {
  ApplyConfiguration: applyConfiguration,
  Bootstrap: bootstrap,
  ClusterHealth: clusterHealth,
  EtcdMemberList: etcdMembers,
  EtcdForfeitLeadership: etcdForfeit,
  EtcdRemoveMemberByID: etcdRemoveMember,
  Get: getResources,
  ImagePull: imagePull,
  Kubeconfig: kubeconfig,
  Reboot: reboot,
  Reset: reset,
  Upgrade: upgrade,
  Version: version,
};
