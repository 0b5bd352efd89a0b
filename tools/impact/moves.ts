/**
 * Impact of a move between cells (docs/decisions.md, "Moving a database between cells"). A
 * render cannot see `pulumi state move`: in the source file the database's resources vanish, in
 * the destination they appear. So the source says "moved out" (nothing deleted, nothing at risk)
 * and the destination says "moved in", with the changes its resources would take there: the
 * database as the source renders it, beside it as the destination does. Those are exactly what
 * the destination's `pulumi preview` shows after the state move.
 */
import * as fs from "fs";
import { Document, parseDocument } from "yaml";
import { CONFIG_NAMESPACE, StackFile, offlineInventoryOf, parseStackFile } from "../../inventory";
import { movedMarkers, sameCluster } from "../../inventory/cellChecks";
import type { Render } from "../../render/types";
import { moveEntry } from "../moves";
import { siblingStackFiles } from "../qdb/cells";
import { DOWNTIME, groupsOf } from "./group";
import { DatabaseImpact, ImpactReport } from "./types";

/** A database that comes from another cell: the stack it comes from, and that stack's file as deployed before the move. */
export interface MovedIn {
    readonly from: string;
    readonly source: StackFile;
}

/** The databases the after file hands to other cells (its markers) that the before file still had: id to destination. */
export function movedOutOf(before: StackFile | null, after: StackFile): Map<string, string> {
    const had = new Set(before ? offlineInventoryOf(before).databases.map((d) => d.id) : []);
    return new Map((offlineInventoryOf(after).movedOut ?? []).filter((m) => had.has(m.id)).map((m) => [m.id, m.to]));
}

/**
 * New databases of `after` that a sibling file of the same cluster marks as moved to it, each
 * with that sibling as it was before the move: its marker replaced by the entry (the inverse edit
 * of `qdb move`).
 */
export function movedInFromSiblings(before: StackFile | null, after: StackFile): Map<string, MovedIn> {
    const had = new Set(before ? offlineInventoryOf(before).databases.map((d) => d.id) : []);
    const added = new Set(offlineInventoryOf(after).databases.map((d) => d.id).filter((id) => !had.has(id)));
    const found = new Map<string, MovedIn>();
    for (const sibling of sameCluster(after, siblingStackFiles(after.path)).filter((s) => s !== after)) {
        for (const { id } of movedMarkers(sibling).filter((m) => m.to === after.stack && added.has(m.id))) {
            const doc = parseDocument(fs.readFileSync(sibling.path, "utf8"));
            moveEntry(new Document({ config: { [`${CONFIG_NAMESPACE}:databases`]: after.raw.databases } }), doc, id, after.stack, sibling.stack);
            found.set(id, { from: sibling.stack, source: parseStackFile(doc.toString(), sibling.path, sibling.stack) });
        }
    }
    return found;
}

/** A render reduced to one database: its resources and its outputs entry. */
export function onlyDatabase(render: Render, id: string): Render {
    const groups = groupsOf(render);
    const databases = (render.outputs.databases ?? {}) as Record<string, unknown>;
    return {
        ...render,
        resources: render.resources.filter((r) => groups.get(r.name) === id),
        outputs: { databases: id in databases ? { [id]: databases[id] } : {} },
    };
}

function replace(report: ImpactReport, id: string, impact: DatabaseImpact | undefined): DatabaseImpact[] {
    const others = report.databases.filter((d) => d.id !== id);
    return impact ? [...others, impact] : others;
}

/** Kinds a moved database may show and still be a move: metadata updated in place, nothing disturbed. */
const STILL_A_MOVE = new Set(["no-op", "in-place-update"]);

/**
 * The report with each moved database's entry rewritten: moved out (its deletes are a state
 * move), or moved in (`inDest`: its own changes from the source's render to this one, if any).
 * Data at risk and preview failures are recomputed without the moved-out resources.
 */
export function withMoves(report: ImpactReport, movedOut: ReadonlyMap<string, string>, movedIn: ReadonlyMap<string, { from: string; inDest?: DatabaseImpact }>): ImpactReport {
    let databases = [...report.databases];
    const notes: string[] = [];
    for (const [id, to] of movedOut) {
        const gone = databases.find((d) => d.id === id)?.resources.length ?? 0;
        databases = replace({ ...report, databases }, id, {
            id, database: true, kind: "moved-out", kinds: ["moved-out"], downtime: DOWNTIME["moved-out"], lifecycle: `moved to ${to}`, resources: [],
        });
        notes.push(`Moved out (${id}): its ${gone} resources leave this stack's state for ${to}'s by the \`pulumi state move\` command \`qdb move\` printed. `
            + "Run it before any `pulumi up` of either stack: until then this stack's preview deletes them and fails on the protected volume.");
    }
    for (const [id, { from, inDest }] of movedIn) {
        const resources = inDest?.resources ?? [];
        const kinds = inDest?.kinds ?? [];
        const worst = kinds[0] ?? "no-op";
        const kind = STILL_A_MOVE.has(worst) ? "moved-in" : worst;
        databases = replace({ ...report, databases }, id, {
            id, database: true, kind, kinds: ["moved-in", ...kinds.filter((k) => k !== "no-op")], lifecycle: `moved from ${from}`, resources,
            downtime: kind === "moved-in" ? DOWNTIME["moved-in"] : DOWNTIME[kind],
        });
        notes.push(`Moved in (${id}): its resources come from ${from}'s state by \`pulumi state move\`; `
            + (resources.length === 0 ? "none of them changes here." : `in this stack ${resources.map((r) => `${r.name} (${r.kind}: ${r.reason})`).join("; ")}.`));
    }
    const all = databases.flatMap((d) => d.resources);
    const moved = new Set([...movedOut.keys(), ...movedIn.keys()]);
    return {
        ...report,
        databases,
        touchedDatabases: databases.filter((d) => d.database && d.kind !== "held").length,
        untouched: report.untouched.filter((id) => !moved.has(id)),
        dataAtRisk: all.some((r) => r.kind === "data-at-risk"),
        previewWillFail: all.some((r) => r.blockedByProtect),
        notes: [...report.notes, ...notes],
    };
}
