import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseSpec, RegionSpec } from "../inventory";
import { dashboardConfigMapArgs, prometheusRuleArgs } from "./monitoring";

export const FLEET_MONITORING_TYPE = "questdb-cloud:index:FleetMonitoring";

export interface FleetMonitoringArgs {
    /**
     * The region. Its `monitoringNamespace` receives both objects; `monitoring.prometheusOperator`
     * (@default true) switches the PrometheusRule, `monitoring.grafanaDashboards` (@default true)
     * the dashboard ConfigMap, and `monitoring.labels` (@default {}) label the rule. Required.
     */
    readonly region: RegionSpec;
    /** Every database of the region: each gets a rule group and a `$database` option. Required. */
    readonly databases: readonly DatabaseSpec[];
}

/**
 * The region's alerts (one PrometheusRule) and fleet dashboard (one Grafana ConfigMap), both in
 * the monitoring namespace. The per-database ServiceMonitors live with each QuestDbDeployment.
 */
export class FleetMonitoring extends pulumi.ComponentResource {
    /** The PrometheusRule, when the region runs the Prometheus Operator and has databases. */
    readonly alertRule?: k8s.apiextensions.CustomResource;
    /** The dashboard ConfigMap, when the region runs Grafana's dashboard sidecar. */
    readonly dashboard?: k8s.core.v1.ConfigMap;

    constructor(name: string, args: FleetMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(FLEET_MONITORING_TYPE, name, {}, opts);
        const { region, databases } = args;
        if (region.monitoring.prometheusOperator && databases.length > 0) {
            // An empty `groups` list is valid but useless; skip the object for an empty region.
            this.alertRule = new k8s.apiextensions.CustomResource(`${name}-alerts`, prometheusRuleArgs(region, databases), { parent: this });
        }
        if (region.monitoring.grafanaDashboards) {
            this.dashboard = new k8s.core.v1.ConfigMap(`${name}-dashboard`, dashboardConfigMapArgs(region, databases), { parent: this });
        }
        this.registerOutputs({ alertRule: this.alertRule?.id, dashboard: this.dashboard?.id });
    }
}
