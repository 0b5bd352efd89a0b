/**
 * Backup and drill schedules are written in DLM's cron form, `cron(min hour dom month dow year)`,
 * the config contract since scheduled snapshots were a DLM policy. They now run as Kubernetes
 * CronJobs, so this module converts them and refuses what a CronJob cannot express. Pure.
 */

/** A scheduled run that holds a QuestDB checkpoint and an EBS snapshot slot: at most hourly. */
export const MIN_INTERVAL_SECONDS = 3600;

interface FieldRule {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
}

// AWS numbers days of the week 1-7 from Sunday; Kubernetes 0-6 from Sunday.
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const RULES: readonly FieldRule[] = [
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day-of-week", min: 1, max: 7, names: DAYS },
];

export interface ParsedSchedule {
    /** The same schedule in Kubernetes CronJob syntax (5 fields, evaluated in UTC). */
    readonly kubernetes: string;
    /** The longest gap between two consecutive runs, in seconds: what "twice the schedule" doubles. */
    readonly intervalSeconds: number;
}

class CronError extends Error {}

/** Allowed values of one field; `open` when written as `*` or `?`. */
function expand(text: string, rule: FieldRule): { values: Set<number>; open: boolean } {
    const values = new Set<number>();
    const token = (t: string): number => {
        const named = rule.names?.indexOf(t.toUpperCase()) ?? -1;
        const n = named >= 0 ? named + rule.min : /^\d+$/.test(t) ? Number(t) : NaN;
        if (!(n >= rule.min && n <= rule.max)) {
            throw new CronError(`the ${rule.name} field has "${t}", outside ${rule.min}-${rule.max}`);
        }
        return n;
    };
    for (const item of text.split(",")) {
        const [base, stepText, extra] = item.split("/");
        const step = stepText === undefined ? 1 : Number(stepText);
        if (extra !== undefined || !(Number.isInteger(step) && step >= 1)) {
            throw new CronError(`the ${rule.name} field has a bad step in "${item}"`);
        }
        const [from, to] = base === "*" || base === "?" ? [rule.min, rule.max]
            : base.includes("-") ? base.split("-").map(token) as [number, number]
                : [token(base), stepText === undefined ? token(base) : rule.max];
        for (let n = from; n <= to; n += step) {
            values.add(n);
        }
    }
    return { values, open: text === "*" || text === "?" };
}

/** Shifts every day number of a day-of-week field from AWS's 1-7 to Kubernetes' 0-6; steps and names stay. */
function kubernetesDayOfWeek(text: string): string {
    return text.split(",").map((item) => {
        const [base, step] = item.split("/");
        const shifted = base === "?" ? "*" : base.replace(/\d+/g, (n) => String(Number(n) - 1));
        return step === undefined ? shifted : `${shifted}/${step}`;
    }).join(",");
}

const REFERENCE_START = Date.UTC(2024, 0, 1);
/** Two years from a leap year: every monthly and yearly pattern repeats inside it. */
const HORIZON_DAYS = 731;

function longestGapSeconds(fields: ReturnType<typeof expand>[]): number {
    const [minutes, hours, dom, month, dow] = fields;
    let previous: number | undefined;
    let longest = 0;
    let count = 0;
    const run = (t: number) => {
        longest = previous === undefined ? longest : Math.max(longest, t - previous);
        previous = t;
        count++;
    };
    const hourList = [...hours.values].sort((a, b) => a - b);
    const minuteList = [...minutes.values].sort((a, b) => a - b);
    for (let day = 0; day < HORIZON_DAYS; day++) {
        const date = new Date(REFERENCE_START + day * 86_400_000);
        const domHit = dom.values.has(date.getUTCDate());
        const dowHit = dow.values.has(date.getUTCDay() + 1);
        // Cron's rule: with both day fields restricted a day matches either; otherwise both.
        const dayHit = !dom.open && !dow.open ? domHit || dowHit : domHit && dowHit;
        if (!dayHit || !month.values.has(date.getUTCMonth() + 1)) {
            continue;
        }
        for (const h of hourList) {
            for (const m of minuteList) {
                run(date.getTime() / 1000 + h * 3600 + m * 60);
            }
        }
    }
    if (count < 2) {
        throw new CronError("it runs less than twice in two years");
    }
    return longest;
}

function parseUncached(schedule: string): ParsedSchedule {
    const match = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(schedule);
    if (!match) {
        throw new CronError("it is not of the form cron(minutes hours day-of-month month day-of-week year)");
    }
    const parts = match.slice(1, 6);
    const year = match[6];
    if (year !== "*") {
        throw new CronError(`its year field "${year}" cannot be expressed by a Kubernetes CronJob`);
    }
    if (/[LW#]/i.test(parts.join(" ").replace(/[A-Z]{3}/gi, (n) => (MONTHS.includes(n.toUpperCase()) || DAYS.includes(n.toUpperCase()) ? "N" : n)))) {
        throw new CronError("L, W and # have no Kubernetes cron equivalent");
    }
    if ((parts[2] === "?") === (parts[4] === "?")) {
        throw new CronError("exactly one of day-of-month and day-of-week must be \"?\", as in DLM");
    }
    const fields = parts.map((text, i) => expand(text, RULES[i]));
    const intervalSeconds = longestGapSeconds(fields);
    const kubernetes = [...parts.slice(0, 4).map((p) => (p === "?" ? "*" : p)), kubernetesDayOfWeek(parts[4])].join(" ");
    return { kubernetes, intervalSeconds };
}

const cache = new Map<string, ParsedSchedule | string>();

/**
 * The schedule as a CronJob runs it, or the reason it cannot be (a string). Cached: a region has
 * a handful of distinct schedules and a thousand databases.
 */
export function parseSchedule(schedule: string): ParsedSchedule | string {
    let parsed = cache.get(schedule);
    if (parsed === undefined) {
        try {
            parsed = parseUncached(schedule);
            if (parsed.intervalSeconds < MIN_INTERVAL_SECONDS) {
                parsed = `it runs every ${parsed.intervalSeconds / 60} minutes; a checkpointed snapshot may run at most hourly`;
            }
        } catch (err) {
            if (!(err instanceof CronError)) {
                throw err;
            }
            parsed = err.message;
        }
        cache.set(schedule, parsed);
    }
    return parsed;
}

/** For components: the schedule was validated, so a reason here is a bug. */
export function validSchedule(schedule: string): ParsedSchedule {
    const parsed = parseSchedule(schedule);
    if (typeof parsed === "string") {
        throw new Error(`unvalidated schedule ${schedule}: ${parsed}`);
    }
    return parsed;
}
