/**
 * Maintenance windows: "sun 02:00-04:00", a weekday and a UTC time range that may cross
 * midnight (into the next day). Pure: the program never reads a clock; tools that edit config
 * (qdb promote) pass the time in.
 */

export const MAINTENANCE_WINDOW_EXAMPLE = "sun 02:00-04:00";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface MaintenanceWindow {
    /** Day the window opens on (UTC). */
    readonly day: Weekday;
    /** Minutes after midnight UTC at which it opens. */
    readonly startMinute: number;
    /** Length in minutes, 1 to 1440 (a window that crosses midnight ends on the next day). */
    readonly durationMinutes: number;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const FORMAT = /^(sun|mon|tue|wed|thu|fri|sat) ([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

export type ParsedWindow = { readonly window: MaintenanceWindow } | { readonly problem: string };

/** Parses a window; a problem says what is wrong and shows the format. */
export function parseMaintenanceWindow(text: unknown): ParsedWindow {
    const expected = `expected "<day> HH:MM-HH:MM" in UTC with day one of ${WEEKDAYS.join(", ")}, e.g. "${MAINTENANCE_WINDOW_EXAMPLE}" (it may cross midnight: "sat 23:00-01:00")`;
    if (typeof text !== "string") {
        return { problem: `must be a string: ${expected}` };
    }
    const match = FORMAT.exec(text.trim().toLowerCase());
    if (!match || (match[4] === "24" && match[5] !== "00")) {
        return { problem: `is not a maintenance window: ${expected}` };
    }
    const start = Number(match[2]) * 60 + Number(match[3]);
    const end = Number(match[4]) * 60 + Number(match[5]);
    if (start === end) {
        return { problem: `opens and closes at the same time: ${expected}` };
    }
    const durationMinutes = end > start ? end - start : end + MINUTES_PER_DAY - start;
    return { window: { day: match[1] as Weekday, startMinute: start, durationMinutes } };
}

/** Minute of the week (Sunday 00:00 UTC = 0) of an instant. */
function minuteOfWeek(at: Date): number {
    return at.getUTCDay() * MINUTES_PER_DAY + at.getUTCHours() * 60 + at.getUTCMinutes();
}

/** Whether the window is open at this instant (start inclusive, end exclusive). */
export function windowOpenAt(window: MaintenanceWindow, at: Date): boolean {
    const opens = WEEKDAYS.indexOf(window.day) * MINUTES_PER_DAY + window.startMinute;
    const sinceOpen = (minuteOfWeek(at) - opens + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    return sinceOpen < window.durationMinutes;
}

/** The next instant at or after `from` at which the window opens (or `from`, when it is open). */
export function nextOpening(window: MaintenanceWindow, from: Date): Date {
    if (windowOpenAt(window, from)) {
        return from;
    }
    const opens = WEEKDAYS.indexOf(window.day) * MINUTES_PER_DAY + window.startMinute;
    const wait = (opens - minuteOfWeek(from) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    const startOfMinute = Math.floor(from.getTime() / 60_000) * 60_000;
    return new Date(startOfMinute + wait * 60_000);
}

/** The window as a Karpenter disruption budget: a UTC cron schedule and a duration. */
export function karpenterBudgetWindow(window: MaintenanceWindow): { readonly schedule: string; readonly duration: string } {
    const hours = Math.floor(window.durationMinutes / 60);
    const minutes = window.durationMinutes % 60;
    const duration = hours === 0 ? `${minutes}m` : minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
    const schedule = `${window.startMinute % 60} ${Math.floor(window.startMinute / 60)} * * ${WEEKDAYS.indexOf(window.day)}`;
    return { schedule, duration };
}

/** The window as people write it, normalised: "sun 02:00-04:00". */
export function formatMaintenanceWindow(window: MaintenanceWindow): string {
    const clock = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
    return `${window.day} ${clock(window.startMinute)}-${clock(window.startMinute + window.durationMinutes)}`;
}
