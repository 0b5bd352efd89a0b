/**
 * Edits held back by adoption (issue 26.2). While a database's entry says `adopt.step: import`,
 * its imported resources ignore every input (`ignoreChanges: ["*"]`), so an edit of the entry
 * changes the render but not the cloud: the engine shows nothing, and the change lands later, at
 * `adopt.step: converge`. The report names such fields "held until converge", with what converge
 * will then cost, instead of calling the edit a no-op. Pure: from the two renders.
 */
import { ResourceChange, changedLeaves, describeLeaf } from "../../render/diff";
import { Render, RenderedResource } from "../../render/types";
import { DOWNTIME, SEVERITY, resourceImpact } from "./group";
import { PROVIDER_DEFAULTS, ProviderFlags, ignoresAll } from "./rules";
import { DatabaseImpact, HeldChange, REGION_GROUP } from "./types";

const importedAsIs = (r: RenderedResource) => r.options.import !== undefined && ignoresAll(r.options);

/**
 * Resources imported as they are in both renders whose inputs differ: each as the change that
 * `adopt.step: converge` will apply (every differing leaf, none filtered by the ignore).
 */
export function heldChanges(before: Render, after: Render): ResourceChange[] {
    const old = new Map(before.resources.map((r) => [`${r.type}::${r.name}`, r]));
    return after.resources.flatMap((a) => {
        const b = old.get(`${a.type}::${a.name}`);
        if (!b || !importedAsIs(a) || !importedAsIs(b)) {
            return [];
        }
        const inputChanges = changedLeaves(b.inputs, a.inputs);
        return inputChanges.length === 0 ? [] : [{
            kind: "update" as const, type: a.type, name: a.name, parent: a.parent, before: b, after: a,
            inputPaths: inputChanges.map((l) => l.path), inputChanges, optionPaths: [],
        }];
    });
}

/** What a held change will do once converge applies it: judged as the same edit without the ignore. */
export function heldChange(change: ResourceChange, flags: ProviderFlags = PROVIDER_DEFAULTS): HeldChange {
    const { action, kind } = resourceImpact(change, flags);
    return {
        type: change.type, name: change.name, atConverge: action, kindAtConverge: kind,
        reason: change.inputChanges.flatMap((leaf) => describeLeaf(leaf)).join("; "),
    };
}

/** What converge will cost for these held changes: the downtime of the most severe of them. */
export function convergeCost(held: readonly HeldChange[]): string {
    const worst = held.map((h) => h.kindAtConverge).sort((x, y) => SEVERITY.indexOf(y) - SEVERITY.indexOf(x))[0];
    return DOWNTIME[worst];
}

/** The downtime of a database whose only changes are held: none now, and converge's cost later. */
export function heldDowntime(held: readonly HeldChange[]): string {
    return `none now: held until \`adopt.step: converge\` (expected downtime then: ${convergeCost(held)})`;
}

/**
 * The databases' impacts with their held changes: a database that has only held changes is
 * listed as `held` (it is not touched now, and no resource row is added: the engine takes no
 * step); one with other changes keeps its headline and lists its held changes beside them.
 */
export function withHeld(
    databases: readonly DatabaseImpact[], changes: readonly ResourceChange[], groups: Map<string, string>, ids: Set<string>,
    flags: ProviderFlags = PROVIDER_DEFAULTS,
): DatabaseImpact[] {
    const perGroup = new Map<string, HeldChange[]>();
    for (const change of changes) {
        const id = groups.get(change.name) ?? REGION_GROUP;
        perGroup.set(id, [...(perGroup.get(id) ?? []), heldChange(change, flags)]);
    }
    const listed = databases.map((d) => {
        const held = perGroup.get(d.id);
        return held ? { ...d, kinds: [...d.kinds, "held" as const], held } : d;
    });
    const heldOnly = [...perGroup.entries()].filter(([id]) => !databases.some((d) => d.id === id))
        .map(([id, held]): DatabaseImpact => ({
            id, database: ids.has(id), kind: "held", kinds: ["held"], downtime: heldDowntime(held), resources: [], held,
        }));
    return [...listed, ...heldOnly];
}
