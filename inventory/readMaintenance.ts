/**
 * The maintenance fields of an entry and of the region defaults: `maintenanceWindow`, the
 * `pending:` block, `maintenanceOverride` and `promotedAt` (docs/decisions.md, "Maintenance
 * windows"). Pure and clock-free: whether a window is open is asked only by tools, with a time.
 */
import { FieldReader } from "./fields";
import { MAINTENANCE_WINDOW_EXAMPLE, MaintenanceWindow, parseMaintenanceWindow } from "./maintenanceWindow";
import { PENDING_FIELDS, disruptiveFactsOf, promotedEntry } from "./disruptive";
import { ProblemList } from "./problems";
import type { DatabaseSpec, PendingChange } from "./types";

/**
 * The promotion workflow (.github/workflows/promote.yml) runs every 15 minutes and GitHub may
 * delay or drop a scheduled run: an hour gives it several chances inside every window.
 */
export const MIN_WINDOW_MINUTES = 60;

const OVERRIDE = /^[^\u0000-\u001f\u007f]{3,200}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** A window field: undefined when absent, null when bad (a problem is recorded). */
export function readWindowField(r: FieldReader): MaintenanceWindow | undefined | null {
    if (!r.has("maintenanceWindow")) {
        return undefined;
    }
    const parsed = parseMaintenanceWindow(r.raw("maintenanceWindow"));
    const fix = `write it like "${MAINTENANCE_WINDOW_EXAMPLE}" (UTC), or remove it to allow changes at any time`;
    if ("problem" in parsed) {
        r.problem("maintenanceWindow", parsed.problem, fix);
        return null;
    }
    if (parsed.window.durationMinutes < MIN_WINDOW_MINUTES) {
        r.problem("maintenanceWindow", `is ${parsed.window.durationMinutes} minutes long, shorter than ${MIN_WINDOW_MINUTES}: `
            + "the promotion workflow runs every 15 minutes and a scheduled run may be delayed", `make it at least an hour, such as "${MAINTENANCE_WINDOW_EXAMPLE}"`);
        return null;
    }
    return parsed.window;
}

export interface MaintenanceFields {
    readonly maintenanceWindow?: MaintenanceWindow;
    readonly pending?: PendingChange;
    readonly maintenanceOverride?: string;
    readonly promotedAt?: string;
}

/** Validates an entry as if it were live: the validator's own database reader, passed in (no import circle). */
export type ReadEntry = (entry: unknown, problems: ProblemList) => DatabaseSpec | undefined;

/** The maintenance fields of one entry; undefined when one is bad (problems recorded). */
export function readMaintenanceFields(
    d: FieldReader, entry: Record<string, unknown>, regionWindow: MaintenanceWindow | undefined, readEntry: ReadEntry, problems: ProblemList,
): MaintenanceFields | undefined {
    const before = problems.items.length;
    const own = readWindowField(d);
    const maintenanceWindow = own === null ? undefined : own ?? regionWindow;
    const maintenanceOverride = d.optionalString("maintenanceOverride", {
        pattern: OVERRIDE, expected: 'the reason the change may not wait for the window, on one line, such as "hotfix for a crash, ticket OPS-123"',
    });
    const promotedAt = readPromotedAt(d);
    const pending = own === null ? undefined : readPending(d, entry, maintenanceWindow, readEntry, problems);
    return problems.items.length > before ? undefined : { maintenanceWindow, pending, maintenanceOverride, promotedAt };
}

function readPromotedAt(d: FieldReader): string | undefined {
    const value = d.optionalString("promotedAt", { pattern: INSTANT, expected: 'the UTC instant `qdb promote` wrote, such as "2026-12-06T02:15:00Z"' });
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
        d.problem("promotedAt", "is not a real instant", "remove it; `qdb promote` writes it");
        return undefined;
    }
    return value;
}

/**
 * A pending block is checked as the entry it will become once promoted, with the database
 * reader itself; its problems are reported under `pending.<field>`.
 */
function readPending(
    d: FieldReader, entry: Record<string, unknown>, window: MaintenanceWindow | undefined, readEntry: ReadEntry, problems: ProblemList,
): PendingChange | undefined {
    const p = d.optionalObject("pending", `any of ${PENDING_FIELDS.join(", ")}`);
    if (!p) {
        return undefined;
    }
    p.rejectUnknownFields(PENDING_FIELDS);
    const fields = Object.fromEntries(p.entries().filter(([key]) => (PENDING_FIELDS as readonly string[]).includes(key)));
    if (Object.keys(fields).length === 0) {
        d.problem("pending", "holds no change", `remove the empty block, or write one of ${PENDING_FIELDS.join(", ")} under it`);
        return undefined;
    }
    if (p.has("questdbVersion") && p.has("channel")) {
        p.problem("channel", `is set together with pending.questdbVersion "${String(p.raw("questdbVersion"))}"`, "either pin a version or follow a channel: remove one of them");
        return undefined;
    }
    if (!window) {
        d.problem("pending", "the database has no maintenanceWindow (nor does the region's defaults), so nothing waits for one",
            `move these fields into the entry itself, or add maintenanceWindow: "${MAINTENANCE_WINDOW_EXAMPLE}"`, fields);
        return undefined;
    }
    const scratch = new ProblemList();
    const promoted = readEntry(promotedEntry({ ...entry, pending: fields }), scratch);
    for (const problem of scratch.items) {
        const top = problem.field.split(".")[0];
        if (top in fields || (top === "allowDangerousServerConf" && "serverConf" in fields)) {
            problems.add(problem.where, `pending.${problem.field}`, problem.value, problem.reason, problem.fix.replace(/^set (?!pending\.)/, "set pending."));
        }
    }
    // Problems of the live fields were reported by the live read already.
    if (!promoted || scratch.items.length > 0) {
        return undefined;
    }
    return { fields, promoted: disruptiveFactsOf(promoted) };
}
