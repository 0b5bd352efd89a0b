/**
 * Issue 25.3: two `up`s of one stack never run at once from CI, and CI never cancels a running
 * one. The backend's lock refuses the second (e2e/engine/interrupted.e2e.test.ts shows it), but
 * a refused job is a failed deployment; the workflows' concurrency groups keep it from starting.
 * Checked on the parsed workflows: every job that writes a stack's state runs in the stack's own
 * group `pulumi-<stack>` with cancel-in-progress false, and no workflow that leads to one cancels
 * runs in progress (a cancelled `up` is an interrupted one: docs/runbook.md).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { PROJECT_DIR } from "../support/stacks";

type Job = {
    concurrency?: { group?: string; "cancel-in-progress"?: boolean } | string;
    strategy?: { matrix?: Record<string, unknown> };
    uses?: string;
    steps?: { run?: string; uses?: string; with?: Record<string, unknown> }[];
};
type Workflow = { concurrency?: Job["concurrency"]; jobs: Record<string, Job> };

const WRITING_COMMAND = /\bpulumi\s+(up|refresh|destroy|import|cancel|stack\s+import)\b/;
const WRITING_ACTION = new Set(["up", "update", "refresh", "destroy"]);
const STACK_GROUP = "pulumi-${{ matrix.stack }}";

/** Whether a job changes a stack's state (or its lock): an `up`, refresh, destroy, import or cancel. */
function writesState(job: Job): boolean {
    return (job.steps ?? []).some((s) => WRITING_COMMAND.test(s.run ?? "")
        || (s.uses?.startsWith("pulumi/actions") === true && WRITING_ACTION.has(String(s.with?.command ?? ""))));
}

const cancels = (c: Job["concurrency"]) => typeof c === "object" && c["cancel-in-progress"] === true;

/** Every problem with the workflows' concurrency, as `<file> <job>: <what>`. */
export function concurrencyProblems(workflows: Record<string, Workflow>): string[] {
    const problems: string[] = [];
    const writers = new Set<string>();
    for (const [file, wf] of Object.entries(workflows)) {
        for (const [name, job] of Object.entries(wf.jobs ?? {})) {
            if (!writesState(job)) {
                continue;
            }
            writers.add(file);
            const c = typeof job.concurrency === "object" ? job.concurrency : undefined;
            if (c?.group !== STACK_GROUP) {
                problems.push(`${file} ${name}: writes a stack's state outside the group ${STACK_GROUP} (has ${JSON.stringify(job.concurrency)})`);
            } else if (c["cancel-in-progress"] !== false) {
                problems.push(`${file} ${name}: cancel-in-progress must be false: a cancelled up is an interrupted up`);
            }
            if (job.strategy?.matrix?.stack === undefined) {
                problems.push(`${file} ${name}: the group names matrix.stack, but the job has no stack matrix`);
            }
        }
    }
    // A caller of a writing workflow must not cancel it either (up.yml calls deploy.yml).
    for (const [file, wf] of Object.entries(workflows)) {
        const callsWriter = Object.values(wf.jobs ?? {}).some((j) => [...writers].some((w) => j.uses?.endsWith(`/${w}`)));
        if ((writers.has(file) || callsWriter) && cancels(wf.concurrency)) {
            problems.push(`${file}: its workflow-level concurrency cancels runs in progress, and it runs an up`);
        }
        for (const [name, job] of Object.entries(wf.jobs ?? {})) {
            if ([...writers].some((w) => job.uses?.endsWith(`/${w}`)) && cancels(job.concurrency)) {
                problems.push(`${file} ${name}: calls a workflow that writes state, with cancel-in-progress`);
            }
        }
    }
    return problems;
}

const DIR = path.join(PROJECT_DIR, ".github", "workflows");
const shipped = (): Record<string, Workflow> => Object.fromEntries(fs.readdirSync(DIR).filter((f) => f.endsWith(".yml"))
    .map((f) => [f, parse(fs.readFileSync(path.join(DIR, f), "utf8")) as Workflow]));

describe("CI never runs two ups of one stack at once (issue 25.3)", () => {
    it("every job that writes a stack's state is in the stack's group, never cancelled; its callers cancel nothing", () => {
        const workflows = shipped();
        const writing = Object.entries(workflows).flatMap(([f, wf]) => Object.entries(wf.jobs).filter(([, j]) => writesState(j)).map(([n]) => `${f} ${n}`));
        // deploy.yml's apply job is the `up`; the check must have found it, or it proves nothing.
        assert.ok(writing.includes("deploy.yml apply"), `the up job was found: ${writing.join(", ")}`);
        assert.deepEqual(concurrencyProblems(workflows), []);
    });

    it("the plan job shares the apply job's group: a plan is never made while another up runs", () => {
        const deploy = shipped()["deploy.yml"];
        assert.deepEqual(deploy.jobs.plan.concurrency, deploy.jobs.apply.concurrency);
    });

    it("finds a writing job without the group, one that cancels, and a caller that cancels", () => {
        const workflows = shipped();
        const deploy = workflows["deploy.yml"];
        const broken = {
            ...workflows,
            "deploy.yml": { ...deploy, jobs: { ...deploy.jobs, apply: { ...deploy.jobs.apply, concurrency: { group: "deploy-${{ github.ref }}", "cancel-in-progress": false } } } },
            "up.yml": { ...workflows["up.yml"], concurrency: { group: "up", "cancel-in-progress": true } },
            "extra.yml": { jobs: { fix: { concurrency: { group: STACK_GROUP, "cancel-in-progress": true }, strategy: { matrix: { stack: ["dev"] } }, steps: [{ run: "pulumi refresh --yes --stack dev" }] } } },
        };
        const problems = concurrencyProblems(broken);
        assert.ok(problems.some((p) => p.startsWith("deploy.yml apply: writes a stack's state outside the group")), problems.join("\n"));
        assert.ok(problems.some((p) => p.startsWith("up.yml: its workflow-level concurrency cancels")), problems.join("\n"));
        assert.ok(problems.some((p) => p.startsWith("extra.yml fix: cancel-in-progress must be false")), problems.join("\n"));
    });
});
