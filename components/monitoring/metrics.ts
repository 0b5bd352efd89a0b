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
 * - kube-state-metrics: kube_pod_status_phase, kube_pod_info, kube_node_status_condition; for the
 *   backup and drill CronJobs (docs/cronjob-metrics.md, docs/job-metrics.md of kube-state-metrics):
 *   kube_cronjob_status_last_successful_time, kube_cronjob_status_last_schedule_time,
 *   kube_cronjob_status_active, kube_cronjob_created, kube_job_status_start_time,
 *   kube_job_status_completion_time, kube_job_status_active.
 * - kubelet (cAdvisor job of kube-prometheus-stack): kubelet_volume_stats_*_bytes, labelled with
 *   namespace and persistentvolumeclaim.
 * - Prometheus itself: `up` for every scrape target.
 * - Ours: what scripts/backup/snapshot.sh and drill.sh push to the region's Pushgateway at the end
 *   of every run (PUSHED_METRICS below; test/backup checks the scripts push exactly these).
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
    /** Unix time a CronJob's last Job succeeded: a backup run succeeds only once its snapshot's point in time is fixed. */
    cronJobLastSuccess: "kube_cronjob_status_last_successful_time",
    cronJobLastSchedule: "kube_cronjob_status_last_schedule_time",
    cronJobActive: "kube_cronjob_status_active",
    cronJobCreated: "kube_cronjob_created",
    jobStart: "kube_job_status_start_time",
    jobCompletion: "kube_job_status_completion_time",
    jobActive: "kube_job_status_active",
} as const;

export const KUBELET_METRICS = {
    volumeUsed: "kubelet_volume_stats_used_bytes",
    volumeCapacity: "kubelet_volume_stats_capacity_bytes",
} as const;

export const PROMETHEUS_METRICS = { up: "up" } as const;

/**
 * The Pushgateway jobs, one per script; the grouping key is `/job/<job>/database/<id>`, so each
 * database's results are a group of their own and never overwrite another's. With the
 * ServiceMonitor's `honorLabels`, every pushed series keeps these `job` and `database` labels.
 */
export const PUSH_JOBS = { backup: "questdb-backup", drill: "questdb-drill" } as const;

/** The label of the grouping key that carries the database id. */
export const PUSHED_DATABASE_LABEL = "database";

/**
 * What the backup and drill scripts push, all gauges. Prefixed `questdb_cloud_`, not `questdb_`:
 * `questdb_*` belongs to QuestDB itself (the real-components tier checks that every `questdb_*`
 * name the rules use is served by a real QuestDB), and QuestDB Enterprise has backups of its own.
 * Pushed with POST, which replaces only the names pushed: a failed run leaves the last success's
 * timestamps in place.
 */
export const PUSHED_METRICS = {
    backup: {
        /** Unix time the last run ended, whatever its outcome. */
        lastRun: "questdb_cloud_backup_last_run_timestamp_seconds",
        /** 1 when the last run exited 0, else 0. */
        lastRunSuccess: "questdb_cloud_backup_last_run_success",
        /** The last run's exit code (docs/runbook.md, "Backup alerts": 1, 3, 4, 143). */
        lastExitCode: "questdb_cloud_backup_last_exit_code",
        /** How long the last run held QuestDB's checkpoint; 0 when it never got one; still open (exit 3): until it gave up; a checkpoint a killed run left open (found at the start): its age, when longer. */
        checkpointHeld: "questdb_cloud_backup_checkpoint_held_seconds",
        /** Unix time the last successful run ended; only pushed by a success. */
        lastSuccess: "questdb_cloud_backup_last_success_timestamp_seconds",
        /** The newest consistent snapshot's point in time (its checkpoint's creation); pushed whenever a run fixed one. */
        newestSnapshot: "questdb_cloud_backup_newest_snapshot_timestamp_seconds",
    },
    drill: {
        lastRun: "questdb_cloud_drill_last_run_timestamp_seconds",
        lastRunSuccess: "questdb_cloud_drill_last_run_success",
        lastExitCode: "questdb_cloud_drill_last_exit_code",
        /** The whole drill, cleanup included. */
        duration: "questdb_cloud_drill_duration_seconds",
        /** Each phase of the last drill, by `phase`: find, volume, start, query, then run (the phase cut short) and cleanup. */
        phaseSeconds: "questdb_cloud_drill_phase_seconds",
        lastSuccess: "questdb_cloud_drill_last_success_timestamp_seconds",
    },
} as const;

/** The allowlist the tests check every expression against. */
export const ALLOWED_METRICS: ReadonlySet<string> = new Set([
    ...Object.values(QUESTDB_METRICS),
    ...Object.values(KUBE_STATE_METRICS),
    ...Object.values(KUBELET_METRICS),
    ...Object.values(PROMETHEUS_METRICS),
    ...Object.values(PUSHED_METRICS.backup),
    ...Object.values(PUSHED_METRICS.drill),
]);

/**
 * The scrape job of a database: a ServiceMonitor's job label defaults to the Service name, and
 * every database's Service is called `questdb` in its own namespace.
 */
export const SCRAPE_JOB = "questdb";

/** The Pushgateway's own scrape job: its Service's name, as for SCRAPE_JOB. */
export const PUSHGATEWAY_SCRAPE_JOB = "questdb-pushgateway";

/**
 * The Service label that the ServiceMonitor copies onto every QuestDB series (`targetLabels`),
 * and the name Prometheus gives it once sanitised.
 */
export const DATABASE_TARGET_LABEL = { service: "questdb.cloud/database", prometheus: "questdb_cloud_database" } as const;
