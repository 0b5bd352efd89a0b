// The backup alerts evaluated by Debian's promtool on synthetic kube-state-metrics and Pushgateway
// series, and the region's Pushgateway alert: each fires when it should and stays silent when it
// should not (promtool test rules).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { AlertRule, LAST_RUN_HOLD_ALERT_SECONDS, alertRuleGroup, pushgatewayRuleGroup } from "../../components/monitoring";
import { ensurePromtool } from "../promtool/install";
import { expandAnnotation } from "../promtool/ruleTests";
import { runCommand } from "../support/process";

const group = alertRuleGroup({
    stack: "prod", awsRegion: "us-east-1", id: "acme", namespace: "qdb-acme", volumeSizeGiB: 100,
    backup: { intervalSeconds: 86400, drillIntervalSeconds: 7 * 86400 },
});
const regionGroup = pushgatewayRuleGroup({ stack: "prod", awsRegion: "us-east-1", namespace: "monitoring" });
const rule = (name: string): AlertRule => [...group.rules, ...regionGroup.rules].find((r) => r.alert === name)!;
const cronJob = (cj = "questdb-backup", ns = "qdb-acme") => `{namespace="${ns}", cronjob="${cj}"}`;
const fires = (name: string, extra: Record<string, string>) => [{ exp_labels: { ...rule(name).labels, ...extra }, exp_annotations: rule(name).annotations }];
const backupLabels = { namespace: "qdb-acme", cronjob: "questdb-backup" };
/** With `{{ $value }}` in the annotations, as Prometheus renders them. */
const firesWith = (name: string, extra: Record<string, string>, value: number) => [{
    exp_labels: { ...rule(name).labels, ...extra },
    exp_annotations: Object.fromEntries(Object.entries(rule(name).annotations).map(([k, v]) => [k, expandAnnotation(v, value)])),
}];
/** A gauge the backup script pushed, as Prometheus scrapes it from the Pushgateway with honorLabels. */
const pushed = (database: string) => `questdb_cloud_backup_checkpoint_held_seconds{job="questdb-backup", database="${database}", instance="", namespace="monitoring", service="questdb-pushgateway"}`;

const cases = [{
    // The last run was scheduled after the last success and nothing runs: failed.
    interval: "1m",
    input_series: [
        { series: `kube_cronjob_status_last_schedule_time${cronJob()}`, values: "200x30" },
        { series: `kube_cronjob_status_last_successful_time${cronJob()}`, values: "100x30" },
        { series: `kube_cronjob_created${cronJob()}`, values: "50x30" },
        { series: `kube_cronjob_status_active${cronJob()}`, values: "0x30" },
    ],
    alert_rule_test: [
        { eval_time: "4m", alertname: "QuestDbBackupFailed", exp_alerts: [] },
        { eval_time: "10m", alertname: "QuestDbBackupFailed", exp_alerts: fires("QuestDbBackupFailed", backupLabels) },
    ],
}, {
    // The same, but the run is still going: not a failure.
    interval: "1m",
    input_series: [
        { series: `kube_cronjob_status_last_schedule_time${cronJob()}`, values: "200x30" },
        { series: `kube_cronjob_status_last_successful_time${cronJob()}`, values: "100x30" },
        { series: `kube_cronjob_status_active${cronJob()}`, values: "1x30" },
    ],
    alert_rule_test: [{ eval_time: "10m", alertname: "QuestDbBackupFailed", exp_alerts: [] }],
}, {
    // Never succeeded since its creation at 0: stale after twice the daily schedule (plus `for`).
    interval: "1m",
    input_series: [{ series: `kube_cronjob_created${cronJob()}`, values: "0x3000" }],
    alert_rule_test: [
        { eval_time: "47h", alertname: "QuestDbBackupStale", exp_alerts: [] },
        { eval_time: "48h30m", alertname: "QuestDbBackupStale", exp_alerts: fires("QuestDbBackupStale", backupLabels) },
    ],
}, {
    // Succeeded recently: not stale.
    interval: "1m",
    input_series: [
        { series: `kube_cronjob_created${cronJob()}`, values: "0x3000" },
        { series: `kube_cronjob_status_last_successful_time${cronJob()}`, values: "150000x3000" },
    ],
    alert_rule_test: [{ eval_time: "48h30m", alertname: "QuestDbBackupStale", exp_alerts: [] }],
}, {
    // A backup Job active since 0 holds its checkpoint: alert after 15 minutes (plus `for`).
    interval: "1m",
    input_series: [
        { series: 'kube_job_status_start_time{namespace="qdb-acme", job_name="questdb-backup-29000000"}', values: "0x30" },
        { series: 'kube_job_status_active{namespace="qdb-acme", job_name="questdb-backup-29000000"}', values: "1x30" },
    ],
    alert_rule_test: [
        { eval_time: "10m", alertname: "QuestDbCheckpointHeld", exp_alerts: [] },
        { eval_time: "30m", alertname: "QuestDbCheckpointHeld", exp_alerts: fires("QuestDbCheckpointHeld", { namespace: "qdb-acme", job_name: "questdb-backup-29000000" }) },
    ],
}, {
    // The drill: failed, and stale after twice its weekly schedule. Samples 4 minutes apart stay
    // inside Prometheus' 5-minute lookback.
    interval: "4m",
    input_series: [
        { series: `kube_cronjob_status_last_schedule_time${cronJob("drill-acme", "questdb-drills")}`, values: "200x5600" },
        { series: `kube_cronjob_status_last_successful_time${cronJob("drill-acme", "questdb-drills")}`, values: "100x5600" },
        { series: `kube_cronjob_status_active${cronJob("drill-acme", "questdb-drills")}`, values: "0x5600" },
    ],
    alert_rule_test: [
        { eval_time: "1h", alertname: "QuestDbDrillFailed", exp_alerts: fires("QuestDbDrillFailed", { namespace: "questdb-drills", cronjob: "drill-acme" }) },
        { eval_time: "13d", alertname: "QuestDbDrillStale", exp_alerts: [] },
        { eval_time: "15d", alertname: "QuestDbDrillStale", exp_alerts: fires("QuestDbDrillStale", { namespace: "questdb-drills", cronjob: "drill-acme" }) },
    ],
}, {
    // The last run held its checkpoint 7 minutes: fires after `for`, with the pushed hold in the summary.
    interval: "1m",
    input_series: [{ series: pushed("acme"), values: `${LAST_RUN_HOLD_ALERT_SECONDS + 120}x30` }],
    alert_rule_test: [
        { eval_time: "0m", alertname: "QuestDbCheckpointHeldLong", exp_alerts: [] },
        { eval_time: "5m", alertname: "QuestDbCheckpointHeldLong", exp_alerts: firesWith("QuestDbCheckpointHeldLong", { job: "questdb-backup", database: "acme" }, LAST_RUN_HOLD_ALERT_SECONDS + 120) },
    ],
}, {
    // A short hold, and another database's long one, do not fire for acme; nor does a run that pushed nothing.
    interval: "1m",
    input_series: [
        { series: pushed("acme"), values: `${LAST_RUN_HOLD_ALERT_SECONDS - 1}x30` },
        { series: pushed("globex"), values: "3600x30" },
    ],
    alert_rule_test: [{ eval_time: "10m", alertname: "QuestDbCheckpointHeldLong", exp_alerts: [] }],
}, {
    // The Pushgateway's scrape fails, or it has no target at all: fires after 10 minutes.
    interval: "1m",
    input_series: [{ series: 'up{job="questdb-pushgateway", namespace="monitoring", instance="10.0.0.9:9091"}', values: "0x30" }],
    alert_rule_test: [
        { eval_time: "9m", alertname: "QuestDbPushgatewayDown", exp_alerts: [] },
        { eval_time: "12m", alertname: "QuestDbPushgatewayDown", exp_alerts: fires("QuestDbPushgatewayDown", {}) },
    ],
}, {
    interval: "1m",
    input_series: [{ series: 'up{job="questdb", namespace="qdb-acme", instance="10.0.0.1:9003"}', values: "1x30" }],
    alert_rule_test: [{ eval_time: "12m", alertname: "QuestDbPushgatewayDown", exp_alerts: fires("QuestDbPushgatewayDown", {}) }],
}, {
    // Scraped: silent; a Pushgateway of another namespace does not count.
    interval: "1m",
    input_series: [
        { series: 'up{job="questdb-pushgateway", namespace="monitoring", instance="10.0.0.9:9091"}', values: "1x30" },
        { series: 'up{job="questdb-pushgateway", namespace="elsewhere", instance="10.0.0.8:9091"}', values: "0x30" },
    ],
    alert_rule_test: [{ eval_time: "20m", alertname: "QuestDbPushgatewayDown", exp_alerts: [] }],
}];

test("promtool: the backup and drill alerts fire exactly when they should", async () => {
    // Installed on first use like the other promtool files: this file runs first on a fresh machine.
    await ensurePromtool();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-backup-alerts-"));
    fs.writeFileSync(path.join(dir, "rules.json"), JSON.stringify({ groups: [group, regionGroup] }));
    fs.writeFileSync(path.join(dir, "tests.json"), JSON.stringify({ rule_files: ["rules.json"], evaluation_interval: "5m", tests: cases }));
    const check = await runCommand("promtool", ["check", "rules", path.join(dir, "rules.json")]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const run = await runCommand("promtool", ["test", "rules", "tests.json"], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, /SUCCESS/);
});
