import assert from "node:assert/strict";
import { test } from "node:test";
import { disruptionBudgets } from "../../components/deployment/karpenterNode";
import { parseMaintenanceWindow, MaintenanceWindow } from "../../inventory/maintenanceWindow";
import { validateInventory } from "../../inventory";
import { amiParameterName } from "../../stacks/karpenter";
import { editedProd, entry } from "../support/lifecycle";
import { rawConfigOf } from "../support/stacks";

const windowOf = (text: string) => (parseMaintenanceWindow(text) as { window: MaintenanceWindow }).window;

test("without a window every disruption is allowed, one node at a time", () => {
    assert.deepEqual(disruptionBudgets(undefined), [{ nodes: "1" }]);
});

test("a window allows drift only inside it: zero Drifted disruptions from its close until it opens again (UTC)", () => {
    assert.deepEqual(disruptionBudgets(windowOf("sun 02:00-04:00")), [
        { nodes: "1" }, { nodes: "0", reasons: ["Drifted"], schedule: "0 4 * * 0", duration: "166h" },
    ]);
    // Across midnight: closes on Sunday 01:00, blocked 166 h until Saturday 23:00.
    assert.deepEqual(disruptionBudgets(windowOf("sat 23:00-01:00"))[1], { nodes: "0", reasons: ["Drifted"], schedule: "0 1 * * 0", duration: "166h" });
});

test("the AMI parameter of a release version is AWS's public AL2023 path for that minor and date", () => {
    assert.equal(amiParameterName({ nodeImage: "1.31.3-20250103", architecture: "arm64" }),
        "/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.31-v20250103/image_id");
});

test("nodeProvisioner: region default, per-database override, and an unknown value listing the allowed ones", () => {
    const ok = validateInventory(rawConfigOf(editedProd((dbs, region) => {
        region.nodeProvisioner = "karpenter";
        entry(dbs, "globex-ticks").nodeProvisioner = "managedNodeGroup";
    }), "prod"));
    assert.equal(ok.databases.find((d) => d.id === "globex-ticks")?.nodeProvisioner, "managedNodeGroup");
    assert.equal(ok.databases.find((d) => d.id === "acme-analytics")?.nodeProvisioner, "karpenter");
    const plain = validateInventory(rawConfigOf(editedProd(() => undefined), "prod"));
    assert.ok(plain.databases.every((d) => d.nodeProvisioner === "managedNodeGroup"));
    assert.throws(() => validateInventory(rawConfigOf(editedProd((dbs, region) => {
        region.nodeProvisioner = "fargate";
        entry(dbs, "globex-ticks").nodeProvisioner = "karpentr";
    }), "prod")), (err: Error) => /region: nodeProvisioner = "fargate".*one of managedNodeGroup, karpenter/s.test(err.message)
        && /database "globex-ticks": nodeProvisioner = "karpentr".*one of managedNodeGroup, karpenter/s.test(err.message));
});
