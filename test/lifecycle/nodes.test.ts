import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource } from "../support/stacks";

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

test("an instance type change replaces only the node group, new node first, in the same AZ", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "acme-analytics").instanceType = "m7i.2xlarge")));
    assert.deepEqual(changesBetween(base, after), [
        "update aws:eks/nodeGroup:NodeGroup acme-analytics-node: instanceTypes.0",
    ]);
    const nodeGroup = resource(after, TYPES.nodeGroup, "acme-analytics-node");
    // A prefix (not a fixed name) and no deleteBeforeReplace: Pulumi creates the replacement first.
    assert.equal(nodeGroup.inputs.nodeGroupNamePrefix, "qdb-acme-analytics-");
    assert.equal(nodeGroup.inputs.nodeGroupName, undefined);
    assert.equal(nodeGroup.options.deleteBeforeReplace, undefined);
    assert.deepEqual(nodeGroup.inputs.subnetIds, ["subnet-0aa11bb22cc33dd01"]);
});

test("moving to Graviton switches the AMI type with the instance type", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "acme-analytics").instanceType = "m7g.xlarge")));
    assert.deepEqual(changesBetween(base, after), [
        "update aws:eks/nodeGroup:NodeGroup acme-analytics-node: amiType, instanceTypes.0",
    ]);
});

test("a region node image change updates every running node group in place, and nothing else", async () => {
    const after = await renderAfter(base, editedProd((_, region) => (region.defaults.nodeImage = "1.31.5-20250301")));
    // umbrella-iot and wayne-finance pin their own nodeImage; oldcorp-archive has no node;
    // legacy-metrics is in adoption step import, which ignores every input until it converges.
    const followers = ["acme-analytics", "cyberdyne-logs", "globex-ticks", "hooli-events", "initech-metrics",
        "stark-replay", "stark-telemetry", "tyrell-sensors"];
    assert.deepEqual(changesBetween(base, after), followers.map((id) => `update aws:eks/nodeGroup:NodeGroup ${id}-node: releaseVersion`));
});

test("a per-database node image override upgrades that node group alone", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "umbrella-iot").nodeImage = "1.31.5-20250301")));
    assert.deepEqual(changesBetween(base, after), ["update aws:eks/nodeGroup:NodeGroup umbrella-iot-node: releaseVersion"]);
});

test("nothing blocks the drain of a node upgrade: no PodDisruptionBudget exists", () => {
    assert.deepEqual(base.resources.filter((r) => /PodDisruptionBudget/.test(r.type)), []);
    for (const r of base.resources.filter((x) => x.type === TYPES.nodeGroup)) {
        assert.deepEqual(r.inputs.updateConfig, { maxUnavailable: 1 }, r.name);
    }
});
