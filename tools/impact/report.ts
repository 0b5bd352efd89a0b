/**
 * The programmatic API of the change-impact report: `computeImpact(before, after)` renders both
 * stack files under mocks (two child processes, concurrently), diffs them with render/diff.ts and
 * says per database what the change means. Used by `npm run impact` and by the qdb ops CLI.
 */
import { InventoryError, StackFile, formatProblem, offlineInventoryOf, refusedTransitions } from "../../inventory";
import { Render, RenderError, diffRenders, renderInChild, requestFromStackFile } from "../../render";
import { databaseIds, groupImpacts, groupsOf } from "./group";
import { providerFlagsOf } from "./rules";
import { ImpactReport } from "./types";

export * from "./types";
export { FORCE_REPLACE } from "./rules";
export { DOWNTIME, SEVERITY } from "./group";
export { formatImpactMarkdown, formatImpactSummary } from "./format";

/** Pure: the impact of going from one render to another. */
export function impactOfRenders(before: Render, after: Render): ImpactReport {
    const ids = databaseIds(before, after);
    // The provider is updated before the objects it manages, so its new flags decide their diffs.
    const databases = groupImpacts(diffRenders(before, after), groupsOf(before, after), ids, providerFlagsOf(after.resources));
    const touched = new Set(databases.map((d) => d.id));
    const resources = databases.flatMap((d) => d.resources);
    return {
        stack: after.stack,
        databases,
        untouched: [...ids].filter((id) => !touched.has(id)).sort(),
        touchedDatabases: databases.filter((d) => d.database).length,
        dataAtRisk: resources.some((r) => r.kind === "data-at-risk"),
        previewWillFail: resources.some((r) => r.blockedByProtect),
        refusals: [],
    };
}

/**
 * Renders both stack files (preview=false, so every value is concrete), side by side in two child
 * processes, and reports the impact. Validation and the program's transition checks come first,
 * in this process: a change they refuse is never rendered (a render costs seconds), as
 * `pulumi preview` stops at the refusal too. Rejects with render's RenderError (configError=true)
 * when either file fails validation; a refused transition is a report with its `refusals`.
 */
export async function computeImpact(before: StackFile, after: StackFile): Promise<ImpactReport> {
    validateSide("before", before);
    validateSide("after", after);
    const refusals = refusedTransitions(before, after).map((p) => formatProblem(after.stack, p));
    if (refusals.length > 0) {
        return { stack: after.stack, databases: [], untouched: [], touchedDatabases: 0, dataAtRisk: false, previewWillFail: true, refusals };
    }
    const [b, a] = await Promise.all([renderLabelled("before", before), renderLabelled("after", after)]);
    return impactOfRenders(b, a);
}

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

/** Renders one side, naming the side and file in any error so the reader knows which to fix. */
async function renderLabelled(side: string, file: StackFile): Promise<Render> {
    try {
        return await renderInChild(requestFromStackFile(file, false));
    } catch (err) {
        if (err instanceof RenderError) {
            throw new RenderError(`${side} (${file.path}): ${err.message}`, err.configError);
        }
        throw err;
    }
}
