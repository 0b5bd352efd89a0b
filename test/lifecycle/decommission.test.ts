import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, databasesOf, renderShippedStack, renderStackBody, resource, shippedStackBody } from "../support/stacks";

let base: Render;
let paused: Promise<Render>;
before(async () => {
    base = await renderShippedStack("prod");
    // Started now, so that it renders while the tests before it run.
    paused = renderAfter(base, editedProd((dbs) => (entry(dbs, "cyberdyne-logs").state = "paused")));
});

test("decommissioning an active database directly is refused before preview: pause first, so the final snapshot is cold", async () => {
    await assert.rejects(renderAfter(base, editedProd((dbs) => (entry(dbs, "cyberdyne-logs").state = "decommissioned")), true),
        /stack "prod", database "cyberdyne-logs": state = "decommissioned": an active database goes to paused before it is decommissioned.*Fix: set `state: paused` \(`npx qdb pause --stack prod cyberdyne-logs`\) and deploy; then `npx qdb decommission --stack prod cyberdyne-logs` in a later change\./);
});

test("step 1, decommission a paused database: compute, routes, certificate, ingress and DNS go; the volume stays, unprotected but retained; a final snapshot is taken", async () => {
    const pausedRender = await paused;
    const after = await renderAfter(pausedRender, editedProd((dbs) => (entry(dbs, "cyberdyne-logs").state = "decommissioned")));
    const changes = changesBetween(pausedRender, after);
    assert.deepEqual(changes.filter((c) => !c.startsWith("delete ")), [
        "create aws:ebs/snapshot:Snapshot cyberdyne-logs-final-snapshot",
        "update aws:ebs/volume:Volume cyberdyne-logs-volume: tags.questdb.cloud/state, options.protect",
    ]);
    // Paused first: the node group is at zero and the pod gone before the snapshot is taken.
    assert.equal((resource(pausedRender, TYPES.nodeGroup, "cyberdyne-logs-node").inputs.scalingConfig as any).desiredSize, 0);
    assert.equal((resource(pausedRender, TYPES.statefulSet, "cyberdyne-logs-questdb").inputs.spec as any).replicas, 0);
    const deleted = changes.filter((c) => c.startsWith("delete ")).map((c) => c.split(" ")[2]);
    assert.deepEqual(deleted.sort(), [
        "config", "credentials", "dns", "ingress", "isolation", "limits", "metrics", "namespace", "node",
        "node-template", "pv", "pvc", "questdb", "quota", "service",
        "backup-account", "backup-egress", "backup-identity", "backup-ingress", "backup-policy", "backup-role", "backup-script",
        "certificate", "http-allowlist", "tcp-allowlist", "http-route", "postgres-route", "postgres-tls", "ilp-route",
    ].map((part) => `cyberdyne-logs-${part}`).sort());
    const volume = resource(after, TYPES.volume, "cyberdyne-logs-volume");
    assert.deepEqual(volume.options, { protect: false, retainOnDelete: true });
    assert.deepEqual(resource(after, TYPES.snapshot, "cyberdyne-logs-final-snapshot").options, { retainOnDelete: true, customTimeouts: { create: "4h" } });
});

test("step 2, remove the decommissioned entry: Pulumi forgets the volume and snapshot but retains both in AWS", async () => {
    const after = await renderAfter(base, editedProd((dbs) => dbs.splice(dbs.findIndex((d) => d.id === "oldcorp-archive"), 1)));
    assert.deepEqual(changesBetween(base, after), [
        "delete aws:ebs/snapshot:Snapshot oldcorp-archive-final-snapshot",
        "delete aws:ebs/volume:Volume oldcorp-archive-volume",
        // The drills' deny list keeps the retained volume: nothing else changes.
        "delete questdb-cloud:index:QuestDbDeployment oldcorp-archive",
    ]);
    // retainOnDelete on what the engine deletes: the delete removes them from state, never from AWS.
    assert.equal(resource(base, TYPES.volume, "oldcorp-archive-volume").options.retainOnDelete, true);
    assert.equal(resource(base, TYPES.snapshot, "oldcorp-archive-final-snapshot").options.retainOnDelete, true);
});

test("removing an active database's entry directly fails the preview with the pause-first fix (issue 26.3)", async () => {
    const removed = editedProd((dbs) => dbs.splice(dbs.findIndex((d) => d.id === "acme-analytics"), 1));
    await assert.rejects(renderAfter(base, removed, true),
        /stack "prod", database "acme-analytics": \(entry\) = "\(removed\)": the entry was removed while the database is active; that would delete the database\. Fix: put the entry back as deployed .*then `npx qdb pause --stack prod acme-analytics` and deploy, `npx qdb decommission --stack prod acme-analytics` and deploy, and `npx qdb remove --stack prod acme-analytics`/);
});

test("a paused database cannot be removed directly either", async () => {
    const removed = editedProd((dbs) => dbs.splice(dbs.findIndex((d) => d.id === "tyrell-sensors"), 1));
    await assert.rejects(renderAfter(base, removed), /database "tyrell-sensors".*removed while the database is paused/);
});

test("a decommissioned database can be brought back on its retained volume", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "oldcorp-archive").state = "active")));
    const pv = resource(after, TYPES.persistentVolume, "oldcorp-archive-pv").inputs.spec as any;
    assert.equal(pv.csi.volumeHandle, (base.outputs.databases as any)["oldcorp-archive"].volumeId);
    assert.deepEqual(resource(after, TYPES.volume, "oldcorp-archive-volume").options, { protect: true, retainOnDelete: true });
});

test("issue 17.8: the stack outputs record a removed id, and the program refuses it when it comes back, even without retiredIds in the file", async () => {
    const removed = editedProd((dbs) => dbs.splice(dbs.findIndex((d) => d.id === "oldcorp-archive"), 1));
    const afterRemove = await renderAfter(base, removed);
    assert.deepEqual(afterRemove.outputs.retiredIds, ["oldcorp-archive"]);
    assert.deepEqual(base.outputs.retiredIds, []);
    const readded = structuredClone(shippedStackBody("prod"));
    entry(databasesOf(readded), "oldcorp-archive").state = "active";
    await assert.rejects(renderStackBody("prod", readded, false, afterRemove.outputs),
        /stack "prod", database "oldcorp-archive": id = "oldcorp-archive": was the id of a removed database; ids are never reused/);
    // The record survives later deployments that no longer see the entry.
    const later = await renderStackBody("prod", removed, false, afterRemove.outputs);
    assert.deepEqual(later.outputs.retiredIds, ["oldcorp-archive"]);
});
