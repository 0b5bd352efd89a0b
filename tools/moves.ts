/**
 * A database moved between cells (docs/decisions.md, "Moving a database between cells"): the two
 * file edits, the resources that move and the `pulumi state move` command that moves them. Pure;
 * `qdb move` writes what these compute, and impact reads the same edits back to know what moved.
 */
import { Document, isMap, isSeq } from "yaml";
import { CONFIG_NAMESPACE, QUESTDB_DEPLOYMENT_TYPE, shellWord } from "../inventory";
import type { Render, RenderedResource } from "../render/types";

const DATABASES = ["config", `${CONFIG_NAMESPACE}:databases`] as const;

/** The project name in every URN (Pulumi.yaml `name`). */
export const PROJECT_NAME = "questdb-cloud";

function entries(doc: Document): unknown[] {
    const seq = doc.getIn(DATABASES);
    return isSeq(seq) ? seq.items : [];
}

/** The index of `id`'s entry, full or marker; -1 when the file has none. */
export function entryIndex(doc: Document, id: string): number {
    return entries(doc).findIndex((item) => isMap(item) && item.get("id") === id);
}

/**
 * Moves `id`'s entry from `source` (stack `from`) to `dest` (stack `to`): the source keeps a
 * marker `{id, movedTo: to}` where the entry was; the destination gets the entry as it was, with
 * `originStack` naming the stack whose name its AWS tags carry (the one it was created in, so a
 * second move keeps the first origin; dropped when it moves back there). A marker the destination
 * kept from an earlier move out is replaced by the entry.
 */
export function moveEntry(source: Document, dest: Document, id: string, from: string, to: string): void {
    const index = entryIndex(source, id);
    const entry = (source.getIn([...DATABASES, index]) as { toJSON(): Record<string, unknown> }).toJSON();
    const origin = typeof entry.originStack === "string" ? entry.originStack : from;
    const moved: Record<string, unknown> = { ...entry };
    delete moved.originStack;
    if (origin !== to) {
        moved.originStack = origin;
    }
    source.setIn([...DATABASES, index], source.createNode({ id, movedTo: to }));
    const marker = entryIndex(dest, id);
    if (marker >= 0 && dest.getIn([...DATABASES, marker, "movedTo"]) === undefined) {
        // qdb refuses this first (moveRefusals); a full entry is never overwritten.
        throw new Error(`the destination already has an entry "${id}" that is no move marker`);
    }
    if (marker >= 0) {
        dest.setIn([...DATABASES, marker], dest.createNode(moved));
    } else if (isSeq(dest.getIn(DATABASES))) {
        dest.addIn(DATABASES, dest.createNode(moved));
    } else {
        dest.setIn(DATABASES, dest.createNode([moved]));
    }
}

/** The qualified type of a resource in its URN: its ancestors' types, then its own, joined by `$`. */
function qualifiedType(resource: RenderedResource, byName: ReadonlyMap<string, RenderedResource>): string {
    const types = [resource.type];
    for (let parent = resource.parent; parent !== undefined;) {
        const p = byName.get(parent);
        if (!p) {
            break;
        }
        types.unshift(p.type);
        parent = p.parent;
    }
    return types.join("$");
}

/**
 * The URNs of database `id`'s resources in `stack`: its QuestDbDeployment component and every
 * resource below it, from the program's own names and parents (a render of the file as deployed),
 * never from list position. Every descendant is named, not only the component: `pulumi state
 * move` adds children as it walks a map it is adding to, which Go does not promise to visit.
 */
export function databaseUrns(render: Pick<Render, "resources">, stack: string, id: string): string[] {
    const byName = new Map(render.resources.map((r) => [r.name, r]));
    const under = (r: RenderedResource): boolean => {
        for (let at: RenderedResource | undefined = r, depth = 0; at && depth < 20; at = at.parent !== undefined ? byName.get(at.parent) : undefined, depth++) {
            if (at.type === QUESTDB_DEPLOYMENT_TYPE && at.name === id) {
                return true;
            }
        }
        return false;
    };
    return render.resources.filter(under).map((r) => `urn:pulumi:${stack}::${PROJECT_NAME}::${qualifiedType(r, byName)}::${r.name}`);
}

/** The URN of the same resource in another stack: only the stack part differs. */
export function inStack(urn: string, stack: string): string {
    return urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);
}

/** The command that moves the database's state; every URN is quoted, since a `$` joins the types of a child's URN. */
export function stateMoveCommand(from: string, to: string, urns: readonly string[]): string {
    return `pulumi state move --source ${shellWord(from)} --dest ${shellWord(to)} --yes ${urns.map(shellWord).join(" ")}`;
}
