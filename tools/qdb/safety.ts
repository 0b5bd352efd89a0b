/**
 * What validation says about an edit. Refusals that need the file as it was (a shrink, an AZ
 * move, removing a live database, a major downgrade, a changed restore snapshot, a reused id)
 * are the program's own transition checks (inventory/transitions.ts, `refusedTransitions`);
 * qdb has no copy of them.
 */
import { InventoryError, RawStackConfig, formatProblem, validateInventory } from "../../inventory";

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
