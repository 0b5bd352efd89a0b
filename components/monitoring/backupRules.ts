import { DRILL_NAMESPACE, IN_NAMESPACE, drillCronJobName } from "../../inventory";
import type { AlertRule } from "./ruleTypes";
import { KUBE_STATE_METRICS as KSM, PUSHED_DATABASE_LABEL, PUSHED_METRICS, PUSH_JOBS } from "./metrics";

/** A backup run still active after this long is holding its checkpoint too long. */
export const CHECKPOINT_HELD_ALERT_SECONDS = 900;

/**
 * A finished run that held its checkpoint longer than this raises QuestDbCheckpointHeldLong. EBS
 * fixes a snapshot's point in time seconds after CreateSnapshot; five minutes means EBS was slow
 * (throttled, or many snapshots at once) and QuestDB's housekeeping waited that long.
 */
export const LAST_RUN_HOLD_ALERT_SECONDS = 300;

/** The series one database's script pushed to the Pushgateway, by job. */
export function pushedSelector(job: string, id: string): string {
    return `{job="${job}", ${PUSHED_DATABASE_LABEL}="${id}"}`;
}

/** What the backup and drill rules need to know about one database. */
export interface BackupAlertInput {
    /** The longest gap between two scheduled backup runs, in seconds (inventory/cron.ts). */
    readonly intervalSeconds: number;
    /** The same for the database's drill; undefined when it has no scheduled drill. */
    readonly drillIntervalSeconds?: number;
    /** The namespace of the database's drill CronJob (inventory/cells.ts). @default DRILL_NAMESPACE */
    readonly drillNamespace?: string;
}

/** "26h", "14d" or "90m": how an interval reads in an alert. */
export function formatSeconds(seconds: number): string {
    return seconds % 86400 === 0 ? `${seconds / 86400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : `${Math.round(seconds / 60)}m`;
}

function cronJobSelector(namespace: string, cronJob: string): string {
    return `{namespace="${namespace}", cronjob="${cronJob}"}`;
}

/** Newest success, or the CronJob's creation when it never succeeded: a CronJob that never ran is stale too. */
function lastSuccessOrCreation(sel: string): string {
    return `max by (namespace, cronjob) (${KSM.cronJobLastSuccess}${sel} or ${KSM.cronJobCreated}${sel})`;
}

/** The last scheduled run ended without success: scheduled after the last success, and nothing is running. */
function lastRunFailed(sel: string): string {
    return `max by (namespace, cronjob) (${KSM.cronJobLastSchedule}${sel}) > ${lastSuccessOrCreation(sel)}`
        + ` and max by (namespace, cronjob) (${KSM.cronJobActive}${sel}) == 0`;
}

type Labels = (severity: string) => Record<string, string>;

/**
 * The backup alerts of one database, from kube-state-metrics' view of its backup CronJob: a run
 * succeeds only once its snapshot's point in time is fixed and the checkpoint is released.
 */
export function backupRules(input: BackupAlertInput, id: string, namespace: string, where: string, labels: Labels): AlertRule[] {
    const sel = cronJobSelector(namespace, IN_NAMESPACE.backup);
    const jobs = `{namespace="${namespace}", job_name=~"${IN_NAMESPACE.backup}-.+"}`;
    const logs = `\`kubectl -n ${namespace} logs job/<the failed job>\` (\`kubectl -n ${namespace} get jobs\`)`;
    const rules: AlertRule[] = [{
        alert: "QuestDbBackupStale",
        expr: `time() - ${lastSuccessOrCreation(sel)} > ${2 * input.intervalSeconds}`,
        for: "10m",
        labels: labels("critical"),
        annotations: {
            summary: `The newest consistent snapshot of ${where} is older than ${formatSeconds(2 * input.intervalSeconds)}, twice its schedule`,
            description: `No backup run succeeded for two intervals. See QuestDbBackupFailed, ${logs}, and docs/runbook.md, "Backup alerts".`,
        },
    }, {
        alert: "QuestDbBackupFailed",
        expr: lastRunFailed(sel),
        for: "5m",
        labels: labels("warning"),
        annotations: {
            summary: `The last scheduled backup run of ${where} failed`,
            description: `Its exit code says where (docs/runbook.md, "Backup alerts"): 1 before or while snapshotting, 3 the checkpoint could not be released (release it by hand), 4 retention failed after the snapshot, 5 a checkpoint a killed run may have left was younger than the Job's deadline plus grace (docs/runbook.md, "When a backup was killed"); a run killed by a signal leaves no exit code. Logs: ${logs}.`,
        },
    }, {
        alert: "QuestDbCheckpointHeld",
        expr: `time() - max by (namespace, job_name) (${KSM.jobStart}${jobs}) > ${CHECKPOINT_HELD_ALERT_SECONDS}`
            + ` and on (namespace, job_name) max by (namespace, job_name) (${KSM.jobActive}${jobs}) > 0`,
        for: "1m",
        labels: labels("warning"),
        annotations: {
            summary: `A backup run of ${where} has held its QuestDB checkpoint for more than ${formatSeconds(CHECKPOINT_HELD_ALERT_SECONDS)}`,
            description: `While a checkpoint is open QuestDB pauses housekeeping and the disk grows. The run is stopped at its deadline and its trap releases the checkpoint; if the pod is gone and the checkpoint is not, run CHECKPOINT RELEASE (docs/runbook.md).`,
        },
    }, {
        alert: "QuestDbCheckpointHeldLong",
        // What the last run pushed (the Pushgateway): exact, where the Job's duration only bounds it;
        // after a SIGKILLed run, the age of the checkpoint it left, as the next run found it.
        expr: `max by (job, ${PUSHED_DATABASE_LABEL}) (${PUSHED_METRICS.backup.checkpointHeld}${pushedSelector(PUSH_JOBS.backup, id)}) > ${LAST_RUN_HOLD_ALERT_SECONDS}`,
        for: "1m",
        labels: labels("warning"),
        annotations: {
            summary: `The last backup run of ${where} held its QuestDB checkpoint for {{ $value }}s, more than ${formatSeconds(LAST_RUN_HOLD_ALERT_SECONDS)}`,
            description: `EBS took that long to fix the snapshot's point in time, or a killed run left the checkpoint open that long and the next run found it (docs/runbook.md, "When a backup was killed"); QuestDB paused housekeeping meanwhile. It clears with the next run that holds it briefly. See docs/runbook.md, "Backup alerts"; ${logs}.`,
        },
    }];
    return input.drillIntervalSeconds === undefined ? rules : [...rules, ...drillRules(input.drillIntervalSeconds, id, where, labels, input.drillNamespace ?? DRILL_NAMESPACE)];
}

function drillRules(intervalSeconds: number, id: string, where: string, labels: Labels, namespace: string): AlertRule[] {
    const sel = cronJobSelector(namespace, drillCronJobName(id));
    const logs = `\`kubectl -n ${namespace} get jobs -l questdb.cloud/database=${id}\` and the failed job's logs`;
    return [{
        alert: "QuestDbDrillFailed",
        expr: lastRunFailed(sel),
        for: "5m",
        labels: labels("warning"),
        annotations: {
            summary: `The last restore drill of ${where} failed`,
            description: `The newest snapshot did not restore and answer a query, or the drill could not clean up (exit 5 names what is left). See ${logs}, and docs/runbook.md, "Restore drills".`,
        },
    }, {
        alert: "QuestDbDrillStale",
        expr: `time() - ${lastSuccessOrCreation(sel)} > ${2 * intervalSeconds}`,
        for: "10m",
        labels: labels("warning"),
        annotations: {
            summary: `No restore drill of ${where} succeeded in ${formatSeconds(2 * intervalSeconds)}, twice its schedule`,
            description: `Nobody has proved this database's backups restore lately. See ${logs}.`,
        },
    }];
}
