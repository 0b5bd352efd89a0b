/**
 * `qdb list`: the databases of one stack as a table, then the count per AZ and against
 * maxDatabases. Values come from validateInventory, so what is listed is what the program
 * deploys, defaults applied; an invalid file is listed as written, marked, with its problems.
 */
import { DEFAULTS, DatabaseSpec, InventoryError, MovedOut, RawStackConfig, holdsNodeGroup, validateInventory } from "../../inventory";
import { isMovedEntry } from "../../inventory/moves";
import { databasesPerAz } from "./edits";
import { maintenanceSection } from "./maintenance";

type Row = readonly string[];

const HEADER: Row = ["ID", "STATE", "AZ", "INSTANCE TYPE", "SIZE (GiB)", "VERSION", "CHANNEL"];

/** A validated database as a row. `channel` may not exist in the inventory yet: "-" then. */
function specRow(db: DatabaseSpec): Row {
    return [db.id, db.state, db.availabilityZone, db.instanceType, String(db.volume.sizeGiB), db.questdbVersion, db.channel ?? "-"];
}

/** A raw entry as a row, for a file that does not validate: unset fields show "(default)". */
function rawRow(entry: unknown): Row {
    const e = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const show = (value: unknown): string => (value === undefined ? "(default)" : String(value));
    const volume = (e.volume ?? {}) as Record<string, unknown>;
    return [show(e.id), show(e.state ?? DEFAULTS.state), show(e.availabilityZone), show(e.instanceType),
        show(volume.sizeGiB), show(e.questdbVersion), show(e.channel ?? "-")];
}

export function formatTable(rows: readonly Row[]): string {
    const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
    return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join("  ").trimEnd()).join("\n");
}

/** The per-AZ line: the counts `qdb add` balances (databasesPerAz), so list and add agree. */
function perAz(databases: readonly unknown[]): string {
    const counts = [...databasesPerAz(databases)].sort(([a], [b]) => a.localeCompare(b));
    return `Per AZ (decommissioned not counted): ${counts.map(([az, count]) => `${az}: ${count}`).join(", ") || "(none)"}`;
}

/** The whole `list` output for one stack. `problems` is set when the file does not validate. */
/** Markers of databases handed to other cells (`qdb move`): not databases of this stack, but named so nobody looks for them here. */
function movedLine(moved: readonly MovedOut[]): string[] {
    return moved.length === 0 ? [] : [`Moved to other cells: ${moved.map((m) => `${m.id} (to ${m.to})`).join(", ")}`];
}

export function formatList(raw: RawStackConfig): { text: string; problems?: InventoryError } {
    try {
        const inventory = validateInventory(raw);
        const rows = inventory.databases.map(specRow);
        const counted = inventory.databases.filter(holdsNodeGroup).length;
        const summary = [
            perAz(inventory.databases),
            `Databases: ${rows.length}, ${counted} holding a node group, of maxDatabases ${inventory.region.maxDatabases}`,
            ...movedLine(inventory.movedOut ?? []),
        ];
        return { text: [formatTable([HEADER, ...rows]), "", ...summary, ...maintenanceSection(inventory)].join("\n") };
    } catch (error) {
        if (!(error instanceof InventoryError)) {
            throw error;
        }
        const entries: unknown[] = (Array.isArray(raw.databases) ? raw.databases : []).filter((e) => !isMovedEntry(e));
        const rows = entries.map(rawRow);
        const max = (raw.region as { maxDatabases?: unknown } | undefined)?.maxDatabases ?? DEFAULTS.maxDatabases;
        const summary = [
            perAz(entries),
            `Databases: ${rows.length} of maxDatabases ${String(max)}`,
            "(as written: the file does not validate, so defaults are not applied)",
        ];
        return { text: [formatTable([HEADER, ...rows]), "", ...summary].join("\n"), problems: error };
    }
}
