import { STORAGE_CLASSES, storageClassFor } from "./binding";
import { isPlainObject } from "./fields";
import { InventoryError, Problem } from "./problems";
import { STATES } from "./readDatabase";
import { StackFile, offlineInventoryOf, offlineRawOf } from "./stackFile";
import type { DeployedFacts } from "./deployedFacts";
import { validateInventory } from "./validate";
import { disruptiveFactsOf } from "./disruptive";
import { fileOfFlag, qdbCommand } from "./hints";
import { checkMaintenanceWindows } from "./windowCheck";
import { DatabaseSpec, DatabaseState, Inventory, MovedOut, RegionSpec } from "./types";

export type { DeployedFacts } from "./deployedFacts";

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
        restoreFromSnapshot: database.restoreFromSnapshot,
        volumeKmsKeyId: region.volumeKmsKeyId ?? AWS_MANAGED_EBS_KEY,
        ...disruptiveFactsOf(database),
        ...(database.maintenanceOverride !== undefined ? { maintenanceOverride: database.maintenanceOverride } : {}),
        ...(database.promotedAt !== undefined ? { promotedAt: database.promotedAt } : {}),
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
        fix: `run \`pulumi stack output databases --json --stack ${stack}\` to see it; a deployment by this program's current version writes it correctly`,
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

export function majorOf(version: string): number {
    return Number(version.split(".")[0]);
}

function problem(id: string, field: string, value: unknown, reason: string, fix: string): Problem {
    return { where: `database "${id}"`, field, value, reason, fix };
}

/**
 * An entry removed while its database still runs: the way out starts from what is deployed, so
 * an active one is paused first (decommissioning it directly is refused, see refusedStateChange).
 */
function checkRemoved(id: string, was: DeployedFacts, flag: string): Problem[] {
    if (was.state === "decommissioned") {
        return [];
    }
    const steps = was.state === "active"
        ? `then ${qdbCommand("pause", flag, id)} and deploy, ${qdbCommand("decommission", flag, id)} and deploy, and ${qdbCommand("remove", flag, id)}`
        : `then ${qdbCommand("decommission", flag, id)} and deploy, and ${qdbCommand("remove", flag, id)}`;
    return [problem(id, "(entry)", "(removed)", `the entry was removed while the database is ${was.state}; that would delete the database`,
        `put the entry back as deployed (\`git checkout -- ${fileOfFlag(flag)}\` restores it, and undoes every other uncommitted edit of the file), ${steps} (the volume and a final snapshot are kept)`)];
}

/**
 * A decommission snapshots a stopped database: `active` goes to `paused` first (node and pod gone,
 * deployed), then to `decommissioned`, whose final snapshot is then taken of a volume nothing
 * writes to. Shared with qdb, which refuses the same edit before writing it.
 */
export function refusedStateChange(id: string, from: DatabaseState, to: DatabaseState, flag: string): Problem | undefined {
    if (from !== "active" || to !== "decommissioned") {
        return undefined;
    }
    return problem(id, "state", to, "an active database goes to paused before it is decommissioned, so that its final snapshot is of a stopped database (a snapshot of a running one is only crash-consistent)",
        `set \`state: paused\` (${qdbCommand("pause", flag, id)}) and deploy; then ${qdbCommand("decommission", flag, id)} in a later change`);
}

function checkChanged(database: DatabaseSpec, was: DeployedFacts, flag: string): Problem[] {
    const found: Problem[] = [];
    const { id } = database;
    const stateChange = refusedStateChange(id, was.state, database.state, flag);
    if (stateChange) {
        found.push(stateChange);
    }
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
 * Ids are never reused: an id the last deployment recorded as retired may not come back. The
 * program reads them from its `retiredIds` output; offline tools from the before file's
 * `region.retiredIds`, which `qdb remove` maintains.
 */
function checkRetired(previousRetired: readonly string[], inventory: Inventory): Problem[] {
    const retired = new Set(previousRetired);
    return inventory.databases.filter((d) => retired.has(d.id)).map((d) => problem(d.id, "id", d.id,
        "was the id of a removed database; ids are never reused", "choose a new id: every resource, DNS name and snapshot tag derives from it"));
}

/**
 * The ids retired by the end of this deployment, for the stack outputs: those retired before,
 * those in the file's `retiredIds`, and those whose entry this deployment removes.
 */
export function retiredIdsAfter(previous: Record<string, DeployedFacts>, previousRetired: readonly string[], inventory: Inventory): string[] {
    // A database moved to another cell lives on there under its id: not retired (inventory/moves.ts).
    const kept = new Set([...inventory.databases.map((d) => d.id), ...movedIds(inventory)]);
    const removed = Object.keys(previous).filter((id) => !kept.has(id));
    return [...new Set([...previousRetired, ...inventory.region.retiredIds, ...removed])].sort();
}

/** The ids this stack's file marks as moved to another cell. */
export function movedIds(inventory: Pick<Inventory, "movedOut">): Set<string> {
    return new Set((inventory.movedOut ?? []).map((m) => m.id));
}

/**
 * A database moved to another cell is bound there as its destination renders it, with the current
 * StorageClass: the destination has no facts of it until its own `up`. One still bound with the
 * legacy class would have its PV and claim replaced there, so the source refuses the move (its
 * last outputs still hold the facts on its first preview after the move).
 */
function checkMovedOut(previous: Record<string, DeployedFacts>, inventory: Inventory): Problem[] {
    return (inventory.movedOut ?? []).filter((m) => previous[m.id] && previous[m.id].state !== "decommissioned" && storageClassFor(previous[m.id]) === STORAGE_CLASSES.legacy)
        .map((m) => problem(m.id, "movedTo", m.to, `its PV and claim are bound with the legacy StorageClass ${STORAGE_CLASSES.legacy}, and ${m.to} would bind them with ${STORAGE_CLASSES.current}, replacing both`,
            `move it back: \`npx qdb move ${m.id} --from ${m.to} --to ${inventory.region.stack}\` puts the entry back and prints the \`pulumi state move\` that returns its resources`));
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

/**
 * Every way the new inventory would contradict what is deployed. Pure; shared by program and tools.
 * `flag` is how the fixes' qdb commands name the stack file: the program's own file is
 * `Pulumi.<stack>.yaml`, so `--stack <stack>`; qdb passes the flag it was given.
 */
export function checkTransitions(
    previous: Record<string, DeployedFacts>, inventory: Inventory, previousRetired: readonly string[] = [],
    flag = `--stack ${inventory.region.stack}`,
): Problem[] {
    const current = new Map(inventory.databases.map((d) => [d.id, d]));
    // A marker is not a removal: after `pulumi state move` the resources are the destination's.
    const moved = movedIds(inventory);
    const found: Problem[] = [
        ...checkRetired(previousRetired, inventory), ...checkVolumeKey(previous, inventory), ...checkAdoption(previous, inventory), ...checkMovedOut(previous, inventory),
        ...checkMaintenanceWindows(previous, inventory, flag),
    ];
    for (const [id, was] of Object.entries(previous).sort(([a], [b]) => a.localeCompare(b)).filter(([id]) => !moved.has(id))) {
        const database = current.get(id);
        found.push(...(database ? checkChanged(database, was, flag) : checkRemoved(id, was, flag)));
    }
    return found;
}

export function assertSafeTransitions(previous: Record<string, DeployedFacts>, inventory: Inventory, previousRetired: readonly string[] = []): void {
    const problems = checkTransitions(previous, inventory, previousRetired);
    if (problems.length > 0) {
        throw new InventoryError(inventory.region.stack, problems);
    }
}

/**
 * Reads the `retiredIds` stack output of the last deployment (none before this output existed).
 * Fails closed like `parseDeployedFacts`.
 */
export function parseRetiredIds(output: unknown, stack = "(this stack)"): string[] {
    if (output === undefined || output === null) {
        return [];
    }
    if (!Array.isArray(output) || output.some((id) => typeof id !== "string")) {
        throw new InventoryError(stack, [{
            where: "region", field: "retiredIds output of the last deployment", value: output,
            reason: "cannot be read, so a reused id cannot be refused",
            fix: `run \`pulumi stack output retiredIds --json --stack ${stack}\` to see it; a deployment by this program's current version writes it correctly`,
        }]);
    }
    return output as string[];
}

/**
 * What offline tools can know of the last deployment: the `before` file, taken as deployed. It
 * stands in for the stack outputs the program reads, so it cannot see a deployment that differs
 * from the file (an edit merged but not yet deployed, or a failed `pulumi up`); `pulumi preview`
 * checks against the real outputs. Entries are read one by one, so one broken entry does not
 * switch the checks off for the others.
 */
export interface OfflinePrevious {
    readonly facts: Record<string, DeployedFacts>;
    readonly retiredIds: readonly string[];
}

/** The entries of a stack file that validate, each on its own, with its region; ids listed twice are left out. */
function validEntries(file: StackFile): { inventory?: Inventory; invalidIds: Set<string> } {
    try {
        return { inventory: offlineInventoryOf(file), invalidIds: new Set() };
    } catch (err) {
        if (!(err instanceof InventoryError)) {
            throw err;
        }
    }
    const raw = offlineRawOf(file);
    const entries = Array.isArray(raw.databases) ? Array.from(raw.databases as unknown[]) : [];
    const idOf = (entry: unknown) => (isPlainObject(entry) && typeof entry.id === "string" ? entry.id : undefined);
    const counts = new Map<string, number>();
    entries.forEach((e) => idOf(e) !== undefined && counts.set(idOf(e) as string, (counts.get(idOf(e) as string) ?? 0) + 1));
    const invalidIds = new Set([...counts].filter(([, n]) => n > 1).map(([id]) => id));
    let region: RegionSpec | undefined;
    const databases: DatabaseSpec[] = [];
    const movedOut: MovedOut[] = [];
    for (const entry of entries) {
        const id = idOf(entry);
        if (id === undefined || invalidIds.has(id)) {
            continue;
        }
        try {
            const one = validateInventory({ ...raw, databases: [entry] });
            region = one.region;
            databases.push(...one.databases);
            movedOut.push(...(one.movedOut ?? []));
        } catch (err) {
            if (!(err instanceof InventoryError)) {
                throw err;
            }
            invalidIds.add(id);
        }
    }
    if (!region) {
        try {
            region = validateInventory({ ...raw, databases: [] }).region;
        } catch {
            return { invalidIds };
        }
    }
    return { inventory: { region, databases, movedOut }, invalidIds };
}

export function offlinePrevious(before: StackFile): OfflinePrevious {
    const { inventory } = validEntries(before);
    if (!inventory) {
        return { facts: {}, retiredIds: [] };
    }
    const facts = Object.fromEntries(inventory.databases.map((d) => [d.id, deployedFactsOf(d, inventory.region)]));
    return { facts, retiredIds: inventory.region.retiredIds };
}

/**
 * What the program would refuse when a stack deployed from `before` is changed to `after`: the
 * same checks `pulumi preview` runs (checkTransitions), with `before` standing in for the last
 * deployment's outputs (see OfflinePrevious). Entries that do not validate are left to the
 * validator, which reports them first.
 */
export function refusedTransitions(before: StackFile, after: StackFile, flag?: string): Problem[] {
    return refusedTransitionsFrom(offlinePrevious(before), after, flag);
}

/** As refusedTransitions, from what was deployed: a before file's facts, or a stack's own outputs. */
export function refusedTransitionsFrom(previous: OfflinePrevious, after: StackFile, flag?: string): Problem[] {
    const { inventory, invalidIds } = validEntries(after);
    if (!inventory) {
        return [];
    }
    const rawIds = new Set((Array.isArray(after.raw.databases) ? Array.from(after.raw.databases as unknown[]) : [])
        .map((e) => (isPlainObject(e) ? e.id : undefined)));
    // An entry still in the file but invalid is not "removed": the validator speaks for it.
    const facts = Object.fromEntries(Object.entries(previous.facts).filter(([id]) => !invalidIds.has(id) && !(rawIds.has(id) && !inventory.databases.some((d) => d.id === id))));
    return checkTransitions(facts, inventory, previous.retiredIds, flag);
}
