/**
 * Every rule against every resource of every shipped stack's render, as `up` and as a first
 * `preview`: the program must satisfy its own policy with zero violations. The coverage check
 * makes sure the rules really saw the resources they guard, so a renamed type cannot turn this
 * test into a no-op.
 * A decommissioned database's volume drops protect by design; it carries the questdb.cloud/state
 * tag, so the pack allows it, and prod ships one to keep that path checked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatViolation, violationsOf } from "../../policy/offline";
import { DATABASE_LABEL as POLICY_DATABASE_LABEL, STATE_TAG as POLICY_STATE_TAG, checkResource } from "../../policy/rules";
import { DATABASE_LABEL, STATE_TAG } from "../../inventory";
import { NODE_CLASS, NODE_POOL } from "../../tools/impact/rules";
import { editedProd, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resourcesOfType, shippedStacks } from "../support/stacks";

const GUARDED = [TYPES.volume, TYPES.nodeGroup, TYPES.statefulSet, TYPES.service, TYPES.launchTemplate, TYPES.configMap];
describe("policy over shipped stacks", () => {
    const stacks = shippedStacks();
    it("ships at least one stack", () => assert.ok(stacks.length > 0));

    for (const stack of stacks) {
        for (const preview of [false, true]) {
            const mode = preview ? "preview" : "up";
            it(`${stack} (${mode}): zero violations`, { timeout: 120_000 }, async () => {
                const render = await renderShippedStack(stack, preview);
                assert.ok(resourcesOfType(render, TYPES.deployment).length > 0, "the stack has databases");
                for (const type of GUARDED) {
                    assert.ok(resourcesOfType(render, type).length > 0, `the render has a ${type} to check`);
                }
                assert.deepEqual(violationsOf(render.resources).map(formatViolation), []);
                const unprotected = resourcesOfType(render, TYPES.volume).filter((v) => v.options.protect === false);
                if (stack === "prod") {
                    assert.deepEqual(unprotected.map((v) => v.name), ["oldcorp-archive-volume"]);
                }
                // The same volume with protect dropped must fail: the check reads recorded options.
                const volume = resourcesOfType(render, TYPES.volume).find((v) => v.options.protect === true);
                assert.ok(volume, "a protected volume");
                assert.equal(checkResource(volume.type, volume.inputs, { ...volume.options, protect: false }).length, 1);
            });
        }
    }
});

it("prod with every database on Karpenter: its NodePools and EC2NodeClasses satisfy the pack", { timeout: 120_000 }, async () => {
    const base = await renderShippedStack("prod", false);
    const render = await renderAfter(base, editedProd((_dbs, region) => {
        region.nodeProvisioner = "karpenter";
    }));
    for (const type of [NODE_POOL, NODE_CLASS]) {
        assert.ok(resourcesOfType(render, type).length > 0, `the render has a ${type} to check`);
    }
    assert.deepEqual(violationsOf(render.resources).map(formatViolation), []);
    const pool = resourcesOfType(render, NODE_POOL)[0];
    const spread = { ...pool.inputs, spec: { ...(pool.inputs.spec as object), limits: { nodes: "3" } } };
    assert.deepEqual(checkResource(pool.type, spread).map((v) => v.rule), ["database-nodepool-dedicated"]);
});

it("the pack's copies of the program's tag and label names agree with the program's", () => {
    assert.equal(POLICY_STATE_TAG, STATE_TAG);
    assert.equal(POLICY_DATABASE_LABEL, DATABASE_LABEL);
});
