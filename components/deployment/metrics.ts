import * as k8s from "@pulumi/kubernetes";
import { serviceMonitorArgs } from "../monitoring/serviceMonitor";
import { DeploymentContext, partName } from "./context";

/**
 * The database's ServiceMonitor, in its own namespace so that it is created and deleted with the
 * database. None when the region has no Prometheus Operator (`monitoring.prometheusOperator`),
 * since a ServiceMonitor without its CRD fails the whole update.
 */
export function createMetrics(ctx: DeploymentContext, namespace: k8s.core.v1.Namespace): k8s.apiextensions.CustomResource | undefined {
    if (!ctx.region.monitoring.prometheusOperator) {
        return undefined;
    }
    const args = serviceMonitorArgs({ namespace: ctx.names.namespace, databaseLabels: ctx.labels, extraLabels: ctx.region.monitoring.labels });
    return new k8s.apiextensions.CustomResource(partName(ctx, "metrics"), args, { parent: ctx.parent, dependsOn: [namespace] });
}
