// STUB — replaced by the Cloud simulator work (issue #2).
import { CloudScenario } from "../scenario";
import { SimWorld } from "../types";
export async function startCloudSim(_w: SimWorld, _s: CloudScenario, _host: string, _factoryUrl: string): Promise<{ url: string; token: string; stop(): Promise<void> }> {
  throw new Error("not implemented: startCloudSim");
}
