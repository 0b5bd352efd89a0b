// The stack exports each database's backup role and, where it is drilled, the drill runner's role:
// the drift workflow simulates those roles' policies (tools/simulatePolicies.ts), and Pulumi names a
// role with a random suffix, so nothing but the outputs knows the ARNs.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parseStackOutputs, validateInventory } from "../../inventory";
import { drilledDatabases } from "../../components/restoreDrills";
import { Render } from "../../render";
import { TYPES, rawConfigOf, renderShippedStack, resourcesOfType, shippedStackBody } from "../support/stacks";

/** What render/mocks.ts answers for a role's ARN: its logical name under the mock account. */
const mockRoleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

for (const stack of ["prod", "dev"]) {
    describe(`stack ${stack}: the IAM roles in the outputs`, () => {
        const inventory = validateInventory(rawConfigOf(shippedStackBody(stack), stack));
        let render: Render;
        before(async () => {
            render = await renderShippedStack(stack);
        });

        it("each database that is not decommissioned exports its backup role, each drilled one the drill runner's role, and the parser keeps both", () => {
            const outputs = parseStackOutputs(render.outputs, stack);
            const drilled = new Set(drilledDatabases(inventory.databases).map((d) => d.id));
            const roles = new Set(resourcesOfType(render, "aws:iam/role:Role").map((r) => r.name));
            for (const database of inventory.databases) {
                const out = outputs.databases[database.id];
                if (database.state === "decommissioned") {
                    assert.equal(out.backupRoleArn, undefined, database.id);
                } else {
                    assert.ok(roles.has(`${database.id}-backup-role`), `${database.id}: no backup role rendered`);
                    assert.equal(out.backupRoleArn, mockRoleArn(`${database.id}-backup-role`), database.id);
                }
                assert.equal(out.drillRoleArn, drilled.has(database.id) ? mockRoleArn("questdb-drills-aws-role") : undefined, database.id);
            }
            assert.equal(resourcesOfType(render, TYPES.deployment).length, inventory.databases.length);
            if (stack === "prod") {
                assert.ok(drilled.size > 0, "prod drills at least one database");
            }
        });
    });
}
