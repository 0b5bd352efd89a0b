// The backup script against a real QuestDB (Maven Central's jar, e2e/questdb) and a real Prometheus
// Pushgateway (Debian's, e2e/pushgateway) with the environment the rendered CronJob gives it. Only
// the AWS step is a stub (test/backup/stubs.ts): the checkpoint is QuestDB's own, so "released" and
// "never left open" are what QuestDB says, and the metrics are what the Pushgateway serves.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DATA_PATH, restoreTriggerCommand } from "../../components/deployment/podSpec";
import { freeLoopbackPort, pollUntil } from "../support/process";
import { after, before, describe, it } from "node:test";
import { PORTS } from "../../inventory";
import { Render } from "../../render";
import { harness, runScript } from "../../test/backup/stubs";
import { assertNoCheckpointOpen as noCheckpointOpenOn, execStatement, httpGet } from "../questdb/clients";
import { QuestDbLaunch, cronJobEnv, questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { renderShippedForE2e } from "../support/render";
import { RunningPushgateway, samplesMatching, startPushgateway } from "../pushgateway/install";
import { PUSHED_METRICS, PUSH_JOBS } from "../../components/monitoring";

const ID = "acme-analytics";
let render: Render;
let launch: QuestDbLaunch;
let server: QuestDb;
let credentials: { user: string; password: string };
let pushgateway: RunningPushgateway;

before(async () => {
    pushgateway = await startPushgateway();
    render = await renderShippedForE2e("prod");
    launch = questDbLaunch(render, ID);
    server = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
    credentials = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
});

after(async () => {
    await server?.stop();
    await pushgateway?.stop();
});

/** The rendered backup CronJob's environment, secrets resolved, QuestDB's address moved to the test server. */
function renderedJobEnv(): Record<string, string> {
    const env = cronJobEnv(render, ID, `${ID}-backup`);
    assert.equal(env.QDB_URL, `http://questdb.qdb-${ID}.svc:${PORTS.http}`);
    assert.equal(env.PUSHGATEWAY_URL, "http://questdb-pushgateway.observability.svc:9091");
    return { ...env, QDB_URL: `http://127.0.0.1:${server.port(PORTS.http)}`, PUSHGATEWAY_URL: pushgateway.url };
}

function sql(query: string): Promise<{ ok: boolean; body: string }> {
    return execStatement(server.port(PORTS.http), query, credentials);
}

function assertNoCheckpointOpen(): Promise<void> {
    return noCheckpointOpenOn(server.port(PORTS.http), credentials);
}

describe("scripts/backup/snapshot.sh against a real QuestDB", () => {
    it("QuestDB refuses a second CHECKPOINT CREATE while one is open, so an open checkpoint is observable", async () => {
        assert.ok((await sql("CHECKPOINT CREATE")).ok);
        const second = await sql("CHECKPOINT CREATE");
        assert.equal(second.ok, false, second.body);
        assert.ok((await sql("CHECKPOINT RELEASE")).ok);
        await assertNoCheckpointOpen();
    });

    it("CHECKPOINT CREATE and RELEASE succeed around the snapshot, with the rendered credentials, and none is left open", async () => {
        const h = harness({ passthroughCurl: true });
        const run = await runScript(h, "snapshot.sh", renderedJobEnv());
        assert.equal(run.code, 0, run.stderr);
        const steps = h.calls().filter((c) => c.startsWith("curl QUERY CHECKPOINT") || c.startsWith("aws ec2 create-snapshot")).map((c) => c.split(" ").slice(0, 4).join(" "));
        assert.deepEqual(steps, ["curl QUERY CHECKPOINT CREATE", "aws ec2 create-snapshot --volume-id", "curl QUERY CHECKPOINT RELEASE"]);
        assert.match(run.stderr, /checkpoint created/);
        assert.match(run.stderr, /checkpoint released after \d+s/);
        await assertNoCheckpointOpen();
    });

    it("releases the checkpoint when the snapshot step fails", async () => {
        const h = harness({ passthroughCurl: true });
        const run = await runScript(h, "snapshot.sh", { ...renderedJobEnv(), AWS_FAIL: "create-snapshot" });
        assert.notEqual(run.code, 0);
        assert.match(run.stderr, /checkpoint released after/);
        await assertNoCheckpointOpen();
    });

    it("holds the checkpoint while it waits for the snapshot's point in time, and releases it on SIGTERM", async () => {
        const h = harness({ passthroughCurl: true });
        let heldWhileWaiting: { ok: boolean; body: string } | undefined;
        const run = await runScript(h, "snapshot.sh", { ...renderedJobEnv(), AWS_SNAPSHOT_STATE: "None", POLL_SECONDS: "1" }, (pid) => {
            const probe = async () => {
                // Wait until the script has asked EBS for the snapshot: the checkpoint is then open.
                while (!h.calls().some((c) => c.startsWith("aws ec2 describe-snapshots --snapshot-ids"))) {
                    await new Promise((r) => setTimeout(r, 100));
                }
                heldWhileWaiting = await sql("CHECKPOINT CREATE");
                process.kill(pid, "SIGTERM");
            };
            void probe();
        });
        assert.equal(run.code, 143, run.stderr);
        assert.equal(heldWhileWaiting?.ok, false, `the script's checkpoint was not open while it waited: ${heldWhileWaiting?.body}`);
        assert.match(run.stderr, /terminated[\s\S]*checkpoint released after/);
        await assertNoCheckpointOpen();
    });

    it("a copy taken while the script holds the checkpoint restores, with the init container's _restore trigger, to the checkpoint", async () => {
        const table = `backup_e2e_${Date.now()}`;
        const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `('2026-12-01T00:00:${String(from + i).padStart(2, "0")}Z', ${from + i})`).join(",");
        const count = async (port: number) => {
            const answer = await httpGet(port, `/exec?query=${encodeURIComponent(`SELECT count() FROM ${table}`)}`, credentials);
            return answer.status === 200 && !answer.body.includes('"error"') ? (JSON.parse(answer.body).dataset[0][0] as number) : undefined;
        };
        assert.ok((await sql(`CREATE TABLE ${table} (ts TIMESTAMP, v LONG) TIMESTAMP(ts) PARTITION BY DAY WAL`)).ok);
        assert.ok((await sql(`INSERT INTO ${table} VALUES ${rows(0, 10)}`)).ok);
        await pollUntil("the 10 rows applied", 60_000, async () => ((await count(server.port(PORTS.http))) === 10 ? true : undefined));

        const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-snapshot-")), "root");
        const h = harness({ passthroughCurl: true });
        const run = await runScript(h, "snapshot.sh", { ...renderedJobEnv(), STUB_COPY_FROM: server.root, STUB_COPY_TO: copy });
        assert.equal(run.code, 0, run.stderr);
        assert.ok(fs.existsSync(path.join(copy, ".checkpoint")), "the copy holds the checkpoint QuestDB made");
        // The live database moves on; the restored one must hold what the snapshot held.
        assert.ok((await sql(`INSERT INTO ${table} VALUES ${rows(10, 5)}`)).ok);
        await pollUntil("the 5 later rows applied", 60_000, async () => ((await count(server.port(PORTS.http))) === 15 ? true : undefined));

        // The StatefulSet's init container on a restored volume's first start, run on the copy.
        const trigger = restoreTriggerCommand().split(DATA_PATH).join(copy);
        execFileSync("sh", ["-c", trigger]);
        assert.ok(fs.existsSync(path.join(copy, "_restore")));
        const restored = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath, root: copy });
        try {
            await pollUntil("the restored table answers", 60_000, async () => ((await count(restored.port(PORTS.http))) !== undefined ? true : undefined));
            assert.equal(await count(restored.port(PORTS.http)), 10);
            assert.equal(fs.existsSync(path.join(copy, "_restore")), false, "QuestDB removes the trigger after a successful recovery");
            // A second run of the trigger on the same volume asks for nothing: the marker remembers.
            execFileSync("sh", ["-c", trigger]);
            assert.equal(fs.existsSync(path.join(copy, "_restore")), false);
        } finally {
            await restored.stop();
        }
    });

    describe("its result, as the real Pushgateway then serves it", () => {
        const B = PUSHED_METRICS.backup;
        /** What Prometheus would scrape for one database's backup group, by metric name. */
        const served = async (database: string) => {
            const group = { job: PUSH_JOBS.backup, database, instance: "" };
            const samples = samplesMatching(await pushgateway.metrics(), group);
            const labels = `database="${database}",instance="",job="${PUSH_JOBS.backup}"`;
            return new Map([...samples].filter(([series]) => series.endsWith(`{${labels}}`)).map(([series, v]) => [series.split("{")[0], v]));
        };

        it("a success: every backup metric under the database's grouping labels, the hold as the result line says, the push accepted", async () => {
            const h = harness({ passthroughCurl: true });
            const run = await runScript(h, "snapshot.sh", renderedJobEnv());
            assert.equal(run.code, 0, run.stderr);
            const metrics = await served(ID);
            for (const name of Object.values(B)) {
                assert.ok(metrics.has(name), `the Pushgateway serves no ${name} for ${ID}: ${[...metrics.keys()].join(" ")}`);
            }
            assert.equal(metrics.get(B.lastRunSuccess), 1);
            assert.equal(metrics.get(B.lastExitCode), 0);
            assert.equal(metrics.get(B.checkpointHeld), Number(JSON.parse(run.stdout.trim()).checkpointHeldSeconds));
            assert.equal(metrics.get(B.lastSuccess), metrics.get(B.lastRun));
            assert.ok(metrics.get(B.newestSnapshot)! <= metrics.get(B.lastRun)!);
            // The Pushgateway's own bookkeeping of the group: a push, and no failed one.
            assert.ok(metrics.get("push_time_seconds")! > 0);
            assert.equal(metrics.get("push_failure_time_seconds"), 0);
            assert.doesNotMatch(run.stderr, /pushing the result .* failed/);
        });

        it("a failed snapshot step: success 0 and its exit code, the last success and snapshot kept; another database's group untouched", async () => {
            const ok = harness({ passthroughCurl: true });
            assert.equal((await runScript(ok, "snapshot.sh", renderedJobEnv())).code, 0);
            const before = await served(ID);
            const other = harness({ passthroughCurl: true });
            assert.equal((await runScript(other, "snapshot.sh", { ...renderedJobEnv(), DATABASE: "globex-ticks" })).code, 0);
            const otherBefore = await served("globex-ticks");

            const h = harness({ passthroughCurl: true });
            const run = await runScript(h, "snapshot.sh", { ...renderedJobEnv(), AWS_FAIL: "create-snapshot" });
            assert.equal(run.code, 254, run.stderr);
            assert.match(run.stderr, /checkpoint released after/);
            const after = await served(ID);
            assert.equal(after.get(B.lastRunSuccess), 0);
            assert.equal(after.get(B.lastExitCode), 254);
            assert.ok(after.get(B.lastRun)! >= before.get(B.lastRun)!);
            // POST replaced only what the failed run pushed.
            assert.equal(after.get(B.lastSuccess), before.get(B.lastSuccess));
            assert.equal(after.get(B.newestSnapshot), before.get(B.newestSnapshot));
            assert.deepEqual(await served("globex-ticks"), otherBefore);
            assert.equal(otherBefore.get(B.lastRunSuccess), 1);
            await assertNoCheckpointOpen();
        });

        it("a Pushgateway that is down changes neither the exit code nor the release", async () => {
            const h = harness({ passthroughCurl: true });
            const down = `http://127.0.0.1:${await freeLoopbackPort()}`;
            const run = await runScript(h, "snapshot.sh", { ...renderedJobEnv(), PUSHGATEWAY_URL: down });
            assert.equal(run.code, 0, run.stderr);
            assert.match(run.stderr, /checkpoint released after \d+s[\s\S]*pushing the result to http:\/\/127\.0\.0\.1:\d+ failed \(the exit code stands\)/);
            await assertNoCheckpointOpen();
        });
    });
});
