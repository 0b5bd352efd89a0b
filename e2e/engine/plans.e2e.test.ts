/**
 * Issue 23.5 under the real engine: what is applied is what was reviewed. An update plan saved by
 * `preview --save-plan` applies with `up --plan` when the program is unchanged, including the two
 * kinds of change with known plan bugs (a ConfigMap the provider adds metadata to,
 * pulumi/pulumi#13765; stack outputs that change, pulumi/pulumi#16670); and an `up --plan` whose
 * program changed after the preview is refused and changes nothing. No PULUMI_EXPERIMENTAL.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { computeImpact } from "../../tools/impact/report";
import { recordedClaimSize } from "./recovery";
import { absorbMonitorTermination } from "./rejections";
import { EngineStack } from "./stack";
import { assertNoChanges, assertStepsMatchImpact } from "./steps";
import { Tier, devStackYaml, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A] = zonesOf(devStackYaml());
/** The release the database starts on: both later versions are upgrades (a downgrade across a major is refused). */
const OLDER = "9.0.3";

describe("update plans under the real engine (issue 23.5)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    const sts = () => tier.cluster.client.get("/apis/apps/v1/namespaces/qdb-plans/statefulsets/questdb");
    const planFile = (name: string) => path.join(stack.workDir, `${name}.plan.json`);

    before(async () => {
        assert.equal(process.env.PULUMI_EXPERIMENTAL, undefined, "plans are checked without PULUMI_EXPERIMENTAL");
        absorbMonitorTermination();
        tier = await startTier([ZONE_A]);
        stack = await newStack(tier, "dev", devStackYaml());
        stack.setDatabases([{ id: "plans", availabilityZone: ZONE_A, questdbVersion: OLDER }]);
        await stack.up();
    });

    after(async () => {
        await tier?.stop();
    });

    it("a plan of a server.conf edit and a volume growth (ConfigMap metadata, changed outputs) applies as planned", async () => {
        const beforeFile = stack.setDatabases([{ id: "plans", availabilityZone: ZONE_A, questdbVersion: OLDER, serverConf: { "query.timeout.sec": "90" }, volume: { sizeGiB: 40 } }]);
        const predicted = await computeImpact(beforeFile, stack.stackFile());
        await stack.stack.preview({ plan: planFile("matching"), color: "never" });
        assert.ok(fs.statSync(planFile("matching")).size > 0, "the preview wrote a plan");
        const up = await stack.upWithPlan(planFile("matching"));
        assertStepsMatchImpact(up.steps, predicted);
        assert.equal((await stack.outputs() as { databases: Record<string, { sizeGiB: number }> }).databases.plans.sizeGiB, 40, "the changed output was applied");
        const config = await tier.cluster.client.get("/api/v1/namespaces/qdb-plans/configmaps/questdb-config");
        assert.match(config.data["server.conf"], /query\.timeout\.sec=90/);
        // The claim's await must record the grown claim, not the informer's cached copy from before it.
        assert.equal(recordedClaimSize(stack, "plans"), "40Gi", "the state records the claim as applied");
        assertNoChanges(await stack.preview(), "preview after the planned up");
    });

    it("a program that changed after the preview is refused by up --plan and changes nothing", async () => {
        stack.setDatabases([{ id: "plans", availabilityZone: ZONE_A, serverConf: { "query.timeout.sec": "90" }, volume: { sizeGiB: 40 }, questdbVersion: "9.3.4" }]);
        await stack.stack.preview({ plan: planFile("reviewed"), color: "never" });
        const imageBefore = (await sts()).spec.template.spec.containers[0].image;
        // After review, someone changes the version again: the plan does not allow that image.
        stack.setDatabases([{ id: "plans", availabilityZone: ZONE_A, serverConf: { "query.timeout.sec": "90" }, volume: { sizeGiB: 40 }, questdbVersion: "9.1.0" }]);
        const refusal = await stack.upWithPlan(planFile("reviewed")).then(() => undefined, (error: Error) => error.message);
        assert.ok(refusal, "up --plan refuses the unreviewed change");
        // The engine's own words for a step outside the plan, naming the StatefulSet.
        assert.match(refusal, /plans-questdb[\s\S]*violates plan|violates plan[\s\S]*plans-questdb/, refusal.slice(0, 2000));
        assert.equal((await sts()).spec.template.spec.containers[0].image, imageBefore, "the StatefulSet was not changed");
        // The fix the runbook gives: a new plan from the current program, reviewed, then applied.
        await stack.stack.preview({ plan: planFile("new"), color: "never" });
        await stack.upWithPlan(planFile("new"));
        assert.equal((await sts()).spec.template.spec.containers[0].image, "questdb/questdb:9.1.0");
        assertNoChanges(await stack.preview(), "preview after the new plan's up");
    });
});
