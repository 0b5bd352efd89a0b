/**
 * Every rule against every resource of every shipped stack's render, as `up` and as a first
 * `preview`: the program must satisfy its own policy with zero violations. The coverage check
 * makes sure the rules really saw the resources they guard, so a renamed type cannot turn this
 * test into a no-op.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatViolation, violationsOf } from "../../policy/offline";
import { checkResource } from "../../policy/rules";
import { TYPES, renderShippedStack, resourcesOfType, shippedStacks } from "../support/stacks";

const GUARDED = [TYPES.volume, TYPES.nodeGroup, TYPES.statefulSet, TYPES.service, TYPES.launchTemplate, TYPES.configMap];

describe("policy over shipped stacks", () => {
    const stacks = shippedStacks();
    it("ships at least one stack", () => assert.ok(stacks.length > 0));

    for (const stack of stacks) {
        for (const preview of [false, true]) {
            it(`${stack} (${preview ? "preview" : "up"}): zero violations`, { timeout: 120_000 }, async () => {
                const render = await renderShippedStack(stack, preview);
                const deployments = resourcesOfType(render, TYPES.deployment).length;
                assert.ok(deployments > 0, "the stack has databases");
                for (const type of GUARDED) {
                    assert.ok(resourcesOfType(render, type).length >= deployments, `one ${type} per database`);
                }
                assert.deepEqual(violationsOf(render.resources).map(formatViolation), []);
                // The same render, with the volume's protect option dropped, must fail: the check
                // reads the recorded options, not a constant.
                const volume = resourcesOfType(render, TYPES.volume)[0];
                assert.equal(volume.options.protect, true);
                assert.equal(checkResource(volume.type, volume.inputs, { ...volume.options, protect: false }).length, 1);
            });
        }
    }
});
