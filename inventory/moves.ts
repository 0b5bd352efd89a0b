/**
 * Moves between cells (docs/decisions.md, "Moving a database between cells"). A database moved
 * from stack A to stack B leaves in A's file an entry of two fields, `{id, movedTo: B}`: the
 * marker. A renders nothing for it (its resources are in B's state after `pulumi state move`),
 * does not refuse the entry's disappearance as a removal and does not retire its id; B's file
 * holds the full entry, with `originStack` naming the stack whose name its AWS tags keep. Pure:
 * the program, the tools and the tests share it.
 */
import { FieldReader, isPlainObject } from "./fields";
import { ProblemList } from "./problems";
import { DNS_LABEL } from "./patterns";
import type { RegionFacts } from "./readRegion";
import type { MovedOut } from "./types";


/** The field of the marker: its presence makes an entry a marker. */
export const MOVED_TO = "movedTo";
/** The marker's fields: the id and where it went; nothing else is rendered or kept. */
export const MOVED_FIELDS = ["id", MOVED_TO] as const;
/** A stack name as `sharedClusterOwner` accepts it. */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** An entry as written is a marker when it is a map with `movedTo`. */
export function isMovedEntry(entry: unknown): entry is Record<string, unknown> {
    return isPlainObject(entry) && MOVED_TO in entry;
}

/**
 * Reads a marker. Its other fields would be settings nothing renders (the destination's entry is
 * the database's), so they are refused; a marker needs a shared cluster, since `pulumi state move`
 * keeps resources only when both stacks' providers are one cluster's.
 */
export function readMovedOut(entry: Record<string, unknown>, where: string, region: RegionFacts, stack: string, problems: ProblemList): MovedOut | undefined {
    const d = new FieldReader(entry, where, problems);
    const before = problems.items.length;
    const extra = Object.keys(entry).filter((k) => !(MOVED_FIELDS as readonly string[]).includes(k));
    if (extra.length > 0) {
        d.problem(MOVED_TO, `marks the database as moved, but the entry also sets ${extra.join(", ")}: the database's settings live in the destination's file`,
            `leave only id and movedTo in this entry, and make the change in Pulumi.${String(entry.movedTo)}.yaml`);
    }
    const id = d.requireString("id", { pattern: DNS_LABEL, expected: "the id of the database that moved" });
    const to = d.requireString(MOVED_TO, { pattern: STACK_NAME, expected: "the name of the stack the database moved to" });
    if (to !== undefined && to === stack) {
        d.problem(MOVED_TO, "names this stack itself: a database cannot move to the stack it is in", "put the database's full entry back, or name the destination stack");
    }
    if (region.spec && region.spec.sharedClusterOwner === undefined) {
        d.problem(MOVED_TO, "needs a cluster shared with the destination stack, but this region sets no sharedClusterOwner",
            "a database moves only between cells of one cluster (docs/decisions.md, \"Cells\"); put its full entry back");
    }
    return problems.items.length > before || !id || !to ? undefined : { id, to };
}

/** `originStack` of a full entry: a stack name, not this stack's (its tags would name it anyway). */
export function readOriginStack(d: FieldReader, stack: string): string | undefined | null {
    const origin = d.optionalString("originStack", { pattern: STACK_NAME, expected: "the stack the database was created in, whose name its AWS tags keep" });
    if (!d.has("originStack")) {
        return undefined;
    }
    if (origin === undefined) {
        return null;
    }
    if (origin === stack) {
        d.problem("originStack", "names this stack itself: its resources carry this stack's name without it", "remove originStack");
        return null;
    }
    return origin;
}
