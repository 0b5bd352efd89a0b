import * as k8s from "@pulumi/kubernetes";
import { DatabaseSpec, RegionSpec } from "../../inventory";
import { alertRuleGroups } from "./alertRules";
import { GRAFANA_DASHBOARD_LABEL, fleetDashboard } from "./dashboard";
import { MONITORING_API_VERSION } from "./serviceMonitor";

/** Kubernetes names of the region-level objects in the monitoring namespace. */
export const FLEET_OBJECT_NAMES = { rule: "questdb-fleet-alerts", dashboard: "questdb-fleet-dashboard" } as const;
/** File name of the dashboard inside its ConfigMap; the sidecar loads every key as a dashboard. */
export const DASHBOARD_KEY = "questdb-fleet.json";

function fleetLabels(region: RegionSpec): Record<string, string> {
    return { "app.kubernetes.io/name": "questdb-cloud", "app.kubernetes.io/managed-by": "pulumi", "questdb.cloud/stack": region.stack };
}

/**
 * The region's alerts in one PrometheusRule: one object per region instead of one per database
 * saves a registered resource per database (about 4 ms each in a preview), and the operator
 * loads one rule file. Each database still has its own rule group.
 */
export function prometheusRuleArgs(region: RegionSpec, databases: readonly DatabaseSpec[]): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: MONITORING_API_VERSION,
        kind: "PrometheusRule",
        metadata: {
            name: FLEET_OBJECT_NAMES.rule,
            namespace: region.monitoringNamespace,
            labels: { ...fleetLabels(region), ...region.monitoring.labels },
        },
        spec: {
            groups: alertRuleGroups({ stack: region.stack, awsRegion: region.awsRegion, dnsSuffix: region.dnsSuffix, databases }),
        },
    };
}

/** The fleet dashboard as a ConfigMap that Grafana's sidecar picks up by its label. */
export function dashboardConfigMapArgs(region: RegionSpec, databases: readonly DatabaseSpec[]): k8s.core.v1.ConfigMapArgs {
    const dashboard = fleetDashboard({ stack: region.stack, awsRegion: region.awsRegion, databaseIds: databases.map((d) => d.id) });
    return {
        metadata: {
            name: FLEET_OBJECT_NAMES.dashboard,
            namespace: region.monitoringNamespace,
            labels: { ...fleetLabels(region), ...GRAFANA_DASHBOARD_LABEL },
        },
        data: { [DASHBOARD_KEY]: JSON.stringify(dashboard, null, 2) },
    };
}
