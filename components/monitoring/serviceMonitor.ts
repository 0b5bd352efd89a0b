import * as k8s from "@pulumi/kubernetes";
import { DATABASE_TARGET_LABEL } from "./metrics";

/** The Prometheus Operator's API group and version, shared by ServiceMonitor and PrometheusRule. */
export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";

/** The Service port that serves QuestDB's health and metrics; the Service names it so. */
export const STATUS_PORT_NAME = "status";
export const METRICS_PATH = "/metrics";

export interface ServiceMonitorInput {
    /** The database's namespace; the ServiceMonitor lives there and watches only there. */
    readonly namespace: string;
    /** Labels of the database's objects; they select its Service and label the ServiceMonitor. */
    readonly databaseLabels: Readonly<Record<string, string>>;
    /** The region's `monitoring.labels`, which the Prometheus resource's selector may require. */
    readonly extraLabels: Readonly<Record<string, string>>;
}

/**
 * One database's scrape config: its Service's `status` port at /metrics. The selector is the
 * full label set of the database's objects, so it matches exactly that one Service, and the
 * database id is copied onto every scraped series as `questdb_cloud_database`.
 */
export function serviceMonitorArgs(input: ServiceMonitorInput): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: MONITORING_API_VERSION,
        kind: "ServiceMonitor",
        metadata: {
            name: "questdb",
            namespace: input.namespace,
            labels: { ...input.databaseLabels, ...input.extraLabels },
        },
        spec: {
            selector: { matchLabels: { ...input.databaseLabels } },
            namespaceSelector: { matchNames: [input.namespace] },
            targetLabels: [DATABASE_TARGET_LABEL.service],
            endpoints: [{
                port: STATUS_PORT_NAME,
                path: METRICS_PATH,
                scheme: "http",
                interval: "30s",
                scrapeTimeout: "10s",
            }],
        },
    };
}
