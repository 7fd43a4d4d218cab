/** The program runner: `pulumi preview/up/destroy` for a program, without the Pulumi CLI (used by `npm run demo`). */
export { runProgram, RunFailedError } from "./run";
export * from "./types";
export { startHost, HostOptions, RunningHost } from "./host";
export { HostClient, CallRecord, HostDiff } from "./host-client";
export { HostCallError, InitFailure } from "./host-errors";
export { secret, isSecret, UNKNOWN, SIG_KEY, SECRET_SIG } from "./values";
export { passphraseCrypter, Crypter } from "./crypter";
export { Driver, DriverDiff, PartialStepError } from "./driver";
