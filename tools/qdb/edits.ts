/**
 * Edits of a stack file's YAML Document. Each is a pure function of a Document (it mutates only
 * the Document it is given, never a file) so the same edit can be previewed, diffed, validated
 * and tested without touching disk. The Document API keeps every comment outside the edited node.
 */
import { Document, isMap, isScalar, isSeq } from "yaml";
import { CONFIG_NAMESPACE, DEFAULTS, closest } from "../../inventory";
import { QdbError } from "./errors";

export const DATABASES_PATH = ["config", `${CONFIG_NAMESPACE}:databases`] as const;
export const RETIRED_IDS_PATH = ["config", `${CONFIG_NAMESPACE}:region`, "retiredIds"] as const;

/** The file an edit works on, as messages name it: a path, or a path and the flag that selects it. */
export type Where = string | { readonly file: string; readonly flag: string };

const fileOf = (where: Where) => (typeof where === "string" ? where : where.file);
const flagOf = (where: Where) => (typeof where === "string" ? "--stack <stack>" : where.flag);

export type Scalar = string | number | boolean;

/** A new database entry, written with its AZ always explicit. */
export interface NewDatabase {
    readonly id: string;
    readonly availabilityZone: string;
    readonly instanceType?: string;
    /** As typed on the command line; validateInventory rejects anything but a whole number. */
    readonly sizeGiB?: Scalar;
}

/** The ids of the listed databases, in file order (entries without a string id give ""). */
export function databaseIds(doc: Document): string[] {
    const seq = doc.getIn(DATABASES_PATH);
    if (!isSeq(seq)) {
        return [];
    }
    return seq.items.map((item) => {
        const id = isMap(item) ? item.get("id") : undefined;
        return typeof id === "string" ? id : "";
    });
}

/**
 * The index of database `id`, or an error naming the closest id, since a typo in an id is the
 * most likely reason it is not found.
 */
export function indexOfDatabase(doc: Document, id: string, where: Where): number {
    const ids = databaseIds(doc);
    const index = ids.indexOf(id);
    if (index >= 0) {
        return index;
    }
    const guess = closest(id, ids.filter((known) => known !== ""));
    const hint = guess ? `did you mean "${guess}"?` : `known ids: ${ids.join(", ") || "(none)"}.`;
    throw new QdbError(`${fileOf(where)}: no database with id "${id}" in questdb-cloud:databases; ${hint} Run \`npx qdb list ${flagOf(where)}\` to see them all`);
}

/** Appends a database entry; creates the databases list when the stack has none yet. */
export function addDatabase(doc: Document, entry: NewDatabase): void {
    const node: Record<string, unknown> = { id: entry.id, availabilityZone: entry.availabilityZone };
    if (entry.instanceType !== undefined) {
        node.instanceType = entry.instanceType;
    }
    if (entry.sizeGiB !== undefined) {
        node.volume = { sizeGiB: entry.sizeGiB };
    }
    if (isSeq(doc.getIn(DATABASES_PATH))) {
        doc.addIn(DATABASES_PATH, doc.createNode(node));
    } else {
        doc.setIn(DATABASES_PATH, doc.createNode([node]));
    }
}

/** Sets one field of database `id`; `path` is relative to the entry, e.g. ["volume", "sizeGiB"]. */
export function setDatabaseField(doc: Document, where: Where, id: string, path: readonly string[], value: Scalar | readonly Scalar[]): void {
    const index = indexOfDatabase(doc, id, where);
    // A list is written in flow style, `[a, b]`, as an operator would write an allowlist by hand.
    const node = Array.isArray(value) ? doc.createNode([...value], { flow: true }) : value;
    doc.setIn([...DATABASES_PATH, index, ...path], node);
}

/** The state database `id` is in, counting a missing `state` as the default. */
export function stateOf(doc: Document, where: Where, id: string): unknown {
    return doc.getIn([...DATABASES_PATH, indexOfDatabase(doc, id, where), "state"]) ?? DEFAULTS.state;
}

/**
 * Deletes database `id`'s entry, together with the comment lines attached above it, and records
 * the id in `region.retiredIds`: ids are never reused, and the file is how every tool knows.
 */
export function removeDatabase(doc: Document, where: Where, id: string): void {
    doc.deleteIn([...DATABASES_PATH, indexOfDatabase(doc, id, where)]);
    const retired = doc.getIn(RETIRED_IDS_PATH);
    if (isSeq(retired)) {
        if (!retired.items.some((item) => (isScalar(item) ? item.value : item) === id)) {
            doc.addIn(RETIRED_IDS_PATH, id);
        }
    } else if (retired === undefined && isMap(doc.getIn(RETIRED_IDS_PATH.slice(0, 2)))) {
        doc.setIn(RETIRED_IDS_PATH, doc.createNode([id]));
    }
}

/**
 * Per AZ, the databases still placed there: every one but the decommissioned (a paused database
 * resumes in its AZ, so it still counts). What `qdb add` balances and `qdb list` shows, so the
 * two never disagree. Entries as written or validated; a missing state is the default, active.
 */
export function databasesPerAz(databases: readonly unknown[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of databases) {
        const record = (entry ?? {}) as { availabilityZone?: unknown; state?: unknown };
        if (typeof record.availabilityZone === "string" && record.state !== "decommissioned") {
            counts.set(record.availabilityZone, (counts.get(record.availabilityZone) ?? 0) + 1);
        }
    }
    return counts;
}

/**
 * The AZ a new database should go to: the region subnet AZ with the fewest databases placed
 * there (databasesPerAz), ties broken alphabetically so the choice is stable.
 */
export function pickAvailabilityZone(subnetAzs: readonly string[], databases: readonly unknown[]): string | undefined {
    const placed = databasesPerAz(databases);
    let best: string | undefined;
    for (const az of [...subnetAzs].sort()) {
        if (best === undefined || (placed.get(az) ?? 0) < (placed.get(best) ?? 0)) {
            best = az;
        }
    }
    return best;
}
