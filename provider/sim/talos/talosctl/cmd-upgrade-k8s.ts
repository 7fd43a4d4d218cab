/**
 * `upgrade-k8s` (contracts/talosctl.md §14; pkg/cluster/kubernetes/{talos_managed,kubelet}.go): one node;
 * nodes found through its discovery members, `--from` detected as the lowest kubelet version, the path
 * checked, then each component's image patched into every node's config (a no-reboot apply, so active
 * and persistent) with Talos's progress lines on stdout. Not emulated: image pre-pulls, pod/kubelet
 * health waits and the bootstrap-manifest sync.
 */
import { WireResource } from "../node/resources";
import { isV1alpha1 } from "../config-docs";
import { DataMap, encodeDocs, isDataMap, parseDocs } from "../yaml";
import { TalosVersion, atLeast, defaultKubernetesVersion } from "../versions";
import { Command, RunContext, noArgs } from "./command";
import { Session, callNode, secureSession, singleNode } from "./connect";
import { FlagDef } from "./flags";
import {
  Component,
  KUBELET,
  PROXY,
  STATIC_PODS,
  imageOf,
  parseKubeVersion,
  pathProblem,
  setImage,
  tagVersion,
} from "./k8s-path";

interface Run {
  ctx: RunContext;
  s: Session;
  from: string;
  to: string;
  dry: boolean;
  say: (line: string) => void;
}

const call = (s: Session, node: string, method: string, payload: unknown) => callNode(s.client, method, payload, node);

async function readConfig(s: Session, node: string): Promise<{ docs: DataMap[]; v1: DataMap }> {
  const [mc] = (await call(s, node, "Get", {
    type: "MachineConfigs.config.talos.dev",
    id: "v1alpha1",
  })) as WireResource[];
  const docs = parseDocs(mc.spec as string).filter(isDataMap);
  return { docs, v1: docs.find(isV1alpha1) ?? {} };
}

/** Control-plane and worker IPs from the node's discovery members, in Kubernetes node-name order. */
async function discover(s: Session, node: string): Promise<{ cps: string[]; workers: string[] }> {
  const members = ((await call(s, node, "Get", { type: "Members.cluster.talos.dev" })) as WireResource[])
    .map((m) => m.spec as { hostname: string; addresses: string[]; machineType: string })
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
  const ips = (types: string[]) => members.filter((m) => types.includes(m.machineType)).map((m) => m.addresses[0]);
  return { cps: ips(["controlplane", "init"]), workers: ips(["worker"]) };
}

async function lowestKubelet(s: Session, nodes: string[]): Promise<string> {
  const versions = await Promise.all(
    nodes.map(async (n) => parseKubeVersion(tagVersion(imageOf((await readConfig(s, n)).v1, KUBELET)))),
  );
  const known = versions
    .filter((v): v is NonNullable<typeof v> => v !== null)
    .sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch);
  if (!known.length) throw new Error("no kubelet versions found");
  return known[0].text;
}

/** Patches one component on one node; returns whether its image changed (`errUpdateSkipped` otherwise). */
async function patchNode(
  r: Run,
  node: string,
  c: Component,
  image: string,
  fail: (e: unknown, step: string) => never,
  quiet = false,
): Promise<boolean> {
  const cfg = await readConfig(r.s, node).catch((e) =>
    fail(e, c.service === "kubelet" ? "error watching service" : "error watching service configuration"),
  );
  const old = imageOf(cfg.v1, c);
  const target = `${image}:v${r.to}`;
  if (old === target) return false;
  if (!quiet) r.say(` > update ${c.service}: ${tagVersion(old) || r.from} -> ${r.to}`);
  if (r.dry) {
    r.say(" > skipped in dry-run");
    return false;
  }
  setImage(cfg.v1, c, target);
  await call(r.s, node, "ApplyConfiguration", { data: encodeDocs(cfg.docs), mode: "no-reboot", dryRun: false }).catch(
    (e) => fail(e, "error patching node config"),
  );
  return true;
}

async function component(r: Run, c: Component, nodes: string[], header: string, wrap: string): Promise<void> {
  r.say(header);
  const image = (r.ctx.flags.values[FLAG_OF[c.service]] as string | undefined) || c.image;
  for (const node of nodes) {
    const fail = (e: unknown, step: string): never => {
      throw new Error(`${wrap}error updating node ${JSON.stringify(node)}: ${step}: ${(e as Error).message}`);
    };
    r.say(` > ${JSON.stringify(node)}: starting update`);
    if (c === PROXY) {
      // patchKubeProxy logs only the dry-run line and patches without an update line.
      if (r.dry) r.say(" > skipped in dry-run");
      else await patchNode(r, node, c, image, fail, true);
      continue;
    }
    const changed = await patchNode(r, node, c, image, fail);
    if (r.dry) continue;
    r.say(` > ${JSON.stringify(node)}: machine configuration patched`);
    if (c === KUBELET && changed) r.say(` > ${JSON.stringify(node)}: waiting for kubelet restart`);
    r.say(
      c === KUBELET
        ? ` > ${JSON.stringify(node)}: waiting for node update`
        : ` > ${JSON.stringify(node)}: waiting for ${c.service} pod update`,
    );
    r.say(` < ${JSON.stringify(node)}: successfully updated`);
  }
}

const goList = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;

async function upgradeK8s(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const s = secureSession(ctx);
  singleNode("upgrade-k8s", s.nodes);
  const say = (line: string) => ctx.io.out(`${line}\n`);
  const { cps, workers } = await discover(s, s.nodes[0]).catch((e: Error) => {
    throw new Error(`error fetching controlplane nodes: ${e.message}`);
  });
  let from = f.from as string;
  if (!from) {
    from = await lowestKubelet(s, [...cps, ...workers]).catch((e: Error) => {
      throw new Error(`error detecting the lowest Kubernetes version ${e.message}`);
    });
    say(`automatically detected the lowest Kubernetes version ${from}`);
  }
  const fromV = parseKubeVersion(from);
  const toV = parseKubeVersion(f.to as string);
  if (!fromV || !toV)
    throw new Error(
      `error creating upgrade path Invalid character(s) found in version ${JSON.stringify(!fromV ? from : f.to)}`,
    );
  const problem = pathProblem(fromV, toV);
  if (problem) throw new Error(problem);
  if (!cps.length) throw new Error("no controlplane nodes discovered");
  say(`discovered controlplane nodes ${goList(cps)}`);
  if (f["upgrade-kubelet"]) say(`discovered worker nodes ${goList(workers)}`);
  const r: Run = { ctx, s, from: fromV.text, to: toV.text, dry: f["dry-run"] as boolean, say };
  for (const c of STATIC_PODS)
    await component(
      r,
      c,
      cps,
      `updating ${JSON.stringify(c.service)} to version ${JSON.stringify(r.to)}`,
      `failed updating service ${JSON.stringify(c.service)}: `,
    );
  await component(
    r,
    PROXY,
    cps,
    `updating kube-proxy to version ${JSON.stringify(r.to)}`,
    "failed updating kube-proxy: ",
  );
  if (f["upgrade-kubelet"])
    await component(
      r,
      KUBELET,
      [...cps, ...workers],
      `updating kubelet to version ${JSON.stringify(r.to)}`,
      "failed upgrading kubelet: ",
    );
  else say("skipped updating kubelet");
}

const FLAG_OF: Record<string, string> = {
  "kube-apiserver": "apiserver-image",
  "kube-controller-manager": "controller-manager-image",
  "kube-scheduler": "scheduler-image",
  "kube-proxy": "proxy-image",
  kubelet: "kubelet-image",
};

function flags(client: TalosVersion): FlagDef[] {
  const img = (name: string, def: string, usage: string): FlagDef => ({ name, type: "string", def, usage });
  return [
    { name: "from", type: "string", usage: "the Kubernetes control plane version to upgrade from" },
    {
      name: "to",
      type: "string",
      def: defaultKubernetesVersion(client),
      usage: "the Kubernetes control plane version to upgrade to",
    },
    { name: "endpoint", type: "string", usage: "the cluster control plane endpoint" },
    { name: "dry-run", type: "bool", usage: "skip the actual upgrade and show the upgrade plan instead" },
    { name: "pre-pull-images", type: "bool", def: true, usage: "pre-pull images before upgrade" },
    { name: "upgrade-kubelet", type: "bool", def: true, usage: "upgrade kubelet service" },
    { name: "with-docs", type: "bool", def: true, usage: "patch all machine config fields with documentation" },
    { name: "with-examples", type: "bool", def: true, usage: "patch all machine config fields with examples" },
    img("kubelet-image", KUBELET.image, "kubelet image to use"),
    img("apiserver-image", STATIC_PODS[0].image, "kube-apiserver image to use"),
    img("controller-manager-image", STATIC_PODS[1].image, "kube-controller-manager image to use"),
    img("scheduler-image", STATIC_PODS[2].image, "kube-scheduler image to use"),
    ...(atLeast(client, 1, 7)
      ? [
          img("proxy-image", PROXY.image, "kube-proxy image to use"),
          {
            name: "manifests-force",
            type: "bool",
            usage: "force manifest sync (replace conflicting objects)",
          } as FlagDef,
          { name: "manifests-no-prune", type: "bool", usage: "do not prune manifests" } as FlagDef,
          img("manifests-inventory-policy", "AdoptIfNoInventory", "inventory policy for manifests sync"),
          {
            name: "manifests-reconcile-timeout",
            type: "duration",
            def: 5 * 60000,
            usage: "timeout for manifests reconcile",
          } as FlagDef,
        ]
      : []),
  ];
}

/** The `upgrade-k8s` command of a client version. */
export function upgradeK8sCommand(client: TalosVersion): Command {
  return {
    name: "upgrade-k8s",
    short: "Upgrade Kubernetes control plane in the Talos cluster.",
    args: (a) => noArgs(a, "", "talosctl upgrade-k8s"),
    run: upgradeK8s,
    flags: flags(client),
  };
}
