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

const workflow = (name: string) => parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", `${name}.yml`), "utf8"));
const WORKFLOWS = fs.readdirSync(path.join(PROJECT_DIR, ".github", "workflows")).filter((f) => f.endsWith(".yml")).map((f) => f.slice(0, -4));

test("preview and drift take their stack matrix from the stacks job; the PR previews only what it touches", () => {
    for (const name of ["preview", "drift"]) {
        const stacksJob = workflow(name).jobs.stacks;
        assert.ok(stacksJob.steps.some((s: { run?: string }) => s.run?.includes("tools/stackMatrix.ts") && s.run.includes("$GITHUB_OUTPUT")), name);
        assert.equal(stacksJob.outputs.stacks, "${{ steps.matrix.outputs.stacks }}");
        const matrixJobs = Object.entries(workflow(name).jobs as Record<string, any>).filter(([, job]) => job.strategy?.matrix);
        assert.ok(matrixJobs.length > 0, name);
        for (const [jobName, job] of matrixJobs) {
            assert.equal(job.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}", `${name}.${jobName}`);
            assert.ok([job.needs].flat().includes("stacks"), `${name}.${jobName} needs stacks`);
        }
    }
    const preview = workflow("preview").jobs;
    assert.ok(preview.stacks.steps.some((s: { run?: string }) => s.run?.includes("--changed origin/${{ github.base_ref }}")));
    assert.equal(preview.preview.if, "needs.stacks.outputs.stacks != '[]'");
});

test("up deploys the changed stacks in phases, dev, then regions in parallel up to a bound, then prod; a failure stops the rest", () => {
    const up = workflow("up").jobs;
    const matrixStep = up.stacks.steps.find((s: { id?: string }) => s.id === "matrix");
    assert.match(matrixStep.run, /--changed "\$base"/);
    assert.match(matrixStep.run, /--phase "\$phase"/);
    const phases = { dev: "first", regions: "middle", prod: "last" } as const;
    for (const [job, phase] of Object.entries(phases)) {
        assert.equal(up[job].uses, "./.github/workflows/deploy.yml", job);
        assert.equal(up[job].with.stacks, `\${{ needs.stacks.outputs.${phase} }}`, job);
    }
    assert.deepEqual([up.dev.with["max-parallel"], up.regions.with["max-parallel"], up.prod.with["max-parallel"]], [1, 4, 1]);
    assert.deepEqual(up.regions.needs, ["stacks", "dev"]);
    assert.deepEqual(up.prod.needs, ["stacks", "dev", "regions"]);
    for (const job of ["regions", "prod"]) {
        assert.match(up[job].if, /!failure\(\) && !cancelled\(\)/, job);
    }
});

test("deploy applies exactly the reviewed plan: saved from this commit, encrypted, applied after the environment's approval", () => {
    const deploy = workflow("deploy").jobs;
    const planStep = deploy.plan.steps.find((s: { run?: string }) => s.run?.includes("pulumi preview"));
    assert.match(planStep.run, /--save-plan plan\.json --parallel "\$PULUMI_PARALLEL"/);
    assert.ok(deploy.plan.steps.some((s: { run?: string }) => s.run?.includes("openssl enc -aes-256-cbc") && s.run.includes("-pass env:PLAN_ARTIFACT_KEY") && s.run.includes("rm plan.json")));
    assert.equal(deploy.plan.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/upload-artifact")).with["retention-days"], 1);
    assert.deepEqual(deploy.apply.needs, "plan");
    assert.equal(deploy.apply.environment, "${{ matrix.stack }}");
    const up = deploy.apply.steps.find((s: { with?: { command?: string } }) => s.with?.command === "up");
    assert.equal(up.with.plan, "plan.json");
    assert.equal(up.with.parallel, "${{ env.PULUMI_PARALLEL }}");
    for (const job of ["plan", "apply"]) {
        assert.deepEqual(deploy[job].concurrency, { group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false }, job);
    }
});

/** The current major of every action the workflows use (checked 2026-12: docs/ci.md). */
const CURRENT_MAJOR: Readonly<Record<string, string>> = {
    "actions/checkout": "v6", "actions/setup-node": "v6", "actions/upload-artifact": "v7", "actions/download-artifact": "v8",
    "aws-actions/configure-aws-credentials": "v6", "pulumi/actions": "v7",
};

test("every workflow runs Node 22, current action majors, and a bounded --parallel for every preview and up", () => {
    for (const name of WORKFLOWS) {
        const text = fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", `${name}.yml`), "utf8");
        for (const match of text.matchAll(/node-version: *['"]?(\d+)/g)) {
            assert.equal(match[1], "22", `${name}: node-version ${match[1]}`);
        }
        for (const match of text.matchAll(/uses: ([\w-]+\/[\w-]+)@(\w+)/g)) {
            assert.equal(match[2], CURRENT_MAJOR[match[1]] ?? `unknown action ${match[1]}`, `${name}: ${match[1]}`);
        }
        for (const job of Object.values(workflow(name).jobs as Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>)) {
            for (const step of job.steps ?? []) {
                if (step.uses?.startsWith("pulumi/actions") && step.with?.command) {
                    assert.ok(step.with.parallel, `${name}: pulumi ${step.with.command} passes parallel`);
                }
            }
        }
    }
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
