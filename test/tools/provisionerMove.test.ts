// Issue 22.5: moving one database between a node group and Karpenter is one reviewed edit whose
// impact is one pod move, in either direction, not "down until resumed".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { parseStackFile } from "../../inventory";
import { downtimeText } from "../../inventory/downtimes";
import { asProvisionerMove } from "../../tools/impact/group";
import { DOWNTIME, computeImpact } from "../../tools/impact/report";
import { LAUNCH_TEMPLATE, NODE_GROUP, NODE_POOL } from "../../tools/impact/rules";
import { ResourceAction, ResourceImpact } from "../../tools/impact/types";
import { StackBody, editedProd, entry } from "../support/lifecycle";

const MOVED = "acme-analytics";

function file(body: StackBody) {
    return parseStackFile(stringify(body), "Pulumi.prod.yaml", "prod");
}

function resource(type: string, action: ResourceAction): ResourceImpact {
    return { type, name: `${MOVED}-${type}`, action, kind: action === "create" ? "created" : "down", paths: [], replaceBecause: [], reason: "", blockedByProtect: false };
}

const kinds = (resources: readonly ResourceImpact[]) => resources.map((r) => `${r.type} ${r.action}:${r.kind}`);

describe("asProvisionerMove", () => {
    test("a NodePool created with the node group deleted is a pod move, and so is the reverse", () => {
        assert.deepEqual(kinds(asProvisionerMove([resource(NODE_GROUP, "delete"), resource(LAUNCH_TEMPLATE, "delete"), resource(NODE_POOL, "create")])), [
            `${NODE_GROUP} delete:provisioner-move`, `${LAUNCH_TEMPLATE} delete:provisioner-move`, `${NODE_POOL} create:created`,
        ]);
        assert.deepEqual(kinds(asProvisionerMove([resource(NODE_POOL, "delete"), resource(NODE_GROUP, "create"), resource(LAUNCH_TEMPLATE, "create")])), [
            `${NODE_POOL} delete:provisioner-move`, `${NODE_GROUP} create:created`, `${LAUNCH_TEMPLATE} create:created`,
        ]);
    });

    test("a node deleted with no new one of the other provisioner stays down", () => {
        assert.deepEqual(kinds(asProvisionerMove([resource(NODE_GROUP, "delete"), resource(LAUNCH_TEMPLATE, "delete")])),
            [`${NODE_GROUP} delete:down`, `${LAUNCH_TEMPLATE} delete:down`]);
        assert.deepEqual(kinds(asProvisionerMove([resource(NODE_POOL, "delete"), resource(NODE_POOL, "create")])),
            [`${NODE_POOL} delete:down`, `${NODE_POOL} create:created`]);
    });
});

describe("impact of a provisioner migration", () => {
    const onGroups = editedProd(() => undefined);
    const onKarpenter = editedProd((databases) => {
        entry(databases, MOVED).nodeProvisioner = "karpenter";
    });

    for (const [direction, before, after] of [["to Karpenter", onGroups, onKarpenter], ["back to a node group", onKarpenter, onGroups]] as const) {
        test(`${direction}: the database's headline is one pod move, and no other database is touched`, async () => {
            const report = await computeImpact(file(before), file(after));
            const moved = report.databases.find((d) => d.id === MOVED);
            assert.equal(moved?.kind, "provisioner-move", JSON.stringify(moved?.resources.map((r) => [r.name, r.action, r.kind])));
            assert.equal(moved?.downtime, DOWNTIME["provisioner-move"]);
            assert.equal(moved?.downtime, downtimeText("provisionerMove"));
            assert.deepEqual(report.databases.filter((d) => d.database && d.id !== MOVED).map((d) => d.id), []);
            assert.equal(report.dataAtRisk, false);
        });
    }
});
