/**
 * The programmatic API of the change-impact report: `computeImpact(before, after)` renders both
 * stack files under mocks (two child processes, concurrently), diffs them with render/diff.ts and
 * says per database what the change means. Used by `npm run impact` and by the qdb ops CLI.
 */
import { StackFile, formatProblem, refusedTransitions } from "../../inventory";
import { Render, RenderError, diffRenders, renderInChild, requestFromStackFile } from "../../render";
import { databaseIds, groupImpacts, groupsOf } from "./group";
import { STATEFUL_SET, providerFlagsOf } from "./rules";
import { DatabaseImpact } from "./types";

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
        notes: [...forcedRollbackNotes(databases), ...adoptionNotes(databases)],
    };
}

/**
 * Renders both stack files (preview=false, so every value is concrete) and reports the impact.
 * Rejects with render's RenderError (configError=true) when either file fails validation.
 */
export async function computeImpact(before: StackFile, after: StackFile): Promise<ImpactReport> {
    const [b, a] = await Promise.all([renderLabelled("before", before), renderLabelled("after", after)]);
    const refusals = refusedTransitions(before, after).map((p) => formatProblem(after.stack, p));
    const report = impactOfRenders(b, a);
    return { ...report, refusals, previewWillFail: report.previewWillFail || refusals.length > 0 };
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
