// STUB — replaced by the Talos node / talosctl work (issue #3).
import { SimWorld } from "../types";
export function installTalosRuntime(_w: SimWorld): void {}
export function talosctlPath(): string { return ""; }
