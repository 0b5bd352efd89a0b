import * as k8s from "@pulumi/kubernetes";
import { onSharedCluster } from "../../inventory/cells";
import { RegionSpec } from "../../inventory";
import { AlertRulesInput, alertRuleGroup } from "./alertRules";
import { GRAFANA_DASHBOARD_LABEL, fleetDashboard } from "./dashboard";
import { MONITORING_API_VERSION } from "./serviceMonitor";

/** Kubernetes names of the monitoring objects. */
export const MONITORING_OBJECT_NAMES = { rule: "questdb-alerts", dashboard: "questdb-fleet-dashboard" } as const;
/** File name of the dashboard inside its ConfigMap; the sidecar loads every key as a dashboard. */
export const DASHBOARD_KEY = "questdb-fleet.json";

export interface PrometheusRuleInput extends AlertRulesInput {
    /** The database's object labels plus the region's `monitoring.labels`. */
    readonly labels: Readonly<Record<string, string>>;
}

/**
 * One database's alerts, in its own namespace. Per database rather than one object per region:
 * the rule is created and deleted with its database, and adding, renaming or resizing one
 * database changes no object of another (see docs/observability.md for the cost).
 */
export function prometheusRuleArgs(input: PrometheusRuleInput): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: MONITORING_API_VERSION,
        kind: "PrometheusRule",
        metadata: { name: MONITORING_OBJECT_NAMES.rule, namespace: input.namespace, labels: { ...input.labels } },
        spec: { groups: [alertRuleGroup(input)] },
    };
}

/** The fleet dashboard as a ConfigMap in the monitoring namespace, found by Grafana's sidecar. */
export function dashboardConfigMapArgs(region: RegionSpec): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: {
            name: MONITORING_OBJECT_NAMES.dashboard,
            namespace: region.monitoringNamespace,
            labels: {
                "app.kubernetes.io/name": "questdb-cloud",
                "app.kubernetes.io/managed-by": "pulumi",
                "questdb.cloud/stack": region.stack,
                ...GRAFANA_DASHBOARD_LABEL,
            },
        },
        data: { [DASHBOARD_KEY]: JSON.stringify(fleetDashboard({ stack: region.stack, awsRegion: region.awsRegion, sharedCluster: onSharedCluster(region) }), null, 2) },
    };
}
