/**
 * qdb and maintenance windows (docs/decisions.md, "Maintenance windows"): `qdb set` writes a
 * disruptive change of a database with a window under its `pending:` block, and `qdb promote`
 * moves each pending block whose window is open into the live fields. Time enters here, from the
 * clock or `--now`, never in the program: promote stamps `promotedAt`, which the program checks
 * against the window.
 */
import { Document, Scalar, isMap } from "yaml";
import {
    DatabaseSpec, Inventory, InventoryError, PENDING_FIELDS, StackFile, describeChanges, formatMaintenanceWindow, nextOpening, offlineInventoryOf,
    pendingChanges, windowOpenAt,
} from "../../inventory";
import type { Assignment } from "./args";
import { DATABASES_PATH, indexOfDatabase } from "./edits";
import { QdbError, USAGE_EXIT } from "./errors";
import { Target, shellWord } from "./files";

/** How often .github/workflows/promote.yml runs; said wherever qdb tells when a change applies. */
export const PROMOTION_EVERY = "15 minutes";

/** `--now`, or the clock: an ISO 8601 instant with a zone, since windows are UTC. */
export function instantOf(text: string | undefined, clock: () => Date = () => new Date()): Date {
    if (text === undefined) {
        return clock();
    }
    const at = new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(at.getTime())) {
        throw new QdbError(`--now "${text}" is not an ISO 8601 instant with a zone; write it like 2026-12-06T02:15:00Z`, USAGE_EXIT);
    }
    return at;
}

/** The instant as `promotedAt` holds it: UTC, to the second. */
export function stamp(at: Date): string {
    return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The validated inventory, or undefined when the file does not validate (the edit's own checks then speak). */
function inventoryOf(file: StackFile): Inventory | undefined {
    try {
        return offlineInventoryOf(file);
    } catch (error) {
        if (error instanceof InventoryError) {
            return undefined;
        }
        throw error;
    }
}

/** On the Karpenter path node changes wait in the NodePool's Drifted budget (inventory/windowCheck.ts): live. */
function heldByKarpenter(database: DatabaseSpec, assignments: readonly Assignment[], a: Assignment): boolean {
    return database.nodeProvisioner === "karpenter" && ["nodeImage", "instanceType"].includes(a.path[0])
        && !assignments.some((x) => x.path[0] === "nodeProvisioner");
}

/** The assignments of `qdb set` that go under `pending:`: disruptive ones, of an active database with a window, without an override. */
export function pendingAssignments(file: StackFile, id: string, assignments: readonly Assignment[]): Assignment[] {
    const database = inventoryOf(file)?.databases.find((d) => d.id === id);
    if (!database?.maintenanceWindow || database.state !== "active" || assignments.some((a) => a.path[0] === "maintenanceOverride")) {
        return [];
    }
    return assignments.filter((a) => (PENDING_FIELDS as readonly string[]).includes(a.path[0]) && !heldByKarpenter(database, assignments, a));
}

/**
 * Writes one assignment under the entry's `pending:`. server.conf is pending as a whole map (the
 * promotion replaces the live one), so the first pending key starts from the live map.
 */
export function setPendingField(doc: Document, where: Target, id: string, a: Assignment): void {
    const entry = [...DATABASES_PATH, indexOfDatabase(doc, id, where)];
    if (!isMap(doc.getIn([...entry, "pending"]))) {
        doc.setIn([...entry, "pending"], doc.createNode({}));
    }
    if (a.path[0] === "serverConf" && doc.getIn([...entry, "pending", "serverConf"]) === undefined) {
        const live = doc.getIn([...entry, "serverConf"]);
        doc.setIn([...entry, "pending", "serverConf"], doc.createNode(isMap(live) ? live.toJSON() : {}));
    }
    const value = Array.isArray(a.value) ? doc.createNode([...a.value], { flow: true }) : a.value;
    doc.setIn([...entry, "pending", ...a.path], value);
}

/** What `qdb set` says of the fields it wrote under `pending:`: the window, and when it applies. */
export function pendingNote(file: StackFile, id: string, pending: readonly Assignment[], target: Target, now: Date): string {
    const database = inventoryOf(file)?.databases.find((d) => d.id === id) as DatabaseSpec;
    const window = database.maintenanceWindow as NonNullable<DatabaseSpec["maintenanceWindow"]>;
    const opens = nextOpening(window, now);
    const keys = pending.map((a) => a.key).join(", ");
    const assigned = pending.map((a) => shellWord(`${a.key}=${a.text}`)).join(" ");
    return `${keys} of "${id}" restart${pending.length === 1 ? "s" : ""} or move${pending.length === 1 ? "s" : ""} it, and it has maintenance window "${formatMaintenanceWindow(window)}" (UTC): `
        + `written under pending:, not deployed now. It applies when \`npx qdb promote ${target.flag}\` runs in the window (the promote workflow, every ${PROMOTION_EVERY}), `
        + `next opening ${opens === now ? `now (${stamp(now)})` : stamp(opens)}. To apply it now instead: \`npx qdb set ${target.flag} ${id} ${assigned} maintenanceOverride="<reason>"\``;
}

/** The databases whose pending block `qdb promote` moves at `now`, and those still waiting. */
export function promotionsAt(inventory: Inventory, now: Date): { due: DatabaseSpec[]; waiting: DatabaseSpec[] } {
    const pending = inventory.databases.filter((d) => d.pending && d.maintenanceWindow);
    const open = (d: DatabaseSpec) => windowOpenAt(d.maintenanceWindow as NonNullable<DatabaseSpec["maintenanceWindow"]>, now);
    return { due: pending.filter(open), waiting: pending.filter((d) => !open(d)) };
}

/** Moves database `id`'s pending block into its live fields and stamps the promotion. Nothing else changes. */
export function promoteEntry(doc: Document, where: Target, id: string, now: Date): void {
    const entry = [...DATABASES_PATH, indexOfDatabase(doc, id, where)];
    const pending = doc.getIn([...entry, "pending"], true);
    if (!isMap(pending)) {
        return;
    }
    for (const item of pending.items) {
        const key = String((item.key as { value?: unknown })?.value ?? item.key);
        doc.setIn([...entry, key], item.value);
        const excluded = key === "questdbVersion" ? "channel" : key === "channel" ? "questdbVersion" : undefined;
        if (excluded) {
            doc.deleteIn([...entry, excluded]);
        }
    }
    doc.deleteIn([...entry, "pending"]);
    // Quoted, so that no YAML reader takes it for a timestamp rather than the string the validator expects.
    const at = new Scalar(stamp(now));
    at.type = "QUOTE_DOUBLE";
    doc.setIn([...entry, "promotedAt"], at);
}

/** One line per pending database: its window, when it next opens, and what will change. */
export function waitingLines(databases: readonly DatabaseSpec[], now?: Date): string[] {
    return databases.map((d) => {
        const window = d.maintenanceWindow as NonNullable<DatabaseSpec["maintenanceWindow"]>;
        const opens = now ? `, next opening ${stamp(nextOpening(window, now))}` : "";
        return `  ${d.id}: window ${formatMaintenanceWindow(window)}${opens}: ${describeChanges(pendingChanges(d))}`;
    });
}

/** `qdb list`'s section on pending changes and overrides; empty when there are none. */
export function maintenanceSection(inventory: Inventory): string[] {
    const pending = inventory.databases.filter((d) => d.pending && d.maintenanceWindow);
    const overrides = inventory.databases.filter((d) => d.maintenanceOverride !== undefined);
    return [
        ...(pending.length > 0 ? ["", "Pending (not deployed; `qdb promote` applies each in its window):", ...waitingLines(pending)] : []),
        ...(overrides.length > 0 ? ["", "Maintenance overrides:", ...overrides.map((d) => `  ${d.id}: ${JSON.stringify(d.maintenanceOverride)}`)] : []),
    ];
}
