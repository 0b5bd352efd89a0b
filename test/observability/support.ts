import { Render } from "../../render";
import { resourcesOfType } from "../support/stacks";

/** Type tokens of the objects issue 7 adds. */
export const OBS_TYPES = {
    serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    fleet: "questdb-cloud:index:FleetMonitoring",
} as const;

/** Sorted logical names of every resource of a type. */
export function namesOf(render: Render, type: string): string[] {
    return resourcesOfType(render, type).map((r) => r.name).sort();
}

/** Databases that run (a ServiceMonitor): every state but decommissioned. Typed loosely so it compiles before and after lifecycle states. */
export function runningIds(databases: readonly { id: string; state: string }[]): string[] {
    return databases.filter((d) => d.state !== "decommissioned").map((d) => d.id).sort();
}

/** Databases that are alerted on (a PrometheusRule): active ones only. */
export function alertedIds(databases: readonly { id: string; state: string }[]): string[] {
    return databases.filter((d) => d.state === "active").map((d) => d.id).sort();
}
