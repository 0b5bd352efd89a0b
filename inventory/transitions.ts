import { STORAGE_CLASSES } from "./binding";
import { isPlainObject } from "./fields";
import { InventoryError, Problem } from "./problems";
import { STATES } from "./readDatabase";
import { StackFile, offlineInventoryOf } from "./stackFile";
import { DatabaseSpec, DatabaseState, Inventory, RegionSpec } from "./types";

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
    /** The KMS key its data volume is encrypted with: the region's `volumeKmsKeyId`, or AWS_MANAGED_EBS_KEY. */
    readonly volumeKmsKeyId?: string;
    /** The StorageClass its PV and PVC name; absent once decommissioned, and in outputs written before #12. */
    readonly storageClassName?: string;
}

/** Recorded as a volume's key when the region names none: EBS then uses the account's AWS-managed key. */
export const AWS_MANAGED_EBS_KEY = "alias/aws/ebs";

export function deployedFactsOf(
    database: DatabaseSpec, region: Pick<RegionSpec, "volumeKmsKeyId">, storageClassName: string = STORAGE_CLASSES.current,
): DeployedFacts {
    return {
        ...(database.state !== "decommissioned" ? { storageClassName } : {}),
        state: database.state,
        availabilityZone: database.availabilityZone,
        sizeGiB: database.volume.sizeGiB,
        questdbVersion: database.questdbVersion,
        restoreFromSnapshot: database.restoreFromSnapshot,
        volumeKmsKeyId: region.volumeKmsKeyId ?? AWS_MANAGED_EBS_KEY,
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

/**
 * EBS cannot re-encrypt a volume: a new key replaces every volume still in the inventory. One
 * problem for the region, since the fix is one region field, naming the databases it would hit.
 */
function checkVolumeKey(previous: Record<string, DeployedFacts>, inventory: Inventory): Problem[] {
    const key = inventory.region.volumeKmsKeyId ?? AWS_MANAGED_EBS_KEY;
    const kept = new Set(inventory.databases.map((d) => d.id));
    const hit = Object.entries(previous)
        .filter(([id, was]) => kept.has(id) && was.volumeKmsKeyId !== undefined && was.volumeKmsKeyId !== key)
        .sort(([a], [b]) => a.localeCompare(b));
    if (hit.length === 0) {
        return [];
    }
    const oldKeys = [...new Set(hit.map(([, was]) => was.volumeKmsKeyId as string))];
    const restore = oldKeys.length === 1 && oldKeys[0] === AWS_MANAGED_EBS_KEY
        ? "remove volumeKmsKeyId" : `set volumeKmsKeyId back to ${oldKeys.join(" or ")}`;
    return [{
        where: "region", field: "volumeKmsKeyId", value: inventory.region.volumeKmsKeyId ?? `(unset: ${AWS_MANAGED_EBS_KEY})`,
        reason: `the data volumes of ${hit.map(([id]) => id).join(", ")} are encrypted with ${oldKeys.join(", ")}; `
            + "EBS cannot change a volume's key, so this would replace them",
        fix: `${restore}; to rotate key material keep the ARN and enable KMS automatic rotation, and to move to another key follow docs/runbook.md, "Change the volumes' KMS key"`,
    }];
}

/**
 * Converging imports nothing new: it changes resources a previous deployment imported as they
 * were. Without that deployment, Pulumi (>= 3.174) would import and update, or replace, them in
 * one run, the single unreviewed step adoption is split to avoid.
 */
function checkAdoption(previous: Record<string, DeployedFacts>, inventory: Inventory): Problem[] {
    return inventory.databases
        .filter((d) => d.adopt?.step === "converge" && previous[d.id] === undefined)
        .map((d) => problem(d.id, "adopt.step", "converge", "no deployment of this stack has imported this database's legacy resources yet, so converging would import and change them in one run",
            "set adopt.step to import and deploy (nothing changes), review, then set adopt.step to converge in a later change"));
}

/** Every way the new inventory would contradict what is deployed. Pure; shared by program and tools. */
export function checkTransitions(previous: Record<string, DeployedFacts>, inventory: Inventory): Problem[] {
    const current = new Map(inventory.databases.map((d) => [d.id, d]));
    const found: Problem[] = [...checkVolumeKey(previous, inventory), ...checkAdoption(previous, inventory)];
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
        const { databases, region } = offlineInventoryOf(before);
        const deployed = databases.map((d) => [d.id, deployedFactsOf(d, region)] as const);
        return checkTransitions(Object.fromEntries(deployed), offlineInventoryOf(after));
    } catch (err) {
        if (err instanceof InventoryError) {
            return [];
        }
        throw err;
    }
}
