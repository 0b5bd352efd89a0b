import { GP3, IN_NAMESPACE } from "../../inventory";
import { BackupAlertInput, backupRules } from "./backupRules";
import type { AlertRule, RuleGroup } from "./ruleTypes";
import { KUBELET_METRICS, KUBE_STATE_METRICS, PROMETHEUS_METRICS, QUESTDB_METRICS, SCRAPE_JOB } from "./metrics";

/** Volume use above this share of capacity raises QuestDbVolumeAlmostFull. */
export const VOLUME_FULL_RATIO = 0.8;
/** A grown volume is this much larger, so that the next alert is months away, not days. */
export const VOLUME_GROWTH_FACTOR = 1.5;

/** What the rules need to know about one database. */
export interface AlertRulesInput {
    /** Pulumi stack; named in every alert and in the fix commands. */
    readonly stack: string;
    /** AWS region; labelled on every alert so a fleet-wide Alertmanager can route by it. */
    readonly awsRegion: string;
    /** The database id. */
    readonly id: string;
    /** The database's namespace; every selector is pinned to it. */
    readonly namespace: string;
    /** The data volume's size today, the base of the suggested new size. */
    readonly volumeSizeGiB: number;
    /** Its backup schedule (and drill's), for the backup alerts. @default undefined: no backup alerts */
    readonly backup?: BackupAlertInput;
}

export type { AlertRule, RuleGroup } from "./ruleTypes";

/** The size to grow a nearly full volume to: 1.5 times larger, within gp3's maximum. */
export function suggestedVolumeSizeGiB(sizeGiB: number): number {
    return Math.min(GP3.maxSizeGiB, Math.ceil(sizeGiB * VOLUME_GROWTH_FACTOR));
}

function volumeFix(input: AlertRulesInput): string {
    const suggested = suggestedVolumeSizeGiB(input.volumeSizeGiB);
    if (suggested <= input.volumeSizeGiB) {
        return `It is already at gp3's maximum of ${GP3.maxSizeGiB} GiB: drop old partitions, or split the data over a second database.`;
    }
    return `Grow it from ${input.volumeSizeGiB} GiB: npm run qdb -- set --stack ${input.stack} ${input.id} volume.sizeGiB=${suggested}`;
}

/**
 * The alerts of one database. Every selector is pinned to the database's own namespace and every
 * alert carries static `database`, `stack` and `aws_region` labels, so that routing and silences
 * never depend on label_replace tricks over scraped labels.
 */
export function databaseRules(input: AlertRulesInput): AlertRule[] {
    const ns = input.namespace;
    const labels = (severity: string) => ({ database: input.id, stack: input.stack, aws_region: input.awsRegion, severity });
    const pvc = `namespace="${ns}", persistentvolumeclaim="${IN_NAMESPACE.dataClaim}"`;
    const where = `${input.id} (stack ${input.stack}, ${input.awsRegion})`;
    const backup = input.backup ? backupRules(input.backup, input.id, ns, where, labels) : [];
    return [...serverRules(input, ns, where, pvc, labels), ...backup];
}

function serverRules(input: AlertRulesInput, ns: string, where: string, pvc: string, labels: (severity: string) => Record<string, string>): AlertRule[] {
    return [{
        alert: "QuestDbDown",
        // absent(... == 1) fires both when the scrape fails and when there is no target at all.
        expr: `absent(${PROMETHEUS_METRICS.up}{job="${SCRAPE_JOB}", namespace="${ns}"} == 1)`,
        for: "5m",
        labels: labels("critical"),
        annotations: {
            summary: `QuestDB ${where} is down`,
            description: `No successful scrape of ${ns}/${SCRAPE_JOB} on :9003 for 5 minutes. Check \`kubectl -n ${ns} describe pod questdb-0\` and its logs.`,
        },
    }, {
        alert: "QuestDbVolumeAlmostFull",
        expr: `${KUBELET_METRICS.volumeUsed}{${pvc}} / ${KUBELET_METRICS.volumeCapacity}{${pvc}} > ${VOLUME_FULL_RATIO}`,
        for: "15m",
        labels: labels("warning"),
        annotations: {
            summary: `Data volume of ${where} is {{ $value | humanizePercentage }} full`,
            description: `QuestDB stops writing when its disk is full. ${volumeFix(input)}`,
        },
    }, {
        alert: "QuestDbNodeNotReady",
        // kube_node_status_condition has no database label: join through the node the pod runs on.
        expr: `${KUBE_STATE_METRICS.nodeCondition}{condition="Ready", status="true"} == 0 and on (node) ${KUBE_STATE_METRICS.podInfo}{namespace="${ns}"}`,
        for: "5m",
        labels: labels("critical"),
        annotations: {
            summary: `The dedicated node of ${where} is not Ready`,
            description: "The database is unreachable until its node recovers or the node group replaces it. Check the EKS node group's health.",
        },
    }, {
        alert: "QuestDbPodPending",
        expr: `${KUBE_STATE_METRICS.podPhase}{namespace="${ns}", phase="Pending"} == 1`,
        for: "10m",
        labels: labels("warning"),
        annotations: {
            summary: `QuestDB pod of ${where} has been Pending for more than 10 minutes`,
            description: `Usually no Ready node in the volume's availability zone, or a claim that is not bound. Check \`kubectl -n ${ns} describe pod questdb-0\`.`,
        },
    }, {
        alert: "QuestDbTablesSuspended",
        expr: `${QUESTDB_METRICS.suspendedTables}{namespace="${ns}"} > 0`,
        for: "5m",
        labels: labels("warning"),
        annotations: {
            summary: `{{ $value }} table(s) of ${where} are suspended`,
            description: "WAL apply stopped after an error and ingestion into those tables is not visible. Find them with `SELECT name FROM wal_tables() WHERE suspended`, fix the cause, then `ALTER TABLE ... RESUME WAL`.",
        },
    }];
}

/** The database's one rule group; its name says whose it is in Prometheus' rule listing. */
export function alertRuleGroup(input: AlertRulesInput): RuleGroup {
    return { name: `questdb.${input.id}`, rules: databaseRules(input) };
}
