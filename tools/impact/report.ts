/**
 * The programmatic API of the change-impact report: `computeImpact(before, after)` renders both
 * stack files under mocks (two child processes, concurrently), diffs them with render/diff.ts and
 * says per database what the change means. Used by `npm run impact` and by the qdb ops CLI.
 */
import { InventoryError, Problem, StackFile, formatProblem, offlineInventoryOf, offlinePrevious, refusedTransitions } from "../../inventory";
import { Render, RenderError, diffRenders, renderInChild, requestFromStackFile } from "../../render";
import { mockVolumeId } from "../../render/mockIds";
import { DOWNTIME, databaseIds, groupImpacts, groupsOf } from "./group";
import { statesOf } from "./lifecycle";
import { STATEFUL_SET, providerFlagsOf } from "./rules";
import { DatabaseImpact, ImpactReport } from "./types";
import { maintenanceNotes } from "./maintenance";
import { newDatabaseNotes, simultaneousRollNotes } from "./changeNotes";
import { restartNote } from "./restarts";
import { convergeCost, heldChanges, withHeld } from "./held";
import { MovedIn, movedInFromSiblings, movedOutOf, onlyDatabase, withMoves } from "./moves";

/** What the two steps of an adoption mean, per database; the live values are not known offline. */
export function adoptionNotes(databases: readonly DatabaseImpact[]): string[] {
    const withKind = (kind: string) => databases.filter((d) => d.resources.some((r) => r.reason.startsWith(kind))).map((d) => d.id);
    const notes: string[] = [];
    const imported = databases.filter((d) => d.resources.some((r) => r.action === "import")).map((d) => d.id);
    if (imported.length > 0) {
        notes.push(`Adoption step 1 (${imported.join(", ")}): each \`import\` resource is taken over exactly as it is; `
            + "`pulumi preview` must show `= import` with no diff for them. The other resources of the database are created.");
    }
    const converging = withKind("converge");
    if (converging.length > 0) {
        notes.push(`Adoption step 2 (${converging.join(", ")}): the program's inputs now apply to the imported resources. `
            + "What changes depends on the live resources: `pulumi preview --diff` lists each field; approve only `~` updates you expect.");
    }
    return notes;
}

/** Edits that adoption's import step holds back: the engine shows nothing for them until converge. */
export function heldNotes(databases: readonly DatabaseImpact[]): string[] {
    return databases.filter((d) => d.held?.length).map((d) => `Held until converge (${d.id}): its entry still says \`adopt.step: import\`, `
        + `so its imported resources ignore the edit and \`pulumi preview\` shows no change for ${(d.held ?? []).map((h) => h.name).join(", ")}. `
        + `The edit applies when the entry says \`adopt.step: converge\` (expected downtime then: ${convergeCost(d.held ?? [])}).`);
}

/**
 * A StatefulSet does not replace a pod that crash-loops on a bad template when the template is
 * reverted ("forced rollback", kubernetes/kubernetes#67250). Impact cannot see a pod's health, so
 * every template change that rolls a pod carries the step, in case it is such a revert.
 */
export function forcedRollbackNotes(databases: readonly DatabaseImpact[]): string[] {
    const rolled = databases.filter((d) => d.resources.some((r) => r.type === STATEFUL_SET && r.kind === "rolling-restart"
        && r.paths.some((p) => p.startsWith("spec.template")))).map((d) => d.id);
    if (rolled.length === 0) {
        return [];
    }
    return [`Forced rollback: this rolls the pod of ${rolled.join(", ")}. If that pod is crash-looping now (a bad version or server.conf `
        + "being reverted), Kubernetes will not replace it: while `pulumi up` waits, delete it with "
        + "`kubectl -n qdb-<id> delete pod questdb-0` (docs/runbook.md, \"Revert a bad version or config\")."];
}

export * from "./types";
export { FORCE_REPLACE } from "./rules";
export { DOWNTIME, SEVERITY } from "./group";
export { formatImpactMarkdown, formatImpactSummary } from "./format";

/** Pure: the impact of going from one render to another. */
export function impactOfRenders(before: Render, after: Render): ImpactReport {
    const ids = databaseIds(before, after);
    const groups = groupsOf(before, after);
    const lifecycles = { before: statesOf(before), after: statesOf(after) };
    // The provider is updated before the objects it manages, so its new flags decide their diffs.
    const flags = providerFlagsOf(after.resources);
    const databases = withHeld(groupImpacts(diffRenders(before, after), groups, ids, lifecycles, flags), heldChanges(before, after), groups, ids, flags);
    const touched = new Set(databases.map((d) => d.id));
    const resources = databases.flatMap((d) => d.resources);
    return {
        stack: after.stack,
        databases,
        untouched: [...ids].filter((id) => !touched.has(id)).sort(),
        // A held change deploys nothing now: it counts when converge applies it.
        touchedDatabases: databases.filter((d) => d.database && d.kind !== "held").length,
        dataAtRisk: resources.some((r) => r.kind === "data-at-risk"),
        previewWillFail: resources.some((r) => r.blockedByProtect),
        refusals: [],
        refused: false,
        notes: [...forcedRollbackNotes(databases), ...adoptionNotes(databases), ...heldNotes(databases), ...simultaneousRollNotes(databases)],
    };
}

/**
 * The report of a change the program refuses. Nothing is rendered (`pulumi preview` stops at the
 * refusal too); each database a refusal names is `refused`, the most severe outcome, and every
 * refusal, region-wide ones included, heads the report.
 */
export function refusedReport(stack: string, problems: readonly Problem[], notes: readonly string[] = []): ImpactReport {
    const where = (id: string) => `database "${id}"`;
    const ids = [...new Set(problems.filter((p) => p.where.startsWith('database "')).map((p) => p.where.slice(10, -1)))].sort();
    const databases = ids.map((id): DatabaseImpact => ({
        id, database: true, kind: "refused", kinds: ["refused"], downtime: DOWNTIME.refused, resources: [],
        refusals: problems.filter((p) => p.where === where(id)).map((p) => formatProblem(stack, p)),
    }));
    return {
        stack, databases, untouched: [], touchedDatabases: databases.length, dataAtRisk: false, previewWillFail: true,
        refusals: problems.map((p) => formatProblem(stack, p)), refused: true, notes: [...notes, NOT_RENDERED],
    };
}

/** A stack with nothing deployed: the base of a region whose file is new. */
export function emptyRender(stack: string): Render {
    return { stack, preview: false, resources: [], outputs: {}, invokes: {} };
}

/**
 * Renders both stack files (preview=false, so every value is concrete), side by side in two child
 * processes, and reports the impact. `before` null means nothing is deployed yet (a new region
 * file): every database is new. Validation and the program's transition checks come first, in this
 * process: a change they refuse is never rendered (a render costs seconds), as `pulumi preview`
 * stops at the refusal too; the report then lists the refusals per database. Rejects with
 * render's RenderError (configError=true) when either file fails validation. `flag` names the
 * after file in the fixes' qdb commands (default `--stack <stack>`).
 */
export async function computeImpact(
    before: StackFile | null, after: StackFile, notes: readonly string[] = [], flag?: string, movedInGiven?: ReadonlyMap<string, MovedIn>,
): Promise<ImpactReport> {
    if (before) {
        validateSide("before", before);
    }
    validateSide("after", after);
    const problems = before ? refusedTransitions(before, after, flag) : [];
    notes = [...notes, ...maintenanceNotes(before, after)];
    if (problems.length > 0) {
        return refusedReport(after.stack, problems, notes);
    }
    // Both sides run as `pulumi preview` would after `before` was deployed: the program's
    // self-reference reads `before` as its last outputs (adoption's converge step, the storage
    // class and the retired ids depend on them). A new region file has no outputs yet.
    const previousOutputs = before ? deployedOutputsOf(before) : {};
    // Databases moved in from another cell: given by `qdb move`, else found in the sibling files' markers.
    const movedIn = movedInGiven ?? movedInFromSiblings(before, after);
    const sources = [...movedIn.entries()];
    const [b, a, ...fromSources] = await Promise.all([
        before ? renderLabelled("before", before, previousOutputs) : emptyRender(after.stack),
        renderLabelled("after", after, previousOutputs),
        // A database moved in, as its source cell rendered it before the move (tools/impact/moves.ts).
        ...sources.map(([, m]) => renderLabelled(`source ${m.from}`, m.source, deployedOutputsOf(m.source))),
    ]);
    const inDest = new Map(sources.map(([id, m], i) => [id, {
        from: m.from, inDest: impactOfRenders(onlyDatabase(fromSources[i], id), onlyDatabase(a, id)).databases.find((d) => d.id === id),
    }]));
    const report = withMoves(impactOfRenders(b, a), movedOutOf(before, after), inDest);
    // A database moved in is not new: its note is the move's (tools/impact/moves.ts).
    const afterInventory = offlineInventoryOf(after);
    const added = newDatabaseNotes(before ? offlineInventoryOf(before) : null, afterInventory, after.raw.databases)
        .filter((note) => ![...movedIn.keys()].some((id) => note.startsWith(`New database "${id}"`)));
    return { ...report, notes: [...notes, ...added, ...restartNote(report.databases, afterInventory), ...report.notes] };
}

/** Said in a refused report: no resource table, because the program never gets that far. */
export const NOT_RENDERED = "not rendered: the program stops at the refusal, as `pulumi preview` does, so no resource changes are listed";

/** The program's own validation of one side, with the error a render of it would fail with. */
function validateSide(side: string, file: StackFile): void {
    try {
        offlineInventoryOf(file);
    } catch (err) {
        if (err instanceof InventoryError) {
            throw new RenderError(`${side} (${file.path}): ${err.message}`, true);
        }
        throw err;
    }
}

/** The stack outputs the program's self-reference would read once `before` is deployed (OfflinePrevious). */
export function deployedOutputsOf(before: StackFile): Record<string, unknown> {
    const { facts, retiredIds } = offlinePrevious(before);
    // With the volume ids the mocks give: what the program keeps on its drills' deny list when an
    // entry leaves (retainedVolumeIds), so a removal or a move out renders as it deploys.
    const databases = Object.fromEntries(Object.entries(facts).map(([id, f]) => [id, { ...f, volumeId: mockVolumeId(id) }]));
    return { databases, retiredIds };
}

/** Renders one side, naming the side and file in any error so the reader knows which to fix. */
async function renderLabelled(side: string, file: StackFile, previousOutputs: Record<string, unknown>): Promise<Render> {
    try {
        return await renderInChild({ ...requestFromStackFile(file, false), previousOutputs });
    } catch (err) {
        if (err instanceof RenderError) {
            throw new RenderError(`${side} (${file.path}): ${err.message}`, err.configError);
        }
        throw err;
    }
}
