/**
 * `qdb backups`: per database, the backup schedule as configured and as its CronJob runs it, the
 * retention and the restore drill, all from config (defaults applied by validateInventory). With
 * `--live`, also the newest completed snapshot of each database, read from EBS with the AWS CLI
 * and the operator's own credentials; offline, that column says how to get it.
 */
import { execFileSync } from "child_process";
import { DatabaseSpec, Inventory, SNAPSHOT_KIND_TAG, STACK_TAG, parseSchedule } from "../../inventory";
import { formatTable } from "./list";

/** A database's newest completed snapshot, as EBS lists it. */
export interface NewestSnapshot {
    readonly id: string;
    readonly startTime: Date;
}

/** What `--live` found: snapshots per database, or why it could not look. */
export type LiveSnapshots = { readonly newest: ReadonlyMap<string, NewestSnapshot> } | { readonly error: string };

const DATABASE_TAG = "questdb.cloud/database";

/** The AWS CLI call that lists a stack's completed snapshots, one `database<TAB>start<TAB>id` line each. */
export function describeSnapshotsArgs(stack: string, awsRegion: string): string[] {
    return ["ec2", "describe-snapshots", "--region", awsRegion, "--owner-ids", "self",
        "--filters", `Name=tag:${STACK_TAG},Values=${stack}`, "Name=status,Values=completed",
        "--query", `Snapshots[].[Tags[?Key=='${DATABASE_TAG}']|[0].Value,StartTime,SnapshotId]`, "--output", "text"];
}

/** The newest snapshot per database from that listing; lines without a database tag are skipped. */
export function newestSnapshots(listing: string): Map<string, NewestSnapshot> {
    const newest = new Map<string, NewestSnapshot>();
    for (const line of listing.split("\n")) {
        const [database, start, id] = line.trim().split(/\s+/);
        const startTime = new Date(start);
        if (!database || database === "None" || !id || Number.isNaN(startTime.getTime())) {
            continue;
        }
        const seen = newest.get(database);
        if (!seen || seen.startTime < startTime) {
            newest.set(database, { id, startTime });
        }
    }
    return newest;
}

export function formatAge(ms: number): string {
    const hours = ms / 3_600_000;
    return hours < 48 ? `${hours.toFixed(1)}h` : `${(hours / 24).toFixed(1)}d`;
}

function newestCell(db: DatabaseSpec, live: LiveSnapshots | undefined, now: Date): string {
    if (!live) {
        return "(--live)";
    }
    if ("error" in live) {
        return "(unknown)";
    }
    const snapshot = live.newest.get(db.id);
    return snapshot ? `${formatAge(now.getTime() - snapshot.startTime.getTime())} ago (${snapshot.id})` : "none";
}

const HEADER = ["ID", "STATE", "SCHEDULE (UTC)", "CRONJOB", "RETAIN", "DRILL", "NEWEST SNAPSHOT"];

/** The schedule its CronJob runs (undefined: no CronJob, or an invalid schedule) and its drill's (none unless active). */
function jobsOf(db: DatabaseSpec): { cronJob?: string; drill?: string } {
    const parsed = parseSchedule(db.backup.schedule);
    return {
        cronJob: db.state !== "active" || typeof parsed === "string" ? undefined : parsed.kubernetes,
        drill: db.backup.drill && db.state === "active" ? db.backup.drill.schedule : undefined,
    };
}

/** The `backups` table and its notes. */
export function formatBackups(inventory: Inventory, live: LiveSnapshots | undefined, now: Date): string {
    const rows = inventory.databases.map((db) => {
        const { cronJob, drill } = jobsOf(db);
        const job = db.state !== "active" ? `none (${db.state})` : cronJob ?? "(invalid)";
        return [db.id, db.state, db.backup.schedule, job, `${db.backup.retainDays}d`, drill ?? "-", newestCell(db, live, now)];
    });
    const notes = [
        `Scheduled snapshots are tagged ${SNAPSHOT_KIND_TAG}=scheduled; a final snapshot is kept when a database is decommissioned.`,
        !live ? "NEWEST SNAPSHOT needs AWS credentials for the stack's account: rerun with --live."
            : "error" in live ? `NEWEST SNAPSHOT could not be read: ${live.error}` : `NEWEST SNAPSHOT read from EBS at ${now.toISOString()}.`,
    ];
    return [formatTable([HEADER, ...rows]), "", ...notes].join("\n");
}

/** `backups --json`: the table's values, typed; a snapshot's age in hours; null where the table shows "-" or none. */
export function backupsJson(inventory: Inventory, live: LiveSnapshots | undefined, now: Date): Record<string, unknown> {
    return {
        stack: inventory.region.stack,
        live: live === undefined ? false : "error" in live ? { error: live.error } : true,
        databases: inventory.databases.map((db) => {
            const { cronJob, drill } = jobsOf(db);
            const snapshot = live && !("error" in live) ? live.newest.get(db.id) : undefined;
            return {
                id: db.id, state: db.state, schedule: db.backup.schedule, cronJob: cronJob ?? null,
                retainDays: db.backup.retainDays, drill: drill ?? null,
                newestSnapshot: snapshot ? {
                    id: snapshot.id, startTime: snapshot.startTime.toISOString(),
                    ageHours: Math.round((now.getTime() - snapshot.startTime.getTime()) / 36_000) / 100,
                } : null,
            };
        }),
    };
}

/** Runs the AWS CLI with the operator's credentials; any failure becomes the reason shown. */
export function readLiveSnapshots(stack: string, awsRegion: string, run = (args: string[]) => execFileSync("aws", args, { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] })): LiveSnapshots {
    try {
        return { newest: newestSnapshots(run(describeSnapshotsArgs(stack, awsRegion))) };
    } catch (error) {
        const err = error as { stderr?: string; message: string };
        return { error: (err.stderr || err.message).trim().split("\n").pop() ?? "the AWS CLI failed" };
    }
}
