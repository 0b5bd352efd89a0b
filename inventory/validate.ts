import { FieldReader } from "./fields";
import { InventoryError, ProblemList } from "./problems";
import { databaseWhere, readDatabase } from "./readDatabase";
import { RegionFacts, readRegion } from "./readRegion";
import { DatabaseSpec, Inventory, RegionSpec } from "./types";

/** The stack config as Pulumi hands it over: `questdb-cloud:region` and `questdb-cloud:databases`. */
export interface RawStackConfig {
    readonly stack: string;
    /** `aws:region`. */
    readonly awsRegion: unknown;
    readonly region: unknown;
    readonly databases: unknown;
    /** Whether `questdb-cloud:credentialsSeed` is set; only its presence is checked here. */
    readonly hasCredentialsSeed: boolean;
}

/**
 * Parses, defaults and validates a region stack's config. Throws one InventoryError that lists
 * every problem, before any resource is registered.
 */
export function validateInventory(raw: RawStackConfig): Inventory {
    const problems = new ProblemList();
    const facts = readRegion(raw, problems);
    const region = facts.spec;
    const databases = readDatabases(raw.databases, facts, problems);
    if (region && databases) {
        checkFleet(region, databases, problems);
    }
    if (problems.items.length > 0 || !region || !databases) {
        throw new InventoryError(raw.stack, problems.items);
    }
    return { region, databases };
}

function readDatabases(raw: unknown, region: RegionFacts, problems: ProblemList): DatabaseSpec[] | undefined {
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        problems.add("databases", "questdb-cloud:databases", raw, "expected a list", "write questdb-cloud:databases as a YAML list of database entries");
        return undefined;
    }
    // Array.from, not forEach: a hole in the list is an entry too (a missing one), never skipped.
    const read = Array.from(raw, (entry: unknown, index) => readDatabase(entry, index, region, problems));
    const databases = read.filter((d): d is DatabaseSpec => d !== undefined);
    return databases.length === raw.length ? databases : undefined;
}

/** Databases that hold an EKS node group: the ones the node group quota counts. */
export function holdsNodeGroup(database: DatabaseSpec): boolean {
    return database.state !== "decommissioned";
}

function checkFleet(region: RegionSpec, databases: DatabaseSpec[], problems: ProblemList): void {
    const seen = new Set<string>();
    for (const database of databases) {
        if (seen.has(database.id)) {
            problems.add(`database "${database.id}"`, "id", database.id, "appears more than once",
                "give each database a unique id; ids name every resource, so never reuse one");
        }
        seen.add(database.id);
        if (region.retiredIds.includes(database.id)) {
            problems.add(`database "${database.id}"`, "id", database.id,
                "was the id of a removed database (questdb-cloud:region.retiredIds); ids are never reused",
                "choose a new id: every resource, DNS name and snapshot tag derives from it");
        }
    }
    const counted = databases.filter(holdsNodeGroup).length;
    if (counted > region.maxDatabases) {
        problems.add("region", "maxDatabases", region.maxDatabases,
            `the stack lists ${counted} databases that hold a node group, more than maxDatabases allows`,
            "open a new region stack (or cluster) for more databases, or raise maxDatabases after raising the EKS node group quota");
    }
    for (const database of databases.filter((d) => d.adopt?.nodeGroupName && d.state === "decommissioned")) {
        new FieldReader({}, databaseWhere({ id: database.id }, 0), problems).problem("adopt.nodeGroupName",
            "a decommissioned database has no node group to adopt", "remove adopt.nodeGroupName", database.adopt?.nodeGroupName);
    }
}
