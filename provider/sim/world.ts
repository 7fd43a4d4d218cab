// STUB — replaced by the machines work (issue #3).
import { SimWorld } from "./types";
export interface World extends SimWorld { close(): Promise<void>; }
export async function createWorld(_o: { timeScale: number; stateDir: string }): Promise<World> {
  throw new Error("not implemented: createWorld");
}
