/** What a Robot simulator handler receives and returns. */
import { PhpArray } from "./form";
import { RobotSimState } from "./state";

/** One authenticated, rate-limited request, parsed. */
export interface RobotCall {
  method: string;
  /** Path parameters by name (`{n}` → params.n). */
  params: Record<string, string>;
  /** Form body with PHP array semantics. */
  form: PhpArray;
  query: URLSearchParams;
  state: RobotSimState;
}

/** A handler's answer: status 200 unless given; no body means an empty response ("No output" in the doc). */
export interface RobotReply {
  status?: number;
  body?: unknown;
}

/** A request handler; throws RobotSimError for error answers. */
export type RobotHandler = (call: RobotCall) => RobotReply | Promise<RobotReply>;
