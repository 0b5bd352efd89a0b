/** The engine's steps, normalized to what `npm run impact` reports, and the assertions on them. */
import assert from "node:assert/strict";
import { ImpactReport, ResourceAction } from "../../tools/impact/report";
import { RunResult, Step } from "./stack";

/** Engine bookkeeping rather than the program's resources: the stack, providers, the self-reference. */
function isBookkeeping(step: Step): boolean {
    return step.type.startsWith("pulumi:");
}

/** The steps that change something, bookkeeping left out. */
export function changedSteps(steps: readonly Step[]): Step[] {
    return steps.filter((s) => !isBookkeeping(s) && s.op !== "read" && s.op !== "same");
}

const ACTION_OF: Record<string, ResourceAction> = {
    create: "create", update: "update", delete: "delete", import: "import",
    replace: "replace", "create-replacement": "replace", "delete-replaced": "replace",
};

/** One line per resource: "<action> <type> <name>", sorted. */
export function engineActions(steps: readonly Step[]): string[] {
    const byResource = new Map<string, string>();
    for (const s of changedSteps(steps)) {
        const action = ACTION_OF[s.op] ?? s.op;
        const key = `${s.type} ${s.name}`;
        // A replacement shows as several steps on one resource; keep "replace".
        if (byResource.get(key) !== "replace") {
            byResource.set(key, action);
        }
    }
    return [...byResource].map(([key, action]) => `${action} ${key}`).sort();
}

/**
 * Impact's resources, with the same bookkeeping left out as on the engine's side: a first
 * deployment's prediction lists the provider and the self-reference, which `changedSteps` drops.
 */
export function impactActions(report: ImpactReport): string[] {
    return report.databases.flatMap((d) => d.resources.filter((r) => !r.type.startsWith("pulumi:")).map((r) => `${r.action} ${r.type} ${r.name}`)).sort();
}

export function assertStepsMatchImpact(steps: readonly Step[], report: ImpactReport): void {
    assert.deepEqual(engineActions(steps), impactActions(report), "the engine's steps are what `npm run impact` predicted");
}

export function assertNoChanges(run: RunResult, what: string): void {
    const changed = engineActions(run.steps);
    assert.deepEqual(changed, [], `${what}: no changes expected`);
    // The self-reference is read on every run; a read of anything else would be a change.
    const readsOnlySelf = run.steps.filter((s) => s.op === "read").every((s) => s.type === "pulumi:pulumi:StackReference");
    const counts = Object.entries(run.summary).filter(([op, n]) => op !== "same" && !(op === "read" && readsOnlySelf) && n > 0);
    assert.deepEqual(counts, [], `${what}: the engine's summary counts only unchanged resources`);
}

/** Asserts that `first`'s step finished before `second`'s started: the engine ordered them. */
export function assertRunsBefore(run: RunResult, first: string, second: string, what: string): void {
    const done = run.timeline.findIndex((e) => e.phase === "done" && e.name === first);
    const started = run.timeline.findIndex((e) => e.phase === "pre" && e.name === second);
    assert.ok(done >= 0 && started >= 0, `${what}: both ${first} and ${second} changed (${JSON.stringify(run.timeline)})`);
    assert.ok(done < started, `${what}: ${first} finished before ${second} started (${JSON.stringify(run.timeline)})`);
}
