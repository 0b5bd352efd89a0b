import { DEFAULTS } from "./defaults";
import { FieldReader, isPlainObject } from "./fields";
import { InventoryError, ProblemList } from "./problems";
import { databaseWhere, readDatabase } from "./readDatabase";
import { RegionFacts, readRegion } from "./readRegion";
import { DatabaseSpec, Inventory, MovedOut } from "./types";
import { isMovedEntry, readMovedOut } from "./moves";
import type { RawStackConfig } from "./rawConfig";

export type { RawStackConfig } from "./rawConfig";


/**
 * Parses, defaults and validates a region stack's config. Throws one InventoryError that lists
 * every problem, before any resource is registered.
 */
export function validateInventory(raw: RawStackConfig): Inventory {
    const problems = new ProblemList();
    const facts = readRegion(raw, problems);
    const region = facts.spec;
    const entries = readDatabases(raw.databases, facts, problems);
    // Across entries, on every entry as written: one bad entry must not hide a duplicate id or a
    // capacity overrun elsewhere, so one preview lists everything.
    checkFleet(fleetEntries(raw.databases), facts, problems);
    if (problems.items.length > 0 || !region || !entries) {
        throw new InventoryError(raw.stack, problems.items);
    }
    return { region, ...entries };
}

/** The entries: full ones as databases, `{id, movedTo}` markers as moves out (inventory/moves.ts). */
function readDatabases(raw: unknown, region: RegionFacts, problems: ProblemList): { databases: DatabaseSpec[]; movedOut: MovedOut[] } | undefined {
    if (raw === undefined) {
        return { databases: [], movedOut: [] };
    }
    if (!Array.isArray(raw)) {
        problems.add("databases", "questdb-cloud:databases", raw, "expected a list", "write questdb-cloud:databases as a YAML list of database entries");
        return undefined;
    }
    // Array.from, not forEach: a hole in the list is an entry too (a missing one), never skipped.
    const read = Array.from(raw, (entry: unknown, index) => isMovedEntry(entry)
        ? readMovedOut(entry, databaseWhere(entry, index), region, region.stack, problems)
        : readDatabase(entry, index, region, problems));
    const databases = read.filter((d): d is DatabaseSpec => d !== undefined && "availabilityZone" in d);
    const movedOut = read.filter((d): d is MovedOut => d !== undefined && "to" in d);
    return databases.length + movedOut.length === raw.length ? { databases, movedOut } : undefined;
}

/** Databases that hold an EKS node group: the ones the node group quota counts. */
export function holdsNodeGroup(database: DatabaseSpec): boolean {
    return database.state !== "decommissioned";
}

/** What the fleet-wide checks need of one entry, read from the entry as written, valid or not. */
export interface FleetEntry {
    readonly index: number;
    /** The id when it is a non-empty string, valid or not. */
    readonly id?: string;
    /** The state as written; anything but "decommissioned" holds a node group. */
    readonly state: unknown;
    readonly adoptNodeGroupName: unknown;
    /** A `{id, movedTo}` marker: its database is another stack's, so it holds nothing here. */
    readonly moved: boolean;
}

export function fleetEntries(raw: unknown): FleetEntry[] {
    if (!Array.isArray(raw)) {
        return [];
    }
    return Array.from(raw, (entry: unknown, index) => {
        const e = isPlainObject(entry) ? entry : {};
        const adopt = isPlainObject(e.adopt) ? e.adopt : {};
        return {
            index, id: typeof e.id === "string" && e.id !== "" ? e.id : undefined, state: e.state ?? DEFAULTS.state, adoptNodeGroupName: adopt.nodeGroupName,
            moved: isMovedEntry(entry),
        };
    });
}

/** Checks across entries. Runs on every entry, including those with problems of their own. */
function checkFleet(entries: FleetEntry[], facts: RegionFacts, problems: ProblemList): void {
    const { maxDatabases, retiredIds = [] } = facts;
    const seen = new Set<string>();
    for (const { id } of entries) {
        if (id !== undefined && seen.has(id)) {
            problems.add(`database "${id}"`, "id", id, "appears more than once",
                "give each database a unique id; ids name every resource, so never reuse one");
        }
        if (id !== undefined) {
            seen.add(id);
        }
        if (id !== undefined && retiredIds.includes(id)) {
            problems.add(`database "${id}"`, "id", id,
                "was the id of a removed database (questdb-cloud:region.retiredIds); ids are never reused",
                "choose a new id: every resource, DNS name and snapshot tag derives from it");
        }
    }
    // An entry whose state is unreadable counts: it would hold a node group once fixed to active.
    const counted = entries.filter((e) => !e.moved && e.state !== "decommissioned").length;
    if (maxDatabases !== undefined && counted > maxDatabases) {
        problems.add("region", "maxDatabases", maxDatabases,
            `the stack lists ${counted} databases that hold a node group, more than maxDatabases allows`,
            "open a new region stack (or cluster) for more databases, or raise maxDatabases after raising the EKS node group quota");
    }
    for (const e of entries.filter((x) => x.adoptNodeGroupName !== undefined && x.state === "decommissioned")) {
        new FieldReader({}, databaseWhere({ id: e.id }, e.index), problems).problem("adopt.nodeGroupName",
            "a decommissioned database has no node group to adopt", "remove adopt.nodeGroupName", e.adoptNodeGroupName);
    }
}
