// Issue 25.1: CI never plans or applies over an interrupted update's AWS creates. deploy.yml's plan
// job runs tools/pendingCreates.ts --check on the exported state before its preview, and the step
// fails the job with the tool's own exit code (a failing check must not be swallowed by the rm).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { PROJECT_DIR } from "../support/stacks";

type Step = { name?: string; run?: string };

test("deploy.yml checks for pending AWS creates before it previews, and fails with the check's exit code", () => {
    const workflow = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { steps: Step[] }> };
    const steps = workflow.jobs.plan.steps;
    const check = steps.findIndex((s) => /tools\/pendingCreates\.ts --stack "\$STACK" --state state\.json --check/.test(s.run ?? ""));
    const preview = steps.findIndex((s) => /pulumi preview/.test(s.run ?? ""));
    assert.ok(check >= 0, "a step runs the check");
    assert.ok(check < preview, "the check runs before the preview");
    const run = steps[check].run ?? "";
    assert.ok(run.indexOf("pulumi stack export --stack \"$STACK\" --file state.json") < run.indexOf("pendingCreates.ts"), "it checks the exported state");
    assert.match(run, /\|\| status=\$\?[\s\S]*rm -f state\.json[\s\S]*exit "\$status"\s*$/, "the export is deleted and the check's status is the step's");
});
