export * from "./metrics";
export * from "./alertRules";
export * from "./dashboard";
export * from "./serviceMonitor";
export * from "./objects";
export * from "./backupRules";
export * from "./pushgatewayRules";
