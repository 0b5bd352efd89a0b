import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { changesBetween, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource, resourcesOfType } from "../support/stacks";

const DAILY_7D = "keep-7d-0-3-every-every-any-every-aa96cf";
let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

test("one DLM policy per distinct schedule and retention, selecting volumes by tag", () => {
    const policies = resourcesOfType(base, TYPES.lifecyclePolicy);
    // Policy names are a contract: derived from schedule and retention, never from list position.
    assert.deepEqual(policies.map((p) => p.name).sort(), ["questdb-backups-keep-35d-0-3-every-every-any-every-0540db", `questdb-backups-${DAILY_7D}`]);
    const daily = resource(base, TYPES.lifecyclePolicy, `questdb-backups-${DAILY_7D}`).inputs.policyDetails as any;
    assert.deepEqual(daily.targetTags, { "questdb.cloud/backup-policy": DAILY_7D });
    assert.deepEqual(daily.schedules[0].createRule, { cronExpression: "cron(0 3 * * ? *)" });
    assert.deepEqual(daily.schedules[0].retainRule, { interval: 7, intervalUnit: "DAYS" });
    // DLM's API accepts only these characters in a description.
    for (const policy of policies) {
        assert.match(String(policy.inputs.description), /^[0-9A-Za-z _-]+$/, policy.name);
    }
    const tags = resource(base, TYPES.volume, "acme-analytics-volume").inputs.tags as Record<string, string>;
    assert.equal(tags["questdb.cloud/backup-policy"], DAILY_7D);
});

test("changing one database's retention moves its volume to another policy by retagging", async () => {
    const after = await renderAfter(base, editedProd((dbs) => (entry(dbs, "acme-analytics").backup = { retainDays: 14 })));
    assert.deepEqual(changesBetween(base, after), [
        "update aws:ebs/volume:Volume acme-analytics-volume: tags.questdb.cloud/backup-policy",
        "create aws:dlm/lifecyclePolicy:LifecyclePolicy questdb-backups-keep-14d-0-3-every-every-any-every-acdd1e",
    ].sort((a, b) => a.split(" ")[1].localeCompare(b.split(" ")[1])));
});

test("a new database restored from a snapshot creates its volume from that snapshot", async () => {
    const after = await renderAfter(base, editedProd((dbs) => dbs.push({ id: "acme-restore", availabilityZone: "us-east-1a", restoreFromSnapshot: "snap-0fedcba9876543210" })));
    const created = changesBetween(base, after);
    assert.ok(created.every((c) => c.startsWith("create ") && / acme-restore(-|$)/.test(c)), created.join("\n"));
    assert.equal(resource(after, TYPES.volume, "acme-restore-volume").inputs.snapshotId, "snap-0fedcba9876543210");
});

test("changing the snapshot of an existing database is refused: it would replace the volume", async () => {
    const changed = editedProd((dbs) => (entry(dbs, "stark-replay").restoreFromSnapshot = "snap-0aaaaaaaaaaaaaaa1"));
    await assert.rejects(renderAfter(base, changed), /database "stark-replay": restoreFromSnapshot = "snap-0aaaaaaaaaaaaaaa1": a volume is restored from a snapshot only when it is created/);
});

test("adoption (step import) imports the legacy volume, node group, launch template and DNS record as they are", () => {
    const asIs = { ignoreChanges: ["*"] };
    assert.deepEqual(resource(base, TYPES.volume, "legacy-metrics-volume").options, { protect: true, retainOnDelete: true, import: "vol-0f1e2d3c4b5a69788", ...asIs });
    const nodeGroup = resource(base, TYPES.nodeGroup, "legacy-metrics-node");
    assert.deepEqual(nodeGroup.options, { import: "qdb-prod-us-east-1:qdb-legacy-metrics", ...asIs, deleteBeforeReplace: true });
    assert.equal(nodeGroup.inputs.nodeGroupName, "qdb-legacy-metrics");
    assert.equal(nodeGroup.inputs.nodeGroupNamePrefix, undefined);
    assert.deepEqual(resource(base, TYPES.launchTemplate, "legacy-metrics-node-template").options, { import: "lt-0a9b8c7d6e5f40312", ...asIs });
    assert.deepEqual(resource(base, TYPES.record, "legacy-metrics-dns").options, { import: "Z0PROD123456789ABCDE_legacy-metrics.us-east-1.db.questdb-cloud.example_CNAME", ...asIs });
    assert.equal(resource(base, TYPES.nodeGroup, "acme-analytics-node").options.import, undefined);
});
