/**
 * Every metric name the alert rules and the dashboard may reference, with where it comes from.
 * The builders take names from here, and the tests parse every expression and fail on any name
 * that is not listed, so a typo or an invented metric never reaches a cluster.
 *
 * Sources (checked, not guessed):
 * - QuestDB (server.conf `metrics.enabled=true`, served on :9003/metrics). Counters get a
 *   `_total` suffix and every name the `questdb_` prefix; the docs' sample output shows
 *   `questdb_json_queries_total` for the `json_queries` counter. Registered in questdb/questdb:
 *   JsonQueryMetrics (`json_queries`), PGMetrics (`pg_wire_queries`), WalMetrics
 *   (`wal_written_rows`), TableWriterMetrics (`suspended_tables`, a gauge, also documented in
 *   QuestDB's "Monitoring and alerting" page). QuestDB exposes no query latency histogram.
 * - kube-state-metrics: kube_pod_status_phase, kube_pod_info, kube_node_status_condition.
 * - kubelet (cAdvisor job of kube-prometheus-stack): kubelet_volume_stats_*_bytes, labelled with
 *   namespace and persistentvolumeclaim.
 * - Prometheus itself: `up` for every scrape target.
 */
export const QUESTDB_METRICS = {
    /** Counter: HTTP /exec (JSON) queries started. */
    httpQueries: "questdb_json_queries_total",
    /** Counter: PostgreSQL wire queries started. */
    pgQueries: "questdb_pg_wire_queries_total",
    /** Counter: rows written to the WAL, i.e. ingested (ILP, INSERT, COPY into WAL tables). */
    walRowsWritten: "questdb_wal_written_rows_total",
    /** Gauge: tables whose WAL apply is suspended after an error; ingestion into them stops. */
    suspendedTables: "questdb_suspended_tables",
} as const;

/**
 * The first QuestDB release that serves a metric, for the metrics that not every release the
 * fleet runs serves. Found by the real-components tier (e2e/questdb), which runs Maven Central's
 * org.questdb:questdb: 8.1.4 and 8.2.0 serve neither (pg_wire_queries came with questdb#5183 in
 * December 2024, suspended_tables in mid 2025), 9.0.1, the first 9.x published there, serves
 * both. On an older database the QuestDbTablesSuspended alert cannot fire and the dashboard's pg
 * query rate is empty (docs/observability.md). The tier fails if an older release starts serving
 * one, so that this table stays true.
 */
export const QUESTDB_METRIC_SINCE: Readonly<Record<string, string>> = {
    [QUESTDB_METRICS.pgQueries]: "9.0.1",
    [QUESTDB_METRICS.suspendedTables]: "9.0.1",
};

export const KUBE_STATE_METRICS = {
    podPhase: "kube_pod_status_phase",
    podInfo: "kube_pod_info",
    nodeCondition: "kube_node_status_condition",
} as const;

export const KUBELET_METRICS = {
    volumeUsed: "kubelet_volume_stats_used_bytes",
    volumeCapacity: "kubelet_volume_stats_capacity_bytes",
} as const;

export const PROMETHEUS_METRICS = { up: "up" } as const;

/** The allowlist the tests check every expression against. */
export const ALLOWED_METRICS: ReadonlySet<string> = new Set([
    ...Object.values(QUESTDB_METRICS),
    ...Object.values(KUBE_STATE_METRICS),
    ...Object.values(KUBELET_METRICS),
    ...Object.values(PROMETHEUS_METRICS),
]);

/**
 * The scrape job of a database: a ServiceMonitor's job label defaults to the Service name, and
 * every database's Service is called `questdb` in its own namespace.
 */
export const SCRAPE_JOB = "questdb";

/**
 * The Service label that the ServiceMonitor copies onto every QuestDB series (`targetLabels`),
 * and the name Prometheus gives it once sanitised.
 */
export const DATABASE_TARGET_LABEL = { service: "questdb.cloud/database", prometheus: "questdb_cloud_database" } as const;
