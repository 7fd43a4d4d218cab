/** `bootstrap` (§8), `kubeconfig` (§9), `health` (§10) and `etcd members|forfeit-leadership` (§16). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HealthReply } from "../node/health";
import { MemberRow } from "../node/cluster";
import { Command, RunContext, exactArgs, maxArgs, noArgs } from "./command";
import { callAll, filterReplies, secureSession, singleNode, statusText } from "./connect";
import { mergeKubeconfig } from "./kubeconfig-merge";
import { tabwriter } from "./table";

async function bootstrap(ctx: RunContext): Promise<void> {
  const s = secureSession(ctx);
  singleNode("bootstrap", s.nodes);
  if (ctx.flags.values["recover-from"])
    throw new Error("error recovering from snapshot: not supported by the simulator");
  await callAll(s.client, "Bootstrap", {}, s.nodes, "error executing bootstrap: ");
}

function kubeconfigPath(ctx: RunContext): string {
  const f = ctx.flags.values;
  if (ctx.args[0]) return ctx.args[0];
  if (!f.merge) return ctx.cwd;
  const env = ctx.env.KUBECONFIG;
  if (env) {
    const parts = env.split(path.delimiter).filter(Boolean);
    if (parts.length > 1) throw new Error("multiple kubeconfig files defined");
    return parts[0];
  }
  return path.join(ctx.env.HOME || os.homedir(), ".kube", "config");
}

async function kubeconfig(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const s = secureSession(ctx);
  singleNode("kubeconfig", s.nodes);
  const [reply] = await callAll(s.client, "Kubeconfig", {}, s.nodes, "error copying: ");
  let text = (reply.data as { kubeconfig: string }).kubeconfig;
  if (f["force-context-name"]) text = text.replace(/admin@[^\s]+$/gm, f["force-context-name"] as string);
  const raw = kubeconfigPath(ctx);
  if (raw === "-" && ctx.client.minor >= 10 && !fs.existsSync(path.resolve(ctx.cwd, "-"))) return void ctx.io.out(text);
  let file = path.resolve(ctx.cwd, path.normalize(raw));
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "kubeconfig");
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const exists = fs.existsSync(file);
  if (exists && !f.force && !f.merge)
    throw new Error(`kubeconfig file already exists, use --force to overwrite: ${JSON.stringify(file)}`);
  if (exists && f.merge) {
    const merged = mergeKubeconfig(fs.readFileSync(file, "utf8"), text, f.force as boolean);
    for (const n of merged.notices) ctx.io.out(`${n}\n`);
    text = merged.text;
  }
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

async function health(ctx: RunContext): Promise<void> {
  const f = ctx.flags.values;
  const s = secureSession(ctx);
  singleNode("health", s.nodes);
  const payload = {
    controlPlaneNodes: f["control-plane-nodes"],
    workerNodes: f["worker-nodes"],
    waitTimeoutMs: f["wait-timeout"],
  };
  const resp = await s.client.call("ClusterHealth", payload, { nodes: s.nodes }, 24 * 3600 * 1000).catch((e: Error) => {
    throw new Error(`healthcheck error: ${e.message}`);
  });
  const { ok, error } = filterReplies(resp);
  if (error) throw new Error(`healthcheck error: ${error}`);
  const reply = ok[0].data as HealthReply;
  for (const l of reply.lines) ctx.io.err(`${l}\n`);
  if (reply.error) throw new Error(`healthcheck error: ${statusText(reply.error)}`);
}

async function etcdMembers(ctx: RunContext): Promise<void> {
  const s = secureSession(ctx);
  const resp = await s.client.call("EtcdMemberList", {}, { nodes: s.nodes }).catch((e: Error) => {
    throw new Error(`error getting members: ${e.message}`);
  });
  const { ok, error } = filterReplies(resp);
  if (error && !ok.length) throw new Error(`error getting members: ${error}`);
  if (error) ctx.io.err(`WARNING: ${error}\n`);
  const rows = [["NODE", "ID", "HOSTNAME", "PEER URLS", "CLIENT URLS", "LEARNER"]];
  for (const r of ok)
    for (const m of r.data as MemberRow[])
      rows.push([r.node ?? "", m.id, m.hostname, m.peerUrls.join(","), m.clientUrls.join(","), String(m.learner)]);
  ctx.io.out(tabwriter(rows));
}

/** `etcd remove-member <id>`: hex ids (etcdresource.ParseMemberID); clients before v1.13 also take a hostname (§16, §21). */
async function removeMember(ctx: RunContext): Promise<void> {
  const arg = ctx.args[0];
  const hex = /^[0-9a-fA-F]{1,16}$/.test(arg);
  if (!hex && ctx.client.minor >= 13)
    throw new Error(`error parsing member ID: strconv.ParseUint: parsing ${JSON.stringify(arg)}: invalid syntax`);
  const s = secureSession(ctx);
  await callAll(
    s.client,
    "EtcdRemoveMemberByID",
    hex ? { memberId: arg.toLowerCase() } : { hostname: arg },
    s.nodes,
    "",
  );
}

async function forfeit(ctx: RunContext): Promise<void> {
  const s = secureSession(ctx);
  await callAll(s.client, "EtcdForfeitLeadership", {}, s.nodes, "error forfeiting leadership: ");
}

/** The commands. */
export const clusterCommands: Command[] = [
  {
    name: "bootstrap",
    short: "Bootstrap the etcd cluster on the specified node.",
    args: (a) => noArgs(a, "", "talosctl bootstrap"),
    run: bootstrap,
    flags: [
      { name: "recover-from", type: "string", usage: "recover etcd cluster from the snapshot" },
      {
        name: "recover-skip-hash-check",
        type: "bool",
        usage: "skip integrity check when recovering etcd (use when recovering from data directory copy)",
      },
    ],
  },
  {
    name: "kubeconfig",
    useArgs: "[local-path]",
    short: "Download the admin kubeconfig from the node",
    args: maxArgs(1),
    run: kubeconfig,
    flags: [
      {
        name: "force",
        short: "f",
        type: "bool",
        usage: "Force overwrite of kubeconfig if already present, force overwrite on kubeconfig merge",
      },
      { name: "force-context-name", type: "string", usage: "Force context name for kubeconfig merge" },
      { name: "merge", short: "m", type: "bool", def: true, usage: "Merge with existing kubeconfig" },
    ],
  },
  {
    name: "health",
    short: "Check cluster health",
    args: (a) => noArgs(a, "", "talosctl health"),
    run: health,
    flags: [
      { name: "wait-timeout", type: "duration", def: 20 * 60000, usage: "timeout to wait for the cluster to be ready" },
      { name: "control-plane-nodes", type: "strings", usage: "specify IPs of control plane nodes" },
      { name: "worker-nodes", type: "strings", usage: "specify IPs of worker nodes" },
      { name: "init-node", type: "string", usage: "specify IPs of init node" },
      { name: "k8s-endpoint", type: "string", usage: "use endpoint instead of kubeconfig default" },
      { name: "server", type: "bool", def: true, usage: "run server-side check" },
      { name: "run-e2e", type: "bool", usage: "run Kubernetes e2e test" },
    ],
  },
  {
    name: "etcd",
    short: "Manage etcd",
    children: [
      {
        name: "members",
        short: "Get the list of etcd cluster members",
        args: (a) => noArgs(a, "", "talosctl etcd members"),
        run: etcdMembers,
      },
      {
        name: "remove-member",
        useArgs: "<member ID>",
        short: "Remove the node from etcd cluster",
        args: exactArgs(1),
        run: removeMember,
      },
      {
        name: "forfeit-leadership",
        short: "Tell Nodes to give up etcd cluster leadership",
        args: (a) => noArgs(a, "", "talosctl etcd forfeit-leadership"),
        run: forfeit,
      },
    ],
  },
];
