// STUB — replaced by the machines/image work (issue #2/#3).
import { FactoryScenario } from "../scenario";
import { SimWorld } from "../types";
export async function startFactorySim(_w: SimWorld, _s: FactoryScenario, _host: string): Promise<{ url: string; stop(): Promise<void> }> {
  throw new Error("not implemented: startFactorySim");
}
