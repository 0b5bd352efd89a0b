/** Issue 17.12: the CI matrix is derived from the Pulumi.<stack>.yaml files, dev first and prod last. */
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { test } from "node:test";
import { parse } from "yaml";
import { orderStacks, stackMatrix } from "../../tools/stackMatrix";
import { PROJECT_DIR } from "../support/stacks";

test("stacks come from the files: dev first, prod last, a new region in between", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "matrix-"));
    for (const name of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.eu-west.yaml", "Pulumi.dev.yaml", "Pulumi.ap-south.yml", "README.md"]) {
        fs.writeFileSync(path.join(dir, name), "");
    }
    assert.deepEqual(stackMatrix(dir), ["dev", "ap-south", "eu-west", "prod"]);
    assert.deepEqual(orderStacks(["prod", "zz", "dev", "aa"]), ["dev", "aa", "zz", "prod"]);
    const printed = execFileSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "stackMatrix.ts"), dir], { encoding: "utf8" });
    assert.equal(printed, '["dev","ap-south","eu-west","prod"]\n');
    fs.rmSync(dir, { recursive: true });
});

test("the shipped project's matrix is every Pulumi.<stack>.yaml", () => {
    const files = fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    assert.deepEqual([...stackMatrix(PROJECT_DIR)].sort(), files.map((f) => f.slice(7, -5)).sort());
});

test("every workflow takes its stack matrix from the stacks job, none hard-codes stacks; up runs one at a time in order", () => {
    for (const name of ["preview", "up", "drift"]) {
        const workflow = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", `${name}.yml`), "utf8"));
        const stacksJob = workflow.jobs.stacks;
        assert.ok(stacksJob, `${name}: a stacks job`);
        assert.ok(stacksJob.steps.some((s: { run?: string }) => s.run?.includes("tools/stackMatrix.ts") && s.run.includes("$GITHUB_OUTPUT")), name);
        assert.equal(stacksJob.outputs.stacks, "${{ steps.matrix.outputs.stacks }}");
        const matrixJobs = Object.entries(workflow.jobs as Record<string, any>).filter(([, job]) => job.strategy?.matrix);
        assert.ok(matrixJobs.length > 0, name);
        for (const [jobName, job] of matrixJobs) {
            assert.equal(job.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}", `${name}.${jobName}`);
            assert.ok([job.needs].flat().includes("stacks"), `${name}.${jobName} needs stacks`);
        }
    }
    const up = parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "up.yml"), "utf8")).jobs.up.strategy;
    assert.deepEqual([up["max-parallel"], up["fail-fast"]], [1, true]);
});

test("the preview workflow fails the check when impact refuses (exit 5)", () => {
    const text = fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "preview.yml"), "utf8");
    const workflow = parse(text);
    const steps = workflow.jobs.preview.steps as { id?: string; if?: string; run?: string; "continue-on-error"?: boolean }[];
    const impact = steps.find((s) => s.id === "impact")!;
    assert.match(impact.run!, /npm run --silent impact -- --stack \$\{\{ matrix\.stack \}\} --base origin\/main/);
    const fail = steps.find((s) => s.if === "steps.impact.outcome == 'failure'")!;
    assert.match(fail.run!, /exit 1/);
    assert.match(fail.run!, /exit 5: the program refuses the change/);
});
