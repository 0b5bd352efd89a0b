import { isPlainObject } from "./fields";
import { InventoryError, Problem } from "./problems";
import { STATES } from "./readDatabase";
import { StackFile, offlineInventoryOf } from "./stackFile";
import { DatabaseSpec, DatabaseState, Inventory } from "./types";

/**
 * What the last deployment recorded about a database, read back from the stack's own outputs.
 * These are the facts an edit must not contradict: data lives in this AZ, on a volume this big.
 */
export interface DeployedFacts {
    readonly state: DatabaseState;
    readonly availabilityZone?: string;
    readonly sizeGiB?: number;
    readonly questdbVersion?: string;
    readonly restoreFromSnapshot?: string;
}

export function deployedFactsOf(database: DatabaseSpec): DeployedFacts {
    return {
        state: database.state,
        availabilityZone: database.availabilityZone,
        sizeGiB: database.volume.sizeGiB,
        questdbVersion: database.questdbVersion,
        restoreFromSnapshot: database.restoreFromSnapshot,
    };
}

/**
 * Reads the `databases` stack output of the last deployment. None means a first deployment. An
 * output it cannot read fails closed: silently reading nothing would switch every check off.
 */
export function parseDeployedFacts(output: unknown, stack = "(this stack)"): Record<string, DeployedFacts> {
    if (output === undefined || output === null) {
        return {};
    }
    const unreadable = (id: string, value: unknown) => new InventoryError(stack, [{
        where: "region", field: `databases output of the last deployment${id ? `, "${id}"` : ""}`, value,
        reason: "cannot be read, so this change cannot be checked against what is deployed",
        fix: "run `pulumi stack output databases --json` to see it; a deployment by this program's current version writes it correctly",
    }]);
    if (!isPlainObject(output)) {
        throw unreadable("", output);
    }
    const facts: Record<string, DeployedFacts> = {};
    for (const [id, value] of Object.entries(output)) {
        if (!isPlainObject(value) || typeof value.state !== "string" || !STATES.includes(value.state as DatabaseState)) {
            throw unreadable(id, value);
        }
        facts[id] = value as unknown as DeployedFacts;
    }
    return facts;
}

function majorOf(version: string): number {
    return Number(version.split(".")[0]);
}

function problem(id: string, field: string, value: unknown, reason: string, fix: string): Problem {
    return { where: `database "${id}"`, field, value, reason, fix };
}

function checkRemoved(id: string, was: DeployedFacts): Problem[] {
    if (was.state === "decommissioned") {
        return [];
    }
    return [problem(id, "(entry)", "(removed)", `the entry was removed while the database is ${was.state}; that would delete the database`,
        "put the entry back, set `state: decommissioned` and deploy; remove the entry in a later change (the volume and a final snapshot are kept)")];
}

function checkChanged(database: DatabaseSpec, was: DeployedFacts): Problem[] {
    const found: Problem[] = [];
    const { id } = database;
    if (was.availabilityZone && was.availabilityZone !== database.availabilityZone) {
        found.push(problem(id, "availabilityZone", database.availabilityZone, `the data volume lives in ${was.availabilityZone}; an EBS volume cannot move`,
            `set availabilityZone back to ${was.availabilityZone}; to move a customer, restore a snapshot into a new database (restoreFromSnapshot) in the new AZ`));
    }
    if (was.sizeGiB !== undefined && database.volume.sizeGiB < was.sizeGiB) {
        found.push(problem(id, "volume.sizeGiB", database.volume.sizeGiB, `the volume has ${was.sizeGiB} GiB and EBS volumes cannot shrink`,
            `set volume.sizeGiB to ${was.sizeGiB} or more`));
    }
    if (was.questdbVersion && majorOf(database.questdbVersion) < majorOf(was.questdbVersion) && !database.allowMajorDowngrade) {
        found.push(problem(id, "questdbVersion", database.questdbVersion, `this downgrades ${was.questdbVersion} across a major version, whose data format may not read back`,
            "keep the current major version, or add `allowMajorDowngrade: true` to the entry once you have checked the release notes"));
    }
    if (database.restoreFromSnapshot !== was.restoreFromSnapshot) {
        found.push(problem(id, "restoreFromSnapshot", database.restoreFromSnapshot ?? "(removed)", "a volume is restored from a snapshot only when it is created; changing it would replace the volume",
            was.restoreFromSnapshot ? `set restoreFromSnapshot back to ${was.restoreFromSnapshot}` : "remove restoreFromSnapshot; restore into a new database id instead"));
    }
    return found;
}

/** Every way the new inventory would contradict what is deployed. Pure; shared by program and tools. */
export function checkTransitions(previous: Record<string, DeployedFacts>, inventory: Inventory): Problem[] {
    const current = new Map(inventory.databases.map((d) => [d.id, d]));
    const found: Problem[] = [];
    for (const [id, was] of Object.entries(previous).sort(([a], [b]) => a.localeCompare(b))) {
        const database = current.get(id);
        found.push(...(database ? checkChanged(database, was) : checkRemoved(id, was)));
    }
    return found;
}

export function assertSafeTransitions(previous: Record<string, DeployedFacts>, inventory: Inventory): void {
    const problems = checkTransitions(previous, inventory);
    if (problems.length > 0) {
        throw new InventoryError(inventory.region.stack, problems);
    }
}

/**
 * What the program would refuse when a stack deployed from `before` is changed to `after`: the
 * same checks `pulumi preview` runs. Empty when either file is itself invalid, since validating
 * it reports that first.
 */
export function refusedTransitions(before: StackFile, after: StackFile): Problem[] {
    try {
        const deployed = offlineInventoryOf(before).databases.map((d) => [d.id, deployedFactsOf(d)] as const);
        return checkTransitions(Object.fromEntries(deployed), offlineInventoryOf(after));
    } catch (err) {
        if (err instanceof InventoryError) {
            return [];
        }
        throw err;
    }
}
