/** The library's Kubernetes client for day-2 operations (cordon, drain, uncordon, node removal). */
export * from "./errors";
export * from "./kubeconfig";
export * from "./objects";
export * from "./transport";
export * from "./client";
export * from "./drain-plan";
export * from "./drain";
