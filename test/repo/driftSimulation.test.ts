/** The nightly drift check runs AWS's policy simulator on the scripts' calls after its preview (issue #27, tools/simulatePolicies.ts). */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";

const drift = parse(fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "drift.yml"), "utf8"));

test("drift: after the preview, the outputs go to a file under RUNNER_TEMP and the simulator tool reads it, for the matrix stack", () => {
    const steps = drift.jobs.drift.steps as { uses?: string; if?: string; run?: string; env?: Record<string, string> }[];
    const preview = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    const simulate = steps.findIndex((s) => s.run?.includes("tools/simulatePolicies.ts"));
    assert.ok(preview >= 0 && simulate > preview, "the simulation runs after the preview");
    const step = steps[simulate];
    assert.equal(step.if, "steps.promotion.outputs.busy == '0'");
    const lines = step.run!.trim().split("\n");
    assert.deepEqual(lines, [
        'outputs="$RUNNER_TEMP/outputs-$STACK_NAME.json"',
        'pulumi stack output --json --show-secrets --stack "$STACK" > "$outputs"',
        'npx tsx tools/simulatePolicies.ts --stack "$STACK_NAME" --outputs "$outputs"',
    ]);
    assert.equal(step.env?.STACK, "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}");
    // The stack name reaches the shell as a variable, never spliced into the script.
    assert.equal(step.env?.STACK_NAME, "${{ matrix.stack }}");
    assert.doesNotMatch(step.run!, /\$\{\{/);
    assert.equal(step.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
    // The AWS credentials are the preview role's, from the step before the preview.
    assert.ok(steps.slice(0, preview).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")));
});
