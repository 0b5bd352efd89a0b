/**
 * Refusals that need the file as it was: a change can be valid on its own and still be unsafe
 * as a change (an EBS volume cannot shrink, a volume cannot move AZ, removing a live database
 * deletes its data). Everything a single file can get wrong is validateInventory's job; these
 * functions only compare old and new entries. All of them are pure.
 */
import { DEFAULTS, DatabaseState, InventoryError, RawStackConfig, formatProblem, refusedStateChange, validateInventory } from "../../inventory";

type Entry = Record<string, unknown>;

function entriesById(databases: unknown): Map<string, Entry> {
    const byId = new Map<string, Entry>();
    for (const entry of Array.isArray(databases) ? databases : []) {
        if (typeof entry === "object" && entry !== null && typeof (entry as Entry).id === "string") {
            byId.set((entry as Entry).id as string, entry as Entry);
        }
    }
    return byId;
}

/** The size an entry resolves to: its own, else the region default, else the program default. */
export function effectiveSizeGiB(entry: Entry, region: unknown): unknown {
    const own = (entry.volume as Entry | undefined)?.sizeGiB;
    const regionDefault = (((region as Entry | undefined)?.defaults as Entry | undefined)?.volume as Entry | undefined)?.sizeGiB;
    return own ?? regionDefault ?? DEFAULTS.volume.sizeGiB;
}

/** Every reason the change from `before` to `after` is unsafe, each naming database, field, values and fix. */
export function unsafeChanges(before: RawStackConfig, after: RawStackConfig): string[] {
    const reasons: string[] = [];
    const newById = entriesById(after.databases);
    for (const [id, old] of entriesById(before.databases)) {
        const next = newById.get(id);
        if (!next) {
            const state = old.state ?? DEFAULTS.state;
            if (state !== "decommissioned") {
                reasons.push(`database "${id}": state is "${state}"; removing it would delete its volume and data. ` +
                    `Fix: run \`qdb decommission ${id}\`, deploy that, then remove it`);
            }
            continue;
        }
        // The program's own rule (inventory/transitions.ts), so qdb and preview refuse the same edit.
        const stateChange = refusedStateChange(id, (old.state ?? DEFAULTS.state) as DatabaseState, (next.state ?? DEFAULTS.state) as DatabaseState);
        if (stateChange) {
            reasons.push(formatProblem(after.stack, stateChange));
        }
        if (old.availabilityZone !== next.availabilityZone) {
            reasons.push(`database "${id}": availabilityZone ${JSON.stringify(old.availabilityZone)} -> ${JSON.stringify(next.availabilityZone)}: ` +
                "an EBS volume cannot move between AZs, so this would replace the volume and lose its data. " +
                "Fix: keep the AZ; to move, add a new database in the other AZ and migrate the data");
        }
        const [oldSize, newSize] = [effectiveSizeGiB(old, before.region), effectiveSizeGiB(next, after.region)];
        if (typeof oldSize === "number" && typeof newSize === "number" && newSize < oldSize) {
            reasons.push(`database "${id}": volume.sizeGiB ${oldSize} -> ${newSize}: an EBS volume can never shrink. ` +
                `Fix: keep volume.sizeGiB at ${oldSize} or more`);
        }
    }
    return reasons;
}

/** The formatted validation problems of a config; none when it is valid. */
export function validationProblems(raw: RawStackConfig): string[] {
    try {
        validateInventory(raw);
        return [];
    } catch (error) {
        if (error instanceof InventoryError) {
            return error.problems.map((p) => formatProblem(error.stack, p));
        }
        throw error;
    }
}

/** What validation says about the edited file, split into what the edit caused and what was already there. */
export interface ValidationDelta {
    /** Problems the edit introduces: the edit is refused when there is any. */
    readonly introduced: readonly string[];
    /** Problems the file already had: reported, but they do not block an unrelated edit. */
    readonly preexisting: readonly string[];
}

/**
 * Validates the whole edited config. A problem the file already had does not block an edit (an
 * operator must be able to fix one problem at a time); a problem the edit causes does.
 */
export function validationDelta(before: RawStackConfig, after: RawStackConfig): ValidationDelta {
    const old = new Set(validationProblems(before));
    const now = validationProblems(after);
    return { introduced: now.filter((p) => !old.has(p)), preexisting: now.filter((p) => old.has(p)) };
}
