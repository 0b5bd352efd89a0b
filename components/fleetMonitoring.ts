import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RegionSpec } from "../inventory";
import { dashboardConfigMapArgs } from "./monitoring";

export const FLEET_MONITORING_TYPE = "questdb-cloud:index:FleetMonitoring";

export interface FleetMonitoringArgs {
    /**
     * The region: its `stack` and `awsRegion` title the dashboard, `monitoringNamespace`
     * (@default "monitoring") receives it, and `monitoring.grafanaDashboards` (@default true)
     * switches it. Required.
     */
    readonly region: RegionSpec;
}

/**
 * The region-level half of monitoring: the fleet dashboard, one Grafana ConfigMap in the
 * monitoring namespace. Scrape configs and alerts are per database and live with each
 * QuestDbDeployment (components/deployment/metrics.ts), so that they come and go with it.
 */
export class FleetMonitoring extends pulumi.ComponentResource {
    /** The dashboard ConfigMap; undefined when the region has no Grafana dashboard sidecar. */
    readonly dashboard?: k8s.core.v1.ConfigMap;

    constructor(name: string, args: FleetMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(FLEET_MONITORING_TYPE, name, {}, opts);
        if (args.region.monitoring.grafanaDashboards) {
            this.dashboard = new k8s.core.v1.ConfigMap(`${name}-dashboard`, dashboardConfigMapArgs(args.region), { parent: this });
        }
        this.registerOutputs({ dashboard: this.dashboard?.id });
    }
}
