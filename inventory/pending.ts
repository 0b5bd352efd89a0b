/**
 * What waits for a maintenance window, as the program reports it (the `pending` stack output),
 * impact prints it and `qdb list` shows it. Pure: when the window next opens is a tool's question.
 */
import { DISRUPTIVE_FACTS, disruptiveFactsOf } from "./disruptive";
import { formatMaintenanceWindow } from "./maintenanceWindow";
import type { DatabaseSpec, Inventory, PendingChange } from "./types";

/** One database's entry of the `pending` stack output. */
export interface PendingReport {
    /** The window it waits for, normalised ("sun 02:00-04:00", UTC). */
    readonly maintenanceWindow: string;
    /** Per changed fact: what is deployed (live) and what the promotion will deploy. */
    readonly changes: Readonly<Record<string, { readonly live: string; readonly pending: string }>>;
}

export function pendingChanges(database: DatabaseSpec): PendingReport["changes"] {
    if (!database.pending) {
        return {};
    }
    const live = disruptiveFactsOf(database);
    const changed = DISRUPTIVE_FACTS.filter((fact) => live[fact] !== database.pending?.promoted[fact]);
    return Object.fromEntries(changed.map((fact) => [fact, { live: live[fact], pending: (database.pending as PendingChange).promoted[fact] }]));
}

/** Every database with a pending block, by id: the program's `pending` output. */
export function pendingReport(inventory: Inventory): Record<string, PendingReport> {
    const report: Record<string, PendingReport> = {};
    for (const database of inventory.databases) {
        if (database.pending && database.maintenanceWindow) {
            report[database.id] = { maintenanceWindow: formatMaintenanceWindow(database.maintenanceWindow), changes: pendingChanges(database) };
        }
    }
    return report;
}

/** One line per change, for impact and `qdb list`: "questdbVersion 8.2.3 -> 8.2.4". */
export function describeChanges(changes: PendingReport["changes"]): string {
    const short = (fact: string, value: string) => (fact === "serverConfChecksum" ? value.slice(0, 12) : value);
    return Object.entries(changes).map(([fact, c]) => `${fact} ${short(fact, c.live)} -> ${short(fact, c.pending)}`).join(", ") || "no change from the live fields";
}
