/**
 * The action tracker of `reboot`/`reset`/`upgrade --wait` (non-TTY lines `"<node>": <message>` on
 * stderr): waits until the node comes back with a new boot id, or goes away for a power-off.
 */
import { isError } from "../../../internal/errors";
import { pollUntil } from "../../../internal/poll";
import { ApiClient } from "./client";
import { RunContext, SilentError } from "./command";
import { withPort } from "./global";

async function bootIdOf(node: string): Promise<string | null> {
  try {
    return (await new ApiClient({ endpoints: [withPort(node)], insecure: true }).connect(2000)).bootId;
  } catch {
    return null;
  }
}

/** Waits for every node's action to finish; prints tracker lines; throws SilentError on failure. */
export async function track(
  ctx: RunContext,
  nodes: string[],
  expect: "reboot" | "down",
  start: (node: string) => Promise<string>,
): Promise<void> {
  const timeoutMs = (ctx.flags.values.timeout as number) || 30 * 60000;
  let failed = false;
  await Promise.all(
    nodes.map(async (node) => {
      const say = (m: string) => ctx.io.err(`${JSON.stringify(node)}: ${m}\n`);
      say("waiting for actor ID");
      try {
        const before = await start(node);
        say(`actor ID: ${before}`);
        await pollUntil(
          async () => {
            const now = await bootIdOf(node);
            return (expect === "down" ? now === null : now !== null && now !== before) ? true : undefined;
          },
          { what: `${node} to ${expect === "down" ? "go down" : "reboot"}`, timeoutMs, initialMs: 50, maxMs: 500 },
        );
        say(expect === "down" ? "events check condition met" : "post check passed");
      } catch (e) {
        failed = true;
        // The real tracker prints the node's error as is; at its deadline the error is lost with the
        // cancelled context, and its last line is the reconnect it kept making (action/tracker.go, node.go).
        if (isError(e, "DeadlineError")) say("unavailable, retrying...");
        else say((e as Error).message);
      }
    }),
  );
  if (failed) throw new SilentError("tracker failed");
}
