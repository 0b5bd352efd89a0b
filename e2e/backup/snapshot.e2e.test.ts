// The backup script against a real QuestDB (Maven Central's jar, e2e/questdb) with the environment
// the rendered CronJob gives it. Only the AWS step is a stub (test/backup/stubs.ts): the checkpoint
// is QuestDB's own, so "released" and "never left open" are what QuestDB says.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DATA_PATH, restoreTriggerCommand } from "../../components/deployment/podSpec";
import { pollUntil } from "../support/process";
import { after, before, describe, it } from "node:test";
import { PORTS } from "../../inventory";
import { Render } from "../../render";
import { TYPES, resource } from "../../test/support/stacks";
import { harness, runScript } from "../../test/backup/stubs";
import { httpGet } from "../questdb/clients";
import { QuestDbLaunch, questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { renderShippedForE2e } from "../support/render";

const ID = "acme-analytics";
let render: Render;
let launch: QuestDbLaunch;
let server: QuestDb;
let credentials: { user: string; password: string };

before(async () => {
    render = await renderShippedForE2e("prod");
    launch = questDbLaunch(render, ID);
    server = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
    credentials = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
});

after(async () => {
    await server?.stop();
});

/** The rendered backup CronJob's environment, secrets resolved, QuestDB's address moved to the test server. */
function renderedJobEnv(): Record<string, string> {
    const cronJob = resource(render, "kubernetes:batch/v1:CronJob", `${ID}-backup`).inputs as any;
    const secret = (resource(render, TYPES.secret, `${ID}-credentials`).inputs as any).stringData as Record<string, string>;
    const env: Record<string, string> = {};
    for (const e of cronJob.spec.jobTemplate.spec.template.spec.containers[0].env) {
        env[e.name] = e.value ?? secret[e.valueFrom.secretKeyRef.key];
    }
    assert.equal(env.QDB_URL, `http://questdb.qdb-${ID}.svc:${PORTS.http}`);
    return { ...env, QDB_URL: `http://127.0.0.1:${server.port(PORTS.http)}` };
}

async function sql(query: string): Promise<{ ok: boolean; body: string }> {
    const answer = await httpGet(server.port(PORTS.http), `/exec?query=${encodeURIComponent(query)}`, credentials);
    return { ok: answer.status === 200 && !answer.body.includes('"error"'), body: answer.body };
}

/** None is open exactly when a new one can be created; the one created here is released again. */
async function assertNoCheckpointOpen(): Promise<void> {
    const created = await sql("CHECKPOINT CREATE");
    assert.ok(created.ok, `a checkpoint is still open: ${created.body}`);
    assert.ok((await sql("CHECKPOINT RELEASE")).ok);
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
});
