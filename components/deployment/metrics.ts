import * as k8s from "@pulumi/kubernetes";
import { drillNamespaceOf } from "../../inventory/cells";
import { validSchedule } from "../../inventory";
import { prometheusRuleArgs } from "../monitoring/objects";
import { serviceMonitorArgs } from "../monitoring/serviceMonitor";
import { DeploymentContext, partName } from "./context";

export interface DatabaseMonitoring {
    readonly serviceMonitor: k8s.apiextensions.CustomResource;
    /** Only for an active database: a paused one has no pod, and QuestDbDown would fire forever. */
    readonly alerts?: k8s.apiextensions.CustomResource;
}

/**
 * The database's ServiceMonitor and PrometheusRule, in its own namespace so that they are created
 * and deleted with the database. None when the region has no Prometheus Operator
 * (`monitoring.prometheusOperator`): an object without its CRD fails the whole update.
 */
export function createMetrics(ctx: DeploymentContext, namespace: k8s.core.v1.Namespace): DatabaseMonitoring | undefined {
    const { monitoring } = ctx.region;
    if (!monitoring.prometheusOperator) {
        return undefined;
    }
    const opts = { parent: ctx.parent, dependsOn: [namespace] };
    const serviceMonitor = new k8s.apiextensions.CustomResource(partName(ctx, "metrics"), serviceMonitorArgs({
        namespace: ctx.names.namespace, databaseLabels: ctx.labels, extraLabels: monitoring.labels,
    }), opts);
    if (ctx.database.state !== "active") {
        return { serviceMonitor };
    }
    const alerts = new k8s.apiextensions.CustomResource(partName(ctx, "alerts"), prometheusRuleArgs({
        stack: ctx.region.stack,
        awsRegion: ctx.region.awsRegion,
        id: ctx.database.id,
        namespace: ctx.names.namespace,
        volumeSizeGiB: ctx.database.volume.sizeGiB,
        backup: {
            intervalSeconds: validSchedule(ctx.database.backup.schedule).intervalSeconds,
            drillIntervalSeconds: ctx.database.backup.drill && validSchedule(ctx.database.backup.drill.schedule).intervalSeconds,
            drillNamespace: drillNamespaceOf(ctx.region),
        },
        labels: { ...ctx.labels, ...monitoring.labels },
    }), opts);
    return { serviceMonitor, alerts };
}
