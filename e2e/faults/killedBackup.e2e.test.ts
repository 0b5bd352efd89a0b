// A backup killed in its checkpoint (issue 25, item 4): scripts/backup/snapshot.sh, with the
// rendered CronJob's environment, is SIGKILLed (no trap runs, as at an OOM kill) while it holds
// CHECKPOINT CREATE on a real QuestDB: the kill point is the stand-in aws being asked for the
// snapshot's state, which the script does only inside the checkpoint. Then: what QuestDB does with
// the orphaned checkpoint, on every QuestDB line the fleet runs, and what the next runs do with it.
// The Pushgateway is down on purpose: what a run pushed is read from the stub's copy of the body.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LAST_RUN_HOLD_ALERT_SECONDS, PUSHED_METRICS, alertRuleGroup } from "../../components/monitoring";
import { PORTS } from "../../inventory";
import { Render } from "../../render";
import { harness, runScript } from "../../test/backup/stubs";
import { resource, TYPES } from "../../test/support/stacks";
import { execSql } from "../questdb/clients";
import { cronJobEnv, questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { ensurePromtool } from "../promtool/install";
import { expandAnnotation } from "../promtool/ruleTests";
import { freeLoopbackPort, pollUntil, runCommand } from "../support/process";
import { renderShippedForE2e } from "../support/render";

const ID = "acme-analytics";
let render: Render;

before(async () => {
    render = await renderShippedForE2e("prod");
});

/** The rendered backup CronJob's environment, secrets resolved, pointed at `server`. */
function jobEnv(server: QuestDb, pushgateway: string): Record<string, string> {
    const cronJob = resource(render, TYPES.cronJob, `${ID}-backup`).inputs as any;
    const env = cronJobEnv(render, ID, `${ID}-backup`);
    assert.equal(env.JOB_DEADLINE_SECONDS, String(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds));
    return { ...env, QDB_URL: `http://127.0.0.1:${server.port(PORTS.http)}`, PUSHGATEWAY_URL: pushgateway };
}

/** The pushed gauge's value in a push body. */
const pushedValue = (body: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(body)?.[1]);
const steps = (calls: string[]) => calls.filter((c) => c.startsWith("curl QUERY ") || c.startsWith("aws ec2 create-snapshot"))
    .map((c) => (c.includes("checkpoint_status()") ? "status" : c.startsWith("aws") ? "create-snapshot" : c.replace(/^curl QUERY /, "")));

describe("a backup SIGKILLed while it holds its checkpoint", () => {
    const servers: QuestDb[] = [];
    after(async () => {
        await Promise.all(servers.map((s) => s.stop()));
    });

    // The fleet's QuestDB lines: the database's rendered 8.2.3 (Maven Central's 8.2.0), 8.1.4 and 9.0.3.
    for (const version of ["rendered", "8.1.4", "9.0.3"]) {
        it(`QuestDB ${version}: keeps the checkpoint open and takes writes; the next run reports it (exit 5) until it is older than the Job's deadline plus grace, then releases it`, async () => {
            const launch = questDbLaunch(render, ID);
            const wanted = version === "rendered" ? launch.version : version;
            const server = await startQuestDb({ version: wanted, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
            servers.push(server);
            const credentials = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
            const sql = (q: string) => execSql(server.port(PORTS.http), q, credentials);
            const env = jobEnv(server, `http://127.0.0.1:${await freeLoopbackPort()}`);
            await sql("CREATE TABLE killed_backup (v LONG, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY WAL");

            // The kill: once the script asks EBS for the snapshot's state, it holds the checkpoint.
            const killed = harness({ passthroughCurl: true });
            const run = await runScript(killed, "snapshot.sh", { ...env, AWS_SNAPSHOT_STATE: "None", POLL_SECONDS: "1" }, (pid) => {
                void pollUntil("the script waits inside its checkpoint", 60_000, async () =>
                    (killed.calls().some((c) => c.startsWith("aws ec2 describe-snapshots --snapshot-ids")) ? true : undefined))
                    .then(() => process.kill(pid, "SIGKILL"));
            });
            assert.equal(run.signal, "SIGKILL");
            assert.doesNotMatch(run.stderr, /checkpoint released/, "no trap ran");
            assert.deepEqual(killed.pushes(), [], "a SIGKILLed run pushes nothing");

            // What QuestDB does: the checkpoint stays open, with its start; writes go on and apply.
            const [[inProgress, startedAt]] = await sql("SELECT in_progress, started_at FROM checkpoint_status()");
            assert.equal(inProgress, true);
            assert.ok(Date.now() - Date.parse(String(startedAt)) < 120_000, `started_at ${startedAt} is the killed run's CHECKPOINT CREATE`);
            await sql("INSERT INTO killed_backup VALUES (1, '2026-12-01T00:00:00Z'), (2, '2026-12-01T00:00:01Z')");
            await pollUntil("rows written during the orphaned checkpoint applied", 60_000, async () =>
                ((await sql("SELECT count() FROM killed_backup"))[0][0] === 2 ? true : undefined));
            console.log(`[faults] QuestDB ${server.version}: checkpoint_status() after the kill: in_progress=${inProgress}, started_at=${startedAt}; writes applied`);

            // The next run, within the deadline plus grace: reports, touches nothing, pushes the age.
            // The age is pushed in whole seconds: start the run at least a second after the
            // checkpoint's start, which a fast machine otherwise beats (an age of 0 was pushed once).
            await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(String(startedAt)) + 1_500 - Date.now())));
            const next = harness({ passthroughCurl: true });
            const reported = await runScript(next, "snapshot.sh", env);
            assert.equal(reported.code, 5, reported.stderr);
            assert.deepEqual(steps(next.calls()), ["status"]);
            assert.match(reported.stderr, /still open, within 2100s .* left alone, no snapshot taken/);
            assert.equal(pushedValue(next.pushes()[0], PUSHED_METRICS.backup.lastExitCode), 5);
            assert.ok(pushedValue(next.pushes()[0], PUSHED_METRICS.backup.checkpointHeld) >= 1);
            assert.equal((await sql("SELECT in_progress FROM checkpoint_status()"))[0][0], true, "still open");

            // A run after the deadline plus grace (the wait stands in as a deadline of 0 s, grace 0 s):
            // releases it, takes its own snapshot, leaves none open.
            await new Promise((r) => setTimeout(r, 1100));
            const later = harness({ passthroughCurl: true });
            const released = await runScript(later, "snapshot.sh", { ...env, JOB_DEADLINE_SECONDS: "0", CHECKPOINT_GRACE_SECONDS: "0" });
            assert.equal(released.code, 0, released.stderr);
            assert.deepEqual(steps(later.calls()), ["status", "CHECKPOINT RELEASE", "CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
            assert.match(released.stderr, /a killed run left it; releasing it/);
            const held = pushedValue(later.pushes()[0], PUSHED_METRICS.backup.checkpointHeld);
            assert.ok(held >= 1, `the stale hold is pushed: ${held}`);
            assert.deepEqual(await sql("SELECT in_progress, started_at FROM checkpoint_status()"), [[false, null]]);
            console.log(`[faults] QuestDB ${server.version}: the next run exited 5 (left alone); a run past the deadline released it after ${held}s and snapshotted`);
            await server.stop();
        });
    }
});

it("promtool: after the kill QuestDbBackupFailed fires; once the next run pushes the open checkpoint's age, QuestDbCheckpointHeldLong fires with it", async () => {
    await ensurePromtool();
    const group = alertRuleGroup({ stack: "prod", awsRegion: "us-east-1", id: "acme", namespace: "qdb-acme", volumeSizeGiB: 100, backup: { intervalSeconds: 3600 } });
    const rule = (name: string) => group.rules.find((r) => r.alert === name)!;
    const cj = '{namespace="qdb-acme", cronjob="questdb-backup"}';
    const held = 'questdb_cloud_backup_checkpoint_held_seconds{job="questdb-backup", database="acme", instance="", namespace="monitoring", service="questdb-pushgateway"}';
    // Minute 0: yesterday's good run (held 3 s). The run scheduled at minute 1 is SIGKILLed (its Job
    // fails, nothing pushed). The next run, at minute 61, finds the checkpoint 3600 s old and pushes that.
    const input_series = [
        { series: `kube_cronjob_status_last_successful_time${cj}`, values: "0x120" },
        { series: `kube_cronjob_status_last_schedule_time${cj}`, values: "0 60x120" },
        { series: `kube_cronjob_created${cj}`, values: "0x120" },
        { series: `kube_cronjob_status_active${cj}`, values: "0 1 1 0x117" },
        { series: held, values: `3x60 3600x60` },
    ];
    const labels = (name: string, extra: Record<string, string>) => ({ ...rule(name).labels, ...extra });
    const tests = [{
        interval: "1m",
        input_series,
        alert_rule_test: [
            { eval_time: "30m", alertname: "QuestDbBackupFailed", exp_alerts: [{ exp_labels: labels("QuestDbBackupFailed", { namespace: "qdb-acme", cronjob: "questdb-backup" }), exp_annotations: rule("QuestDbBackupFailed").annotations }] },
            { eval_time: "30m", alertname: "QuestDbCheckpointHeldLong", exp_alerts: [] },
            { eval_time: "65m", alertname: "QuestDbCheckpointHeldLong", exp_alerts: [{
                exp_labels: labels("QuestDbCheckpointHeldLong", { job: "questdb-backup", database: "acme" }),
                exp_annotations: Object.fromEntries(Object.entries(rule("QuestDbCheckpointHeldLong").annotations).map(([k, v]) => [k, expandAnnotation(v, 3600)])),
            }] },
        ],
    }];
    assert.ok(3600 > LAST_RUN_HOLD_ALERT_SECONDS);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-killed-backup-"));
    fs.writeFileSync(path.join(dir, "rules.json"), JSON.stringify({ groups: [group] }));
    fs.writeFileSync(path.join(dir, "tests.json"), JSON.stringify({ rule_files: ["rules.json"], evaluation_interval: "1m", tests }));
    const run = await runCommand("promtool", ["test", "rules", "tests.json"], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout + run.stderr, /SUCCESS/);
});
