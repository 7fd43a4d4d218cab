/** Types of the program runner: options, registrations, recorded state and the plan it reports. */
import type { Driver } from "./driver";
import { Props } from "./values";

/** A stack config value: plain, or `{ secret }` for values stored encrypted and passed as secrets. */
export type ConfigValue = string | { secret: string };

/** What one operation does. */
export type Operation = "preview" | "up" | "destroy";

/** Options of `runProgram`. */
export interface RunOptions {
  /** The Pulumi program: a function returning stack outputs, or a directory/file to require. */
  program: (() => Promise<Record<string, unknown>> | Record<string, unknown> | void) | string;
  /** Stack name. @default "dev" */
  stack?: string;
  /** Project name (config keys without a namespace get it). @default "project" */
  project?: string;
  /** Stack config, keys with or without namespace (`hcloud:token`, `clusterName`). */
  config?: Record<string, ConfigValue>;
  /** Where state is kept between runs (JSON, secrets encrypted). */
  stateFile: string;
  operation: Operation;
  /** Passphrase for secrets in the state file. @default process.env.PULUMI_CONFIG_PASSPHRASE */
  passphrase?: string;
  /** Receives every progress and plan line. @default console.log */
  log?: (line: string) => void;
  /** Directory the dynamic-provider host runs in. @default the program directory, else process.cwd() */
  cwd?: string;
  /** Extra environment for the dynamic-provider host. */
  env?: NodeJS.ProcessEnv;
  /** First interval between polls of Cloud actions, in ms (grows ×1.5). @default 500, like hcloud-go */
  pollIntervalMs?: number;
  /**
   * Replaces how resources of a type are executed (a stub for tests of a program's plan and ordering):
   * a driver for the type, or undefined for the runner's own (the dynamic-provider host, the Cloud API).
   */
  drivers?: (type: string) => Driver | undefined;
}

/** One resource registration, as the SDK sent it (inputs in wire form: secrets wrapped, unknowns as the sentinel). */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  inputs: Props;
  parent?: string;
  dependencies: string[];
  additionalSecretOutputs: string[];
  deleteBeforeReplace?: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
}

/** A resource in the state: plain values, with the top-level keys that are secret. */
export interface ResourceState {
  urn: string;
  type: string;
  custom: boolean;
  id: string;
  inputs: Props;
  outputs: Props;
  secretKeys: string[];
  dependencies: string[];
  parent?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  /** Reasons of a create/update that failed after the object existed; forces an update next time. */
  initErrors?: string[];
}

/** The step taken (or planned) for one resource. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same";

/** One line of the plan. */
export interface PlanEntry {
  urn: string;
  op: StepOp;
  /** Top-level input keys that differ (secret ones included by name only). */
  diffKeys: string[];
}

/** What `runProgram` returns. */
export interface RunResult {
  /** Stack outputs (secret ones are plain here; they are encrypted in the state file). */
  outputs: Record<string, unknown>;
  plan: PlanEntry[];
  counts: Record<StepOp, number>;
}
