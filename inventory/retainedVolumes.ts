/**
 * The data volumes of removed databases. `qdb remove` drops an entry; Pulumi forgets the volume,
 * but `retainOnDelete` keeps it in AWS, with the customer's data on it. A restore drill must never
 * mount it (components/drillAdmission.ts), so its id stays on the drills' deny list after the
 * program stops managing it: the stack exports `retainedVolumeIds` and reads it back.
 */
import { isPlainObject } from "./fields";
import { InventoryError } from "./problems";
import { Inventory } from "./types";

/** Volume id per database in the last `databases` output: what a removal takes out of the program. */
export function volumeIdsOf(databasesOutput: unknown): Record<string, string> {
    if (!isPlainObject(databasesOutput)) {
        return {};
    }
    return Object.fromEntries(Object.entries(databasesOutput)
        .filter((e): e is [string, Record<string, unknown>] => isPlainObject(e[1]) && typeof e[1].volumeId === "string")
        .map(([id, value]) => [id, value.volumeId as string]));
}

/**
 * Reads the `retainedVolumeIds` output of the last deployment (none before it existed). Fails
 * closed: reading nothing would let a drill mount a removed database's volume.
 */
export function parseRetainedVolumeIds(output: unknown, stack = "(this stack)"): Record<string, string> {
    if (output === undefined || output === null) {
        return {};
    }
    if (!isPlainObject(output) || Object.values(output).some((v) => typeof v !== "string")) {
        throw new InventoryError(stack, [{
            where: "region", field: "retainedVolumeIds output of the last deployment", value: output,
            reason: "cannot be read, so restore drills could mount a removed database's retained volume",
            fix: `run \`pulumi stack output retainedVolumeIds --json --stack ${stack}\` to see it; a deployment by this program's current version writes it correctly`,
        }]);
    }
    return output as Record<string, string>;
}

/**
 * Removed databases' volumes by the end of this deployment, database id to volume id: those
 * recorded before, and the volume of every database whose entry this deployment removes.
 */
export function retainedVolumeIdsAfter(
    previousVolumeIds: Readonly<Record<string, string>>, previousRetained: Readonly<Record<string, string>>, inventory: Inventory,
): Record<string, string> {
    const kept = new Set(inventory.databases.map((d) => d.id));
    const removedNow = Object.entries(previousVolumeIds).filter(([id]) => !kept.has(id));
    return Object.fromEntries([...Object.entries(previousRetained), ...removedNow].sort(([a], [b]) => a.localeCompare(b)));
}
