// STUB — replaced by the Robot simulator work (issue #2).
import { RobotScenario } from "../scenario";
import { SimWorld } from "../types";
export async function startRobotSim(_w: SimWorld, _s: RobotScenario, _host: string): Promise<{ url: string; user: string; password: string; stop(): Promise<void> }> {
  throw new Error("not implemented: startRobotSim");
}
