import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource } from "../support/stacks";

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

test("pausing scales the node group and the StatefulSet to zero and keeps everything else", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "globex-ticks").state = "paused")));
    assert.deepEqual(changesBetween(base, after), [
        "update aws:eks/nodeGroup:NodeGroup globex-ticks-node: scalingConfig.desiredSize, scalingConfig.minSize",
        "update kubernetes:apps/v1:StatefulSet globex-ticks-questdb: spec.replicas",
        // Nothing writes to a paused database's volume: no scheduled snapshot.
        "delete kubernetes:batch/v1:CronJob globex-ticks-backup",
        // A paused database has no pod; its "down" alert would never clear.
        "delete kubernetes:monitoring.coreos.com/v1:PrometheusRule globex-ticks-alerts",
    ]);
    assert.deepEqual(resource(after, TYPES.nodeGroup, "globex-ticks-node").inputs.scalingConfig, { minSize: 0, desiredSize: 0, maxSize: 1 });
    assert.equal((resource(after, TYPES.statefulSet, "globex-ticks-questdb").inputs.spec as any).replicas, 0);
});

test("pausing stops QuestDB before its node: the node group depends on the StatefulSet, never the reverse", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "globex-ticks").state = "paused")));
    assert.deepEqual(resource(after, TYPES.nodeGroup, "globex-ticks-node").options.dependsOn, ["globex-ticks-questdb"]);
    assert.ok(!resource(after, TYPES.statefulSet, "globex-ticks-questdb").options.dependsOn?.includes("globex-ticks-node"));
    // Active (before the edit): the pod waits for its node.
    assert.ok(resource(base, TYPES.statefulSet, "globex-ticks-questdb").options.dependsOn?.includes("globex-ticks-node"));
    assert.equal(resource(base, TYPES.nodeGroup, "globex-ticks-node").options.dependsOn, undefined);
});

test("resuming brings the node up before the pod: the StatefulSet depends on the node group again", async () => {
    assert.deepEqual(resource(base, TYPES.nodeGroup, "tyrell-sensors-node").options.dependsOn, ["tyrell-sensors-questdb"]);
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "tyrell-sensors").state = "active")));
    assert.ok(resource(after, TYPES.statefulSet, "tyrell-sensors-questdb").options.dependsOn?.includes("tyrell-sensors-node"));
    assert.equal(resource(after, TYPES.nodeGroup, "tyrell-sensors-node").options.dependsOn, undefined);
});

test("resuming brings the node back in the same subnet and reattaches the same volume", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "tyrell-sensors").state = "active")));
    assert.deepEqual(changesBetween(base, after), [
        "update aws:eks/nodeGroup:NodeGroup tyrell-sensors-node: scalingConfig.desiredSize, scalingConfig.minSize",
        "update kubernetes:apps/v1:StatefulSet tyrell-sensors-questdb: spec.replicas",
        "create kubernetes:batch/v1:CronJob tyrell-sensors-backup",
        "create kubernetes:monitoring.coreos.com/v1:PrometheusRule tyrell-sensors-alerts",
    ]);
    const nodeGroup = resource(after, TYPES.nodeGroup, "tyrell-sensors-node").inputs;
    assert.deepEqual(nodeGroup.subnetIds, ["subnet-0aa11bb22cc33dd02"]);
    assert.deepEqual(nodeGroup.scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 1 });
    const pv = resource(after, TYPES.persistentVolume, "tyrell-sensors-pv").inputs.spec as any;
    assert.equal(pv.csi.volumeHandle, (base.outputs.databases as any)["tyrell-sensors"].volumeId);
});
