import assert from "node:assert/strict";
import { test } from "node:test";
import { ALLOWED_METRICS, DATABASE_VARIABLE_SOURCE, PUSHED_METRICS, alertRuleGroup, dashboardPanels, suggestedVolumeSizeGiB } from "../../components/monitoring";
import { GP3, derivedNames, validateInventory } from "../../inventory";
import { rawConfigOf, shippedStackBody, shippedStacks } from "../support/stacks";
import { parsePromql, promqlProblems } from "./promql";

test("the checker itself catches syntax errors and unlisted metrics", () => {
    assert.deepEqual(parsePromql('sum by (namespace) (rate(up{job="x"}[5m])) > 0').metrics, ["up"]);
    assert.ok(parsePromql("sum by (namespace (up)").errors.length > 0);
    assert.ok(parsePromql('up{job="x"').errors.length > 0);
    assert.match(promqlProblems("questdb_made_up_total > 0", ALLOWED_METRICS).join("\n"), /questdb_made_up_total is not in ALLOWED_METRICS/);
    assert.deepEqual(promqlProblems('questdb_suspended_tables{namespace="qdb-a"} > 0', ALLOWED_METRICS), []);
});

for (const stack of shippedStacks()) {
    const inventory = validateInventory(rawConfigOf(shippedStackBody(stack), stack));
    const groups = inventory.databases.map((d) => alertRuleGroup({
        stack, awsRegion: inventory.region.awsRegion, id: d.id,
        namespace: derivedNames(d.id, inventory.region.dnsSuffix).namespace, volumeSizeGiB: d.volume.sizeGiB,
    }));

    test(`${stack}: every alert expression parses and uses only allowed metrics`, () => {
        const problems = groups.flatMap((g) => g.rules.flatMap((r) => promqlProblems(r.expr, ALLOWED_METRICS)));
        assert.deepEqual(problems, []);
    });

    test(`${stack}: one rule group per database, each alert pinned to its namespace and labelled`, () => {
        assert.deepEqual(groups.map((g) => g.name), inventory.databases.map((d) => `questdb.${d.id}`));
        for (const [i, database] of inventory.databases.entries()) {
            const alerts = groups[i].rules.map((r) => r.alert).sort();
            assert.deepEqual(alerts, ["QuestDbDown", "QuestDbNodeNotReady", "QuestDbPodPending", "QuestDbTablesSuspended", "QuestDbVolumeAlmostFull"]);
            for (const rule of groups[i].rules) {
                assert.deepEqual(
                    { ...rule.labels, severity: undefined },
                    { database: database.id, stack, aws_region: inventory.region.awsRegion, severity: undefined });
                assert.match(rule.labels.severity, /^(critical|warning)$/);
                assert.ok(rule.expr.includes(`namespace="qdb-${database.id}"`), `${rule.alert} of ${database.id} is not pinned: ${rule.expr}`);
                assert.match(rule.annotations.summary, new RegExp(`${database.id} \\(stack ${stack}, ${inventory.region.awsRegion}\\)`));
            }
        }
    });

    test(`${stack}: the volume alert names the qdb command with a larger size`, () => {
        for (const [i, database] of inventory.databases.entries()) {
            const rule = groups[i].rules.find((r) => r.alert === "QuestDbVolumeAlmostFull");
            assert.ok(rule);
            assert.match(rule.expr, / > 0\.8$/);
            const size = suggestedVolumeSizeGiB(database.volume.sizeGiB);
            assert.ok(size > database.volume.sizeGiB);
            assert.ok(rule.annotations.description.includes(
                `npm run qdb -- set --stack ${stack} ${database.id} volume.sizeGiB=${size}`), rule.annotations.description);
        }
    });

    test(`${stack}: the pending alert waits 10 minutes`, () => {
        for (const group of groups) {
            const rule = group.rules.find((r) => r.alert === "QuestDbPodPending");
            assert.equal(rule?.for, "10m");
            assert.match(rule?.expr ?? "", /kube_pod_status_phase\{namespace="qdb-[a-z0-9-]+", phase="Pending"\} == 1/);
        }
    });
}

test("backup and drill alerts parse, use only allowed metrics, and scale with the schedule", () => {
    const group = alertRuleGroup({
        stack: "s", awsRegion: "eu-west-1", id: "acme", namespace: "qdb-acme", volumeSizeGiB: 100,
        backup: { intervalSeconds: 6 * 3600, drillIntervalSeconds: 7 * 86400 },
    });
    const rules = group.rules.filter((r) => /Backup|Checkpoint|Drill/.test(r.alert));
    assert.deepEqual(rules.map((r) => r.alert), ["QuestDbBackupStale", "QuestDbBackupFailed", "QuestDbCheckpointHeld", "QuestDbCheckpointHeldLong", "QuestDbDrillFailed", "QuestDbDrillStale"]);
    assert.deepEqual(rules.flatMap((r) => promqlProblems(r.expr, ALLOWED_METRICS)), []);
    const stale = rules[0];
    assert.match(stale.expr, / > 43200$/);
    assert.match(stale.annotations.summary, /older than 12h, twice its schedule/);
    assert.match(stale.expr, /kube_cronjob_status_last_successful_time\{namespace="qdb-acme", cronjob="questdb-backup"\} or kube_cronjob_created/);
    // The hold of the last run, as the script pushed it under its own job and database labels.
    assert.equal(rules[3].expr, 'max by (job, database) (questdb_cloud_backup_checkpoint_held_seconds{job="questdb-backup", database="acme"}) > 300');
    assert.match(rules[3].annotations.summary, /held its QuestDB checkpoint for \{\{ \$value \}\}s, more than 5m/);
    assert.match(rules[5].expr, /cronjob="drill-acme"/);
    assert.match(rules[5].expr, / > 1209600$/);
    const withoutDrill = alertRuleGroup({ stack: "s", awsRegion: "eu-west-1", id: "acme", namespace: "qdb-acme", volumeSizeGiB: 100, backup: { intervalSeconds: 86400 } });
    assert.deepEqual(withoutDrill.rules.filter((r) => r.alert.startsWith("QuestDbDrill")), []);
});

test("the suggested size grows by half, rounds up, and stops at gp3's maximum", () => {
    assert.equal(suggestedVolumeSizeGiB(100), 150);
    assert.equal(suggestedVolumeSizeGiB(333), 500);
    assert.equal(suggestedVolumeSizeGiB(15_000), GP3.maxSizeGiB);
    assert.equal(suggestedVolumeSizeGiB(GP3.maxSizeGiB), GP3.maxSizeGiB);
});

test("a volume at gp3's maximum gets advice instead of an impossible resize", () => {
    const group = alertRuleGroup({ stack: "s", awsRegion: "eu-west-1", id: "big", namespace: "qdb-big", volumeSizeGiB: GP3.maxSizeGiB });
    const rule = group.rules.find((r) => r.alert === "QuestDbVolumeAlmostFull");
    assert.doesNotMatch(rule?.annotations.description ?? "", /qdb -- set/);
    assert.match(rule?.annotations.description ?? "", /maximum of 16384 GiB/);
});

test("every dashboard query parses and uses only allowed metrics; $database selects namespaces", () => {
    const queries = dashboardPanels().flatMap((p) => p.queries.map((q) => q.expr));
    assert.ok(queries.length >= 7);
    assert.deepEqual(queries.flatMap((q) => promqlProblems(q, ALLOWED_METRICS)), []);
    for (const query of queries) {
        // Drills run in one platform namespace; their CronJob names carry the database id. Pushed
        // series carry the database id as `database`, under their script's job.
        const filter = query.includes('namespace="questdb-drills"') ? 'cronjob=~"drill-($database)"'
            : /questdb_cloud_backup_/.test(query) ? 'job="questdb-backup", database=~"($database)"'
                : /questdb_cloud_drill_/.test(query) ? 'job="questdb-drill", database=~"($database)"' : 'namespace=~"qdb-($database)"';
        assert.ok(query.includes(filter), `not filtered by $database: ${query}`);
    }
    // The drill's pushed duration and phases, and the exact checkpoint hold, are on the dashboard.
    for (const metric of [PUSHED_METRICS.drill.duration, PUSHED_METRICS.drill.phaseSeconds, PUSHED_METRICS.drill.lastRunSuccess,
        PUSHED_METRICS.backup.checkpointHeld, PUSHED_METRICS.backup.newestSnapshot, PUSHED_METRICS.backup.lastRunSuccess]) {
        assert.ok(queries.some((q) => parsePromql(q).metrics.includes(metric)), `no panel shows ${metric}`);
    }
    assert.deepEqual(promqlProblems(DATABASE_VARIABLE_SOURCE, ALLOWED_METRICS), []);
});
