import { FieldReader } from "./fields";
import { isKnownInstanceType } from "./instanceTypes";
import { GP3 } from "./limits";
import { EXPECT } from "./patterns";
import { parseSchedule } from "./cron";
import { BackupSpec, DrillSpec, VolumeSpec } from "./types";

const VOLUME_FIELDS = ["sizeGiB", "iops", "throughputMiBps"];
const BACKUP_FIELDS = ["schedule", "retainDays", "drill"];
const DRILL_FIELDS = ["schedule"];
const SCHEDULE_EXPECTED = 'a DLM cron expression in UTC, at most hourly, such as "cron(0 3 * * ? *)"';

export function readInstanceType(d: FieldReader, required: boolean): string | undefined {
    const rule = { pattern: /^[a-z0-9-]+\.[a-z0-9]+$/, expected: EXPECT.instanceType };
    const value = required ? d.requireString("instanceType", rule) : d.optionalString("instanceType", rule);
    if (value && !isKnownInstanceType(value)) {
        d.problem("instanceType", "is not an EC2 instance type known to @pulumi/aws", `use ${EXPECT.instanceType}`);
        return undefined;
    }
    return value;
}

/** A volume block merged over `base`, field by field, then checked against gp3's limits. */
export function readVolume(parent: FieldReader, base: VolumeSpec): VolumeSpec | undefined {
    const v = parent.optionalObject("volume", "{sizeGiB, iops, throughputMiBps}");
    if (!v) {
        return parent.has("volume") ? undefined : base;
    }
    v.rejectUnknownFields(VOLUME_FIELDS);
    const sizeGiB = v.optionalInteger("sizeGiB", { min: GP3.minSizeGiB, max: GP3.maxSizeGiB, unit: "GiB" });
    const iops = v.optionalInteger("iops", { min: GP3.minIops, max: GP3.maxIops, unit: "IOPS" });
    const throughputMiBps = v.optionalInteger("throughputMiBps", { min: GP3.minThroughputMiBps, max: GP3.maxThroughputMiBps, unit: "MiB/s" });
    if ((v.has("sizeGiB") && !sizeGiB) || (v.has("iops") && !iops) || (v.has("throughputMiBps") && !throughputMiBps)) {
        return undefined;
    }
    const volume = { sizeGiB: sizeGiB ?? base.sizeGiB, iops: iops ?? base.iops, throughputMiBps: throughputMiBps ?? base.throughputMiBps };
    checkVolumeRatios(v, volume);
    return volume;
}

function checkVolumeRatios(v: FieldReader, volume: VolumeSpec): void {
    // The 3000 IOPS baseline comes with any size; the per-GiB ratio limits only what is provisioned above it.
    if (volume.iops > GP3.minIops && volume.iops > volume.sizeGiB * GP3.maxIopsPerGiB) {
        const minSize = Math.ceil(volume.iops / GP3.maxIopsPerGiB);
        v.problem("iops", `gp3 allows at most ${GP3.maxIopsPerGiB} IOPS per GiB, and the volume has ${volume.sizeGiB} GiB`,
            `lower iops to ${volume.sizeGiB * GP3.maxIopsPerGiB} or raise sizeGiB to at least ${minSize}`, volume.iops);
    }
    if (volume.throughputMiBps > volume.iops * GP3.maxThroughputPerIops) {
        v.problem("throughputMiBps", `gp3 allows at most ${GP3.maxThroughputPerIops} MiB/s per IOPS, and the volume has ${volume.iops} IOPS`,
            `lower throughputMiBps to ${volume.iops * GP3.maxThroughputPerIops} or raise iops to at least ${volume.throughputMiBps / GP3.maxThroughputPerIops}`,
            volume.throughputMiBps);
    }
}

/** A schedule that a Kubernetes CronJob can run (inventory/cron.ts), or undefined with a problem. */
function readSchedule(b: FieldReader, key: string): string | undefined {
    const schedule = b.optionalString(key, { expected: SCHEDULE_EXPECTED });
    const parsed = schedule === undefined ? undefined : parseSchedule(schedule);
    if (typeof parsed === "string") {
        b.problem(key, `cannot be scheduled: ${parsed}`, `set ${b.path(key)} to ${SCHEDULE_EXPECTED}`);
        return undefined;
    }
    return schedule;
}

function readDrill(b: FieldReader, base: DrillSpec | undefined): DrillSpec | undefined | false {
    const d = b.optionalObject("drill", '{schedule: "cron(0 5 ? * SUN *)"}');
    if (!d) {
        return b.has("drill") ? false : base;
    }
    d.rejectUnknownFields(DRILL_FIELDS);
    if (!d.has("schedule")) {
        d.problem("schedule", "this field is required", `set ${d.path("schedule")} to ${SCHEDULE_EXPECTED}`);
        return false;
    }
    const schedule = readSchedule(d, "schedule");
    return schedule === undefined ? false : { schedule };
}

/** A backup block merged over `base`, field by field; `drill` is one field. */
export function readBackup(parent: FieldReader, base: BackupSpec): BackupSpec | undefined {
    const b = parent.optionalObject("backup", '{schedule: "cron(0 3 * * ? *)", retainDays: 7, drill: {schedule: "cron(0 5 ? * SUN *)"}}');
    if (!b) {
        return parent.has("backup") ? undefined : base;
    }
    b.rejectUnknownFields(BACKUP_FIELDS);
    const schedule = readSchedule(b, "schedule");
    const retainDays = b.optionalInteger("retainDays", { min: 1, max: 3650, unit: "days" });
    const drill = readDrill(b, base.drill);
    if ((b.has("schedule") && !schedule) || (b.has("retainDays") && !retainDays) || drill === false) {
        return undefined;
    }
    const merged = { schedule: schedule ?? base.schedule, retainDays: retainDays ?? base.retainDays };
    return drill ? { ...merged, drill } : merged;
}
