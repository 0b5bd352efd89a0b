/** The promotion workflow and the drift check agree with qdb's maintenance windows (issue #24 item 3). */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { MIN_WINDOW_MINUTES } from "../../inventory";
import { PROMOTION_EVERY } from "../../tools/qdb/maintenance";

const workflow = (name: string) => parse(fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", name), "utf8"));

test("promote runs often enough to fall several times inside the shortest window, and deploys its own commit through deploy.yml", () => {
    const promote = workflow("promote.yml");
    const every = Number(/^\*\/(\d+) \* \* \* \*$/.exec(promote.on.schedule[0].cron)?.[1]);
    assert.equal(`${every} minutes`, PROMOTION_EVERY);
    assert.ok(MIN_WINDOW_MINUTES / every >= 4, "at least four scheduled runs inside every window, since runs may be delayed or dropped");
    assert.equal(promote.concurrency["cancel-in-progress"], false);
    assert.match(promote.jobs.promote.steps.at(-1).run, /npx qdb promote --stack "\$stack" --no-impact/);
    assert.equal(promote.jobs.deploy.uses, "./.github/workflows/deploy.yml");
    assert.equal(promote.jobs.deploy.with.ref, "${{ needs.promote.outputs.sha }}");
    const deploy = workflow("deploy.yml");
    for (const job of ["plan", "apply"]) {
        assert.deepEqual(deploy.jobs[job].steps.find((s: { uses?: string }) => s.uses === "actions/checkout@v6").with, { ref: "${{ inputs.ref }}" });
    }
});

test("drift checks nothing while a promotion is under way: every step after the check depends on it", () => {
    const steps = workflow("drift.yml").jobs.drift.steps as { id?: string; if?: string; run?: string }[];
    assert.equal(steps[0].id, "promotion");
    assert.match(steps[0].run ?? "", /gh run list --workflow promote\.yml/);
    for (const step of steps.slice(1)) {
        assert.equal(step.if, "steps.promotion.outputs.busy == '0'", JSON.stringify(step));
    }
});
