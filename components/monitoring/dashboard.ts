import { DRILL_NAMESPACE, IN_NAMESPACE } from "../../inventory";
import { LAST_RUN_HOLD_ALERT_SECONDS } from "./backupRules";
import {
    KUBELET_METRICS, KUBE_STATE_METRICS, PROMETHEUS_METRICS, PUSHED_DATABASE_LABEL, PUSHED_METRICS, PUSH_JOBS, QUESTDB_METRICS, SCRAPE_JOB,
} from "./metrics";

/** The label Grafana's dashboard sidecar watches for (kube-prometheus-stack's default). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

export interface DashboardInput {
    readonly stack: string;
    readonly awsRegion: string;
    /** Other cells share the cluster: drills run in every cell's drills namespace (inventory/cells.ts). @default false */
    readonly sharedCluster?: boolean;
}

/** The drills namespaces' selector: the one, or every cell's `questdb-drills-<stack>` too. */
export function drillNamespaceMatcher(sharedCluster = false): string {
    return sharedCluster ? `namespace=~"${DRILL_NAMESPACE}(-.+)?"` : `namespace="${DRILL_NAMESPACE}"`;
}

/**
 * The series `$database` takes its options from: every database pod, Pending ones included, so a
 * database that is down still appears. The variable's regex keeps the id from `qdb-<id>`.
 */
export const DATABASE_VARIABLE_SOURCE = `${KUBE_STATE_METRICS.podInfo}{namespace=~"qdb-.+"}`;

/** Every database namespace the `$database` selection covers ("All" is `.+`). */
const NS = `namespace=~"qdb-($database)"`;

interface Query {
    readonly expr: string;
    readonly legend: string;
}

interface PanelSpec {
    readonly title: string;
    readonly type: "stat" | "timeseries";
    readonly unit: string;
    readonly queries: readonly Query[];
    readonly description: string;
    readonly thresholds?: readonly { value: number | null; color: string }[];
    readonly mappings?: readonly unknown[];
}

/** The panels, top to bottom: state, ingestion, queries, disk, node. Each queries only allowed metrics. */
export function dashboardPanels(sharedCluster = false): PanelSpec[] {
    const pvc = `${NS}, persistentvolumeclaim="${IN_NAMESPACE.dataClaim}"`;
    const perDb = (expr: string) => `sum by (namespace) (${expr})`;
    return [{
        title: "Database up",
        type: "stat",
        unit: "none",
        description: "1 when Prometheus scraped the database's :9003/metrics successfully.",
        queries: [{ expr: `max by (namespace) (${PROMETHEUS_METRICS.up}{job="${SCRAPE_JOB}", ${NS}})`, legend: "{{namespace}}" }],
        mappings: [{ type: "value", options: { "0": { text: "DOWN", color: "red" }, "1": { text: "UP", color: "green" } } }],
        thresholds: [{ value: null, color: "red" }, { value: 1, color: "green" }],
    }, {
        title: "Pod phase",
        type: "stat",
        unit: "none",
        description: "The phase of each database's pod, from kube-state-metrics.",
        queries: [{ expr: `max by (namespace, phase) (${KUBE_STATE_METRICS.podPhase}{${NS}}) == 1`, legend: "{{namespace}} {{phase}}" }],
    }, {
        title: "Ingestion (rows/s written to the WAL)",
        type: "timeseries",
        unit: "rowsps",
        description: "Rows written to WAL tables per second: ILP, INSERT and COPY.",
        queries: [{ expr: perDb(`rate(${QUESTDB_METRICS.walRowsWritten}{${NS}}[5m])`), legend: "{{namespace}}" }],
    }, {
        title: "Query rate (QuestDB exposes no query latency metric)",
        type: "timeseries",
        unit: "reqps",
        description: "Queries started per second over HTTP (/exec) and PostgreSQL wire. Open source QuestDB publishes no latency histogram.",
        queries: [
            { expr: perDb(`rate(${QUESTDB_METRICS.httpQueries}{${NS}}[5m])`), legend: "{{namespace}} http" },
            { expr: perDb(`rate(${QUESTDB_METRICS.pgQueries}{${NS}}[5m])`), legend: "{{namespace}} pg" },
        ],
    }, {
        title: "Data volume use",
        type: "timeseries",
        unit: "percentunit",
        description: "Used share of each data volume; the QuestDbVolumeAlmostFull alert fires above 80%.",
        queries: [{
            expr: `max by (namespace) (${KUBELET_METRICS.volumeUsed}{${pvc}} / ${KUBELET_METRICS.volumeCapacity}{${pvc}})`,
            legend: "{{namespace}}",
        }],
        thresholds: [{ value: null, color: "green" }, { value: 0.8, color: "red" }],
    }, {
        title: "Node Ready",
        type: "stat",
        unit: "none",
        description: "1 when the dedicated node that runs the database's pod reports Ready.",
        queries: [{
            expr: `max by (namespace, node) (${KUBE_STATE_METRICS.podInfo}{${NS}}) * on (node) group_left () ` +
                `max by (node) (${KUBE_STATE_METRICS.nodeCondition}{condition="Ready", status="true"})`,
            legend: "{{namespace}} on {{node}}",
        }],
        thresholds: [{ value: null, color: "red" }, { value: 1, color: "green" }],
    }, {
        title: "Suspended tables",
        type: "stat",
        unit: "none",
        description: "Tables whose WAL apply stopped after an error; ingestion into them is not visible.",
        queries: [{ expr: `max by (namespace) (${QUESTDB_METRICS.suspendedTables}{${NS}})`, legend: "{{namespace}}" }],
        thresholds: [{ value: null, color: "green" }, { value: 1, color: "red" }],
    }, ...backupPanels(sharedCluster)];
}

/** Series one script pushed for the `$database` selection (PUSH_JOBS; docs/observability.md). */
function pushed(metric: string, job: string): string {
    return `${metric}{job="${job}", ${PUSHED_DATABASE_LABEL}=~"($database)"}`;
}

const OK_FAILED = [{ type: "value", options: { "0": { text: "FAILED", color: "red" }, "1": { text: "OK", color: "green" } } }];
const RED_GREEN = [{ value: null, color: "red" }, { value: 1, color: "green" }];

/**
 * Backups and drills: what the scripts pushed to the region's Pushgateway (exact hold times and
 * phases), and kube-state-metrics' view of the drill CronJobs, which needs no Pushgateway.
 */
function backupPanels(sharedCluster: boolean): PanelSpec[] {
    const b = PUSHED_METRICS.backup;
    const byDb = (metric: string) => `max by (${PUSHED_DATABASE_LABEL}) (${pushed(metric, PUSH_JOBS.backup)})`;
    return [{
        title: "Newest consistent snapshot age",
        type: "stat",
        unit: "s",
        description: "Time since the point in time of the newest snapshot taken inside a QuestDB checkpoint, as the backup run pushed it. QuestDbBackupStale (from kube-state-metrics) fires at twice the schedule.",
        queries: [{ expr: `time() - ${byDb(b.newestSnapshot)}`, legend: `{{${PUSHED_DATABASE_LABEL}}}` }],
    }, {
        title: "Last backup run",
        type: "stat",
        unit: "none",
        description: "OK when the last run exited 0; FAILED otherwise (its exit code is in questdb_cloud_backup_last_exit_code; docs/runbook.md, \"Backup alerts\").",
        queries: [{ expr: byDb(b.lastRunSuccess), legend: `{{${PUSHED_DATABASE_LABEL}}}` }],
        mappings: OK_FAILED,
        thresholds: RED_GREEN,
    }, {
        title: "Checkpoint hold of the last backup run",
        type: "timeseries",
        unit: "s",
        description: `How long the last run held QuestDB's checkpoint, CREATE to RELEASE. QuestDbCheckpointHeldLong fires above ${LAST_RUN_HOLD_ALERT_SECONDS} s.`,
        queries: [{ expr: byDb(b.checkpointHeld), legend: `{{${PUSHED_DATABASE_LABEL}}}` }],
        thresholds: [{ value: null, color: "green" }, { value: LAST_RUN_HOLD_ALERT_SECONDS, color: "red" }],
    }, ...drillPanels(sharedCluster)];
}

function drillPanels(sharedCluster: boolean): PanelSpec[] {
    const d = PUSHED_METRICS.drill;
    const drills = `${drillNamespaceMatcher(sharedCluster)}, cronjob=~"drill-($database)"`;
    return [{
        title: "Restore drills: time since the last success",
        type: "stat",
        unit: "s",
        description: "Only databases with backup.drill, from kube-state-metrics. QuestDbDrillStale fires at twice the drill's schedule, QuestDbDrillFailed when the last drill failed.",
        queries: [{ expr: `time() - max by (cronjob) (${KUBE_STATE_METRICS.cronJobLastSuccess}{${drills}})`, legend: "{{cronjob}}" }],
    }, {
        title: "Last restore drill",
        type: "stat",
        unit: "none",
        description: "OK when the last drill restored the newest snapshot, answered a query and cleaned up; its exit code is in questdb_cloud_drill_last_exit_code.",
        queries: [{ expr: `max by (${PUSHED_DATABASE_LABEL}) (${pushed(d.lastRunSuccess, PUSH_JOBS.drill)})`, legend: `{{${PUSHED_DATABASE_LABEL}}}` }],
        mappings: OK_FAILED,
        thresholds: RED_GREEN,
    }, {
        title: "Restore drill duration, by phase",
        type: "timeseries",
        unit: "s",
        description: "The last drill of each database: find, volume (restore to a scratch volume), start (QuestDB recovers the checkpoint), query, cleanup; `run` is a phase a failure cut short. The total is the drill's duration.",
        queries: [
            { expr: `max by (${PUSHED_DATABASE_LABEL}, phase) (${pushed(d.phaseSeconds, PUSH_JOBS.drill)})`, legend: `{{${PUSHED_DATABASE_LABEL}}} {{phase}}` },
            { expr: `max by (${PUSHED_DATABASE_LABEL}) (${pushed(d.duration, PUSH_JOBS.drill)})`, legend: `{{${PUSHED_DATABASE_LABEL}}} total` },
        ],
    }];
}

function panelJson(panel: PanelSpec, index: number) {
    return {
        id: index + 1,
        title: panel.title,
        type: panel.type,
        description: panel.description,
        datasource: { type: "prometheus", uid: "${datasource}" },
        gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
        targets: panel.queries.map((q, i) => ({
            refId: String.fromCharCode(65 + i),
            expr: q.expr,
            legendFormat: q.legend,
            datasource: { type: "prometheus", uid: "${datasource}" },
        })),
        fieldConfig: {
            defaults: {
                unit: panel.unit,
                ...(panel.mappings ? { mappings: panel.mappings } : {}),
                ...(panel.thresholds ? { thresholds: { mode: "absolute", steps: panel.thresholds } } : {}),
            },
            overrides: [],
        },
        options: {},
    };
}

/**
 * The region's fleet dashboard (Grafana JSON model). `$database` is filled from the cluster, not
 * from the inventory, so adding or removing a database does not rewrite the dashboard.
 */
export function fleetDashboard(input: DashboardInput) {
    return {
        uid: `questdb-fleet-${input.stack}`.slice(0, 40),
        title: `QuestDB fleet: ${input.stack} (${input.awsRegion})`,
        tags: ["questdb", "questdb-cloud", input.stack],
        timezone: "utc",
        schemaVersion: 39,
        editable: false,
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        templating: {
            list: [
                { name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus" },
                {
                    name: "database", label: "Database", type: "query", multi: true, includeAll: true, allValue: ".+",
                    datasource: { type: "prometheus", uid: "${datasource}" },
                    query: { query: `label_values(${DATABASE_VARIABLE_SOURCE}, namespace)`, refId: "database" },
                    definition: `label_values(${DATABASE_VARIABLE_SOURCE}, namespace)`,
                    regex: "/^qdb-(.+)$/", refresh: 2, sort: 1,
                    current: { text: ["All"], value: ["$__all"] },
                },
            ],
        },
        panels: dashboardPanels(input.sharedCluster).map(panelJson),
    };
}
