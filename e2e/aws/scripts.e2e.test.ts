// snapshot.sh and drill.sh with the real AWS CLI (Debian's, e2e/aws/cli.ts) against moto
// (e2e/aws/moto.ts), through a proxy that injects EC2's NotFound answers and records every call
// (e2e/aws/notFoundProxy.ts), next to a real QuestDB and a real Pushgateway, with the environment
// the rendered CronJobs give the scripts. Only the Kubernetes API side of drill.sh is the stub of
// test/backup/stubs.ts; every AWS call is the CLI's against moto. moto restores no data, so the
// drill's restore is proven on a real QuestDB started on a copy of the data taken at the moment
// CreateSnapshot reached "EBS", with the init command of the pod the drill created.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { PORTS } from "../../inventory";
import { PUSHED_METRICS, PUSH_JOBS } from "../../components/monitoring";
import { Render } from "../../render";
import { resource } from "../../test/support/stacks";
import { Harness, ScriptRun, harness, runScript } from "../../test/backup/stubs";
import { assertNoCheckpointOpen as noCheckpointOpenOn, execStatement, httpGet } from "../questdb/clients";
import { QuestDbLaunch, cronJobEnv, questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { RunningPushgateway, samplesMatching, startPushgateway } from "../pushgateway/install";
import { pollUntil } from "../support/process";
import { renderShippedForE2e } from "../support/render";
import { Tags, createSnapshot, createVolume, ec2, ownSnapshots, tagsOf, volumes } from "./ec2Cli";
import { listParam } from "./ec2Query";
import { RunningMoto, awsCliShim, startMoto } from "./moto";
import { NotFoundProxy, ProxiedCall, startNotFoundProxy } from "./notFoundProxy";
import { actionsNotAllowed } from "./policyActions";
import { ScriptName, impliedActions, scriptActions } from "../../components/scriptAwsCalls";

/** prod's database with both a backup and a drill. */
const ID = "wayne-finance";
const OTHER = "globex-ticks";
/** Each script run is bounded; a hung CLI or waiter fails the test instead of the file's hour. */
const RUN_TIMEOUT_MS = 120_000;
/** Each scenario: a few script runs and, for the drill, a second QuestDB. */
const SCENARIO = { timeout: 300_000 };

let render: Render;
let launch: QuestDbLaunch;
let server: QuestDb;
let credentials: { user: string; password: string };
let pushgateway: RunningPushgateway;
let moto: RunningMoto;
let proxy: NotFoundProxy;
/** A PATH directory whose `aws` is Debian's CLI pointed at the proxy. */
let proxyShim: string;
/** The database's data volume, created in moto: the backup job's VOLUME_ID. */
let volumeId: string;
/** The database's AZ, as the drill CronJob renders it. */
let zone: string;

/** The backup CronJob's environment with QuestDB, the Pushgateway and the volume moved to the test's. */
function backupEnv(): Record<string, string> {
    const env = cronJobEnv(render, ID, `${ID}-backup`);
    assert.equal(env.QDB_URL, `http://questdb.qdb-${ID}.svc:${PORTS.http}`);
    assert.match(env.VOLUME_ID, /^vol-/);
    return { ...env, QDB_URL: `http://127.0.0.1:${server.port(PORTS.http)}`, PUSHGATEWAY_URL: pushgateway.url, VOLUME_ID: volumeId };
}

function drillEnv(runId: string): Record<string, string> {
    return { ...cronJobEnv(render, ID, `questdb-drills-${ID}`), RUN_ID: runId };
}

/**
 * What a script run gets on top of the rendered env: moto's dummy credentials, no config file, and
 * the proxy's `aws` first on PATH. The region is the rendered AWS_REGION alone, and no AWS_PAGER is
 * set, as in the Job.
 */
function awsEnv(h: Harness): Record<string, string> {
    const { PATH: _path, AWS_REGION: _region, AWS_DEFAULT_REGION: _default, AWS_PAGER: _pager, ...rest } = moto.env;
    return { ...rest, AWS_ENDPOINT_URL: proxy.url, PATH: `${proxyShim}:${h.path}` };
}

/**
 * Runs a script with the stubs' harness, the real CLI through the proxy, the rendered env and
 * `extra`; a run past RUN_TIMEOUT_MS gets SIGTERM (its trap still cleans up) and fails the test.
 */
async function run(h: Harness, script: string, rendered: Record<string, string>, extra: Record<string, string> = {}): Promise<ScriptRun> {
    assert.ok(rendered.AWS_REGION, "the rendered env sets no AWS_REGION");
    let pid: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => {
        if (pid !== undefined) {
            process.kill(pid, "SIGTERM");
        }
        reject(new Error(`${script} did not finish in ${RUN_TIMEOUT_MS / 1000} s`));
    }, RUN_TIMEOUT_MS)));
    try {
        return await Promise.race([runScript(h, script, { ...awsEnv(h), ...rendered, ...extra }, (p) => (pid = p)), timeout]);
    } finally {
        clearTimeout(timer);
    }
}

function sql(query: string): Promise<{ ok: boolean; body: string }> {
    return execStatement(server.port(PORTS.http), query, credentials);
}

function assertNoCheckpointOpen(): Promise<void> {
    return noCheckpointOpenOn(server.port(PORTS.http), credentials);
}

/** The rendered IAM policy document of a role policy resource. */
function renderedPolicy(name: string): string {
    const policy = (resource(render, "aws:iam/rolePolicy:RolePolicy", name).inputs as { policy: unknown }).policy;
    assert.equal(typeof policy, "string", `${name}: the rendered policy is not a JSON string`);
    return policy as string;
}

/** The set of IAM actions of the calls, sorted. */
function actionsOf(calls: readonly ProxiedCall[]): string[] {
    return [...new Set(calls.map((c) => c.action))].sort();
}

/**
 * Every call, and every authorization AWS makes with it (components/scriptAwsCalls.ts: CreateTags on
 * a tagged create), must be allowed by an Allow statement's Action of the rendered policy; and each
 * call must be one of the table's for the script, which the drift workflow simulates.
 */
function assertAllowed(calls: readonly ProxiedCall[], policyName: string, script: ScriptName): void {
    const actions = calls.map((c) => c.action);
    assert.deepEqual(actions.filter((a) => !scriptActions(script).includes(a)), [], `${script} made calls components/scriptAwsCalls.ts does not list`);
    assert.deepEqual(actionsNotAllowed([...actions, ...impliedActions(script, actions)], renderedPolicy(policyName)), [], `calls outside ${policyName}'s Allow actions`);
}

/** A time `days` ago, as EC2 writes StartTime. */
function daysAgo(days: number): string {
    return new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, ".000Z");
}

/** The tags snapshot.sh puts on a scheduled snapshot (its `tags` function), from the rendered env. */
function scheduledTags(env: Record<string, string>, database = env.DATABASE, stack = env.STACK): Tags {
    return {
        "questdb.cloud/database": database, "questdb.cloud/stack": stack, "questdb.cloud/schedule": env.SCHEDULE,
        "questdb.cloud/snapshot": "scheduled", "managed-by": "questdb-cloud-backup", Name: `qdb-${database}-data-scheduled`,
    };
}

/** The backup metrics the Pushgateway serves for a database's group, by name. */
async function servedBackupMetrics(database: string): Promise<Map<string, number>> {
    const samples = samplesMatching(await pushgateway.metrics(), { job: PUSH_JOBS.backup, database, instance: "" });
    return new Map([...samples].map(([series, v]) => [series.split("{")[0], v]));
}

function resultLine(run: ScriptRun): Record<string, unknown> {
    return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

/** The calls naming an id in `param` (`SnapshotId.N`, `VolumeId.N` or the singular `SnapshotId`/`VolumeId`). */
function callsNaming(calls: readonly ProxiedCall[], action: string, param: string, id: string): ProxiedCall[] {
    return calls.filter((c) => c.action === action && (c.params[param] === id || listParam(c.params, param).includes(id)));
}

before(async () => {
    render = await renderShippedForE2e("prod");
    launch = questDbLaunch(render, ID);
    const region = cronJobEnv(render, ID, `${ID}-backup`).AWS_REGION;
    [pushgateway, moto, server] = await Promise.all([
        startPushgateway(),
        startMoto(region),
        startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath }),
    ]);
    credentials = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
    proxy = await startNotFoundProxy(moto.url);
    proxyShim = awsCliShim(fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-proxy-")), proxy.url);
    zone = cronJobEnv(render, ID, `questdb-drills-${ID}`).AVAILABILITY_ZONE;
    volumeId = await createVolume(moto.env, zone, 100, { Name: `qdb-${ID}-data` });
}, { timeout: 900_000 });

after(async () => {
    await proxy?.stop();
    await server?.stop();
    await moto?.stop();
    await pushgateway?.stop();
});

describe("snapshot.sh with the real AWS CLI against moto", () => {
    it("snapshots the volume with its tags inside a real checkpoint, pushes its metrics, and retires only this database's old scheduled snapshots", SCENARIO, async () => {
        const env = backupEnv();
        const retain = Number(env.RETAIN_DAYS);
        assert.ok(retain > 1, `RETAIN_DAYS ${env.RETAIN_DAYS}`);
        const other = await createVolume(moto.env, zone, 10);
        // What retention must and must not touch: aged through the proxy (moto stamps StartTime "now").
        const seeded = {
            oldOwn: await createSnapshot(moto.env, volumeId, scheduledTags(env)),
            recentOwn: await createSnapshot(moto.env, volumeId, scheduledTags(env)),
            oldOwnManual: await createSnapshot(moto.env, volumeId, { ...scheduledTags(env), "questdb.cloud/snapshot": "manual" }),
            oldOwnOtherStack: await createSnapshot(moto.env, volumeId, scheduledTags(env, ID, "staging")),
            oldOther: await createSnapshot(moto.env, other, scheduledTags(env, OTHER)),
        };
        for (const [name, id] of Object.entries(seeded)) {
            proxy.backdate(id, daysAgo(name === "recentOwn" ? retain - 1 : retain + 5));
        }
        proxy.resetCalls();

        const h = harness({ passthroughCurl: true });
        const result = await run(h, "snapshot.sh", env);
        assert.equal(result.code, 0, result.stderr);
        const line = resultLine(result);
        const fresh = line.snapshot as string;
        assert.match(fresh, /^snap-/);
        assert.equal(line.deleted, seeded.oldOwn, "the result line names exactly the retired snapshot");

        // moto's state: the fresh snapshot of the volume, with the script's tags and description.
        const after = await ownSnapshots(moto.env);
        const byId = new Map(after.map((s) => [s.SnapshotId, s]));
        const snapshot = byId.get(fresh);
        assert.ok(snapshot, `moto has no ${fresh}`);
        assert.equal(snapshot.VolumeId, volumeId);
        assert.equal(snapshot.State, "completed");
        assert.deepEqual(tagsOf(snapshot), scheduledTags(env));
        assert.equal(snapshot.Description, `Scheduled consistent snapshot of ${ID} (stack ${env.STACK})`);
        // Retention: only this database's old scheduled snapshots of this stack.
        assert.equal(byId.has(seeded.oldOwn), false, "the old scheduled snapshot of this database was not retired");
        for (const kept of [seeded.recentOwn, seeded.oldOwnManual, seeded.oldOwnOtherStack, seeded.oldOther]) {
            assert.ok(byId.has(kept), `retention deleted ${kept}, which it must keep`);
        }

        // The calls: exactly these actions, each in the rendered backup policy, and one delete.
        const calls = proxy.calls();
        // The table the drift workflow simulates (components/scriptAwsCalls.ts) is exactly what the script called.
        assert.deepEqual(actionsOf(calls), scriptActions("snapshot.sh"));
        assert.deepEqual(scriptActions("snapshot.sh"), ["ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:DescribeSnapshots"]);
        assert.ok(calls.every((c) => c.status === 200), JSON.stringify(calls.filter((c) => c.status !== 200)));
        assert.deepEqual(calls.filter((c) => c.action === "ec2:DeleteSnapshot").map((c) => c.params.SnapshotId), [seeded.oldOwn]);
        assert.equal(calls.find((c) => c.action === "ec2:CreateSnapshot")?.params.VolumeId, volumeId);
        assertAllowed(calls, `${ID}-backup-policy`, "snapshot.sh");

        // The checkpoint: QuestDB's own, created before the snapshot and released after it.
        assert.match(result.stderr, /checkpoint created[\s\S]*snapshot snap-\S+ started[\s\S]*point in time is fixed[\s\S]*checkpoint released after \d+s/);
        await assertNoCheckpointOpen();
        // The metrics, as the Pushgateway serves them.
        const metrics = await servedBackupMetrics(ID);
        for (const name of Object.values(PUSHED_METRICS.backup)) {
            assert.ok(metrics.has(name), `the Pushgateway serves no ${name} for ${ID}`);
        }
        assert.equal(metrics.get(PUSHED_METRICS.backup.lastRunSuccess), 1);
        assert.equal(metrics.get(PUSHED_METRICS.backup.lastExitCode), 0);
        assert.equal(metrics.get(PUSHED_METRICS.backup.checkpointHeld), Number(line.checkpointHeldSeconds));
    });
});

describe("drill.sh's AWS steps against moto, and its restore on a real QuestDB", () => {
    it("creates one volume from the newest snapshot of the database in its AZ, waits for it, deletes it; a copy taken at CreateSnapshot restores to the checkpoint", SCENARIO, async () => {
        // Rows the snapshot must hold.
        const table = `drill_e2e_${Date.now()}`;
        const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `('2026-12-01T00:00:${String(from + i).padStart(2, "0")}Z', ${from + i})`).join(",");
        const count = async (port: number, auth?: typeof credentials) => {
            const answer = await httpGet(port, `/exec?query=${encodeURIComponent(`SELECT count() FROM ${table}`)}`, auth);
            return answer.status === 200 && !answer.body.includes('"error"') ? (JSON.parse(answer.body).dataset[0][0] as number) : undefined;
        };
        assert.ok((await sql(`CREATE TABLE ${table} (ts TIMESTAMP, v LONG) TIMESTAMP(ts) PARTITION BY DAY WAL`)).ok);
        assert.ok((await sql(`INSERT INTO ${table} VALUES ${rows(0, 10)}`)).ok);
        await pollUntil("the 10 rows applied", 60_000, async () => ((await count(server.port(PORTS.http), credentials)) === 10 ? true : undefined));

        // The tier's stand-in for EBS's point in time: QuestDB's root copied when CreateSnapshot arrives.
        const copies: string[] = [];
        proxy.beforeForward((request) => {
            if (request.action === "ec2:CreateSnapshot") {
                const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-drill-copy-")), "root");
                execFileSync("cp", ["-a", server.root, copy]);
                copies.push(copy);
            }
        });
        proxy.resetCalls();
        const backup = await run(harness({ passthroughCurl: true }), "snapshot.sh", backupEnv());
        proxy.beforeForward(() => undefined);
        assert.equal(backup.code, 0, backup.stderr);
        const newest = resultLine(backup).snapshot as string;
        const copyOf = new Map(proxy.calls().filter((c) => c.created?.kind === "snapshot").map((c, i) => [c.created!.id, copies[i]]));
        assert.ok(copyOf.get(newest), "no copy was taken for the drill's snapshot");
        assert.ok(fs.existsSync(path.join(copyOf.get(newest)!, ".checkpoint")), "the copy holds the checkpoint QuestDB made");
        // The live database moves on; the restore must hold what the snapshot held.
        assert.ok((await sql(`INSERT INTO ${table} VALUES ${rows(10, 5)}`)).ok);
        await pollUntil("the 5 later rows applied", 60_000, async () => ((await count(server.port(PORTS.http), credentials)) === 15 ? true : undefined));

        // Snapshots the drill must not pick: an older one of this database, a newer one of another.
        const env = drillEnv("e2e1");
        const older = await createSnapshot(moto.env, volumeId, scheduledTags(backupEnv()));
        proxy.backdate(older, daysAgo(2));
        await createSnapshot(moto.env, await createVolume(moto.env, env.AVAILABILITY_ZONE, 10), scheduledTags(backupEnv(), OTHER));
        const volumesBefore = (await volumes(moto.env)).map((v) => v.VolumeId).sort();
        const snapshotsBefore = (await ownSnapshots(moto.env)).map((s) => s.SnapshotId).sort();
        proxy.resetCalls();

        const h = harness();
        const drill = await run(h, "drill.sh", env);
        assert.equal(drill.code, 0, drill.stderr);
        assert.equal(resultLine(drill).snapshot, newest);

        const calls = proxy.calls();
        assert.ok(calls.every((c) => c.status === 200), JSON.stringify(calls.filter((c) => c.status !== 200)));
        assert.deepEqual(actionsOf(calls), scriptActions("drill.sh"));
        assert.deepEqual(scriptActions("drill.sh"), ["ec2:CreateVolume", "ec2:DeleteVolume", "ec2:DescribeSnapshots", "ec2:DescribeVolumes"]);
        assertAllowed(calls, "questdb-drills-aws-policy", "drill.sh");
        const creates = calls.filter((c) => c.action === "ec2:CreateVolume");
        assert.equal(creates.length, 1);
        const [create] = creates;
        const scratch = create.created?.id;
        assert.ok(scratch, "CreateVolume answered no volume id");
        assert.equal(create.params.SnapshotId, newest);
        assert.equal(create.params.AvailabilityZone, env.AVAILABILITY_ZONE);
        assert.equal(create.params.VolumeType, "gp3");
        // The CLI fills CreateVolume's idempotency token, so AWS carries a retried create out once (moto ignores it).
        assert.match(create.params.ClientToken ?? "", /^\S+$/, "CreateVolume carried no ClientToken");
        assert.equal(create.params["TagSpecification.1.ResourceType"], "volume");
        const tags = Object.fromEntries(Object.keys(create.params).filter((k) => /^TagSpecification\.1\.Tag\.\d+\.Key$/.test(k))
            .map((k) => [create.params[k], create.params[k.replace(/Key$/, "Value")]]));
        assert.deepEqual(tags, { "questdb.cloud/drill": "e2e1", "questdb.cloud/database": ID, "questdb.cloud/stack": env.STACK, Name: `drill-${ID}-e2e1` });
        // Waited for (the waiter, then the size read), before the Kubernetes side; deleted once, last.
        const describes = callsNaming(calls, "ec2:DescribeVolumes", "VolumeId", scratch);
        assert.ok(describes.length >= 3, `the drill described its volume ${describes.length} times (waiter, size, cleanup's waiter)`);
        assert.deepEqual(calls.filter((c) => c.action === "ec2:DeleteVolume").map((c) => c.params.VolumeId), [scratch]);
        assert.equal(calls[calls.length - 1].action, "ec2:DeleteVolume");
        // moto's state: what was there before, exactly; the scratch volume gone.
        assert.deepEqual((await volumes(moto.env)).map((v) => v.VolumeId).sort(), volumesBefore);
        assert.deepEqual((await ownSnapshots(moto.env)).map((s) => s.SnapshotId).sort(), snapshotsBefore);
        await assert.rejects(ec2(moto.env, ["describe-volumes", "--volume-ids", scratch]), /InvalidVolume\.NotFound/);

        // The Kubernetes side (stubbed) got the volume moto made, at the size of the snapshot's volume.
        const posted = fs.readFileSync(h.env.STUB_ARGV, "utf8");
        const pv = JSON.parse(/--data (\{"apiVersion":"v1","kind":"PersistentVolume"[\s\S]*?) https?:\/\/\S+\/api\/v1\/persistentvolumes\n/.exec(posted)![1]);
        assert.equal(pv.spec.csi.volumeHandle, scratch);
        assert.equal(pv.spec.capacity.storage, "100Gi");
        const pod = JSON.parse(/--data (\{"apiVersion":"v1","kind":"Pod"[\s\S]*?) https?:\/\/\S+\/pods\n/.exec(posted)![1]);

        // The restore itself: the drill pod's init command on the copy of the snapshot it restored,
        // then QuestDB on it as the drill pod runs it (the server.conf on the volume, no env).
        const copy = copyOf.get(newest)!;
        const init = pod.spec.initContainers[0];
        const mount = init.volumeMounts.find((m: { name: string }) => m.name === "data").mountPath as string;
        assert.deepEqual(init.command.slice(0, 2), ["sh", "-c"]);
        execFileSync("sh", ["-c", (init.command[2] as string).split(mount).join(copy)]);
        assert.ok(fs.existsSync(path.join(copy, "_restore")), "the drill's init command left no _restore trigger");
        const restored = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, confPath: launch.confPath, root: copy });
        try {
            await pollUntil("the restored table answers", 60_000, async () => ((await count(restored.port(PORTS.http))) !== undefined ? true : undefined));
            assert.equal(await count(restored.port(PORTS.http)), 10, "the restore holds exactly the rows written before the checkpoint");
            assert.equal(fs.existsSync(path.join(copy, "_restore")), false, "QuestDB removes the trigger after a successful recovery");
            const query = await httpGet(restored.port(PORTS.http), `/exec?query=${encodeURIComponent("SELECT count() FROM tables()")}`);
            assert.match(query.body, /"dataset":\[\[\d+\]\]/, "the drill's own query");
        } finally {
            await restored.stop();
        }
    });
});

describe("drill.sh when every answer to its CreateVolume is lost", () => {
    it("the CLI retries with one ClientToken (EC2, here the proxy, creates once), fails; the run's tag finds the volume and the cleanup deletes it", SCENARIO, async () => {
        const volumesBefore = (await volumes(moto.env)).map((v) => v.VolumeId).sort();
        proxy.loseAnswers("ec2:CreateVolume", 100);
        proxy.resetCalls();
        try {
            const result = await run(harness(), "drill.sh", drillEnv("e2e4"));
            // The CLI's exit code for a service error, passed through; not 5: nothing is left behind.
            assert.equal(result.code, 254, result.stderr);
            const calls = proxy.calls();
            const creates = calls.filter((c) => c.action === "ec2:CreateVolume");
            assert.ok(creates.length >= 2, `the CLI did not retry the lost create (${creates.length} attempt)`);
            assert.ok(creates.every((c) => c.injected === "InternalError"));
            assert.equal(new Set(creates.map((c) => c.params.ClientToken)).size, 1, "the retries carried different ClientTokens");
            assert.equal(creates.filter((c) => c.forwarded).length, 1);
            const scratch = creates.find((c) => c.created)?.created?.id;
            assert.ok(scratch, "moto created no volume");
            const lookup = calls.filter((c) => c.action === "ec2:DescribeVolumes" && listParam(c.params, "Filter.1.Value").includes("e2e4"));
            assert.equal(lookup.length, 1, "the cleanup did not look the volume up by the run's tag");
            assert.equal(lookup[0].params["Filter.1.Name"], "tag:questdb.cloud/drill");
            assert.deepEqual(calls.filter((c) => c.action === "ec2:DeleteVolume").map((c) => c.params.VolumeId), [scratch]);
            assert.match(result.stderr, new RegExp(`deleted scratch volume ${scratch}`));
            assert.deepEqual((await volumes(moto.env)).map((v) => v.VolumeId).sort(), volumesBefore);
            assertAllowed(calls, "questdb-drills-aws-policy", "drill.sh");
        } finally {
            proxy.loseAnswers("", 0);
        }
    });
});

describe("EC2's NotFound after a create, injected by the proxy: the scripts retry within their bound, then give up clearly", () => {
    it("snapshot.sh: two NotFound answers for the new snapshot, then it succeeds", SCENARIO, async () => {
        proxy.injectNotFound({ snapshot: 2 });
        proxy.resetCalls();
        try {
            const result = await run(harness({ passthroughCurl: true }), "snapshot.sh", backupEnv(), { EC2_RETRY_SECONDS: "1" });
            assert.equal(result.code, 0, result.stderr);
            const fresh = resultLine(result).snapshot as string;
            const reads = callsNaming(proxy.calls(), "ec2:DescribeSnapshots", "SnapshotId", fresh);
            assert.deepEqual(reads.map((c) => c.injected ?? c.status), ["InvalidSnapshot.NotFound", "InvalidSnapshot.NotFound", 200]);
            assert.match(result.stderr, /aws ec2 describe-snapshots: not found yet \(try 1 of 6[\s\S]*try 2 of 6/);
            assert.ok((await ownSnapshots(moto.env)).some((s) => s.SnapshotId === fresh));
            assertAllowed(proxy.calls(), `${ID}-backup-policy`, "snapshot.sh");
            await assertNoCheckpointOpen();
        } finally {
            proxy.injectNotFound({});
        }
    });

    it("snapshot.sh: NotFound past its bound fails the run with EC2's error, after exactly EC2_NOT_FOUND_TRIES reads; the checkpoint is released and the failure pushed", SCENARIO, async () => {
        proxy.injectNotFound({ snapshot: 1000 });
        proxy.resetCalls();
        try {
            const result = await run(harness({ passthroughCurl: true }), "snapshot.sh", backupEnv(), { EC2_RETRY_SECONDS: "0" });
            // The CLI's exit code for a service error, passed through (as test/backup asserts for a failed create).
            assert.equal(result.code, 254, result.stderr);
            const created = proxy.calls().find((c) => c.created?.kind === "snapshot")!.created!.id;
            const reads = callsNaming(proxy.calls(), "ec2:DescribeSnapshots", "SnapshotId", created);
            assert.equal(reads.length, 6);
            assert.ok(reads.every((c) => c.injected === "InvalidSnapshot.NotFound"));
            assert.match(result.stderr, /try 5 of 6[\s\S]*InvalidSnapshot\.NotFound[\s\S]*The snapshot '\S+' does not exist/);
            assert.match(result.stderr, /checkpoint released after/);
            await assertNoCheckpointOpen();
            const metrics = await servedBackupMetrics(ID);
            assert.equal(metrics.get(PUSHED_METRICS.backup.lastRunSuccess), 0);
            assert.equal(metrics.get(PUSHED_METRICS.backup.lastExitCode), result.code);
        } finally {
            proxy.injectNotFound({});
        }
    });

    it("drill.sh: two NotFound answers to the waiter for the new volume, then it succeeds and deletes the volume", SCENARIO, async () => {
        proxy.injectNotFound({ volume: 2 });
        proxy.resetCalls();
        try {
            const result = await run(harness(), "drill.sh", drillEnv("e2e2"), { EC2_RETRY_SECONDS: "1" });
            assert.equal(result.code, 0, result.stderr);
            const scratch = proxy.calls().find((c) => c.created?.kind === "volume")!.created!.id;
            const reads = callsNaming(proxy.calls(), "ec2:DescribeVolumes", "VolumeId", scratch);
            assert.deepEqual(reads.slice(0, 3).map((c) => c.injected ?? c.status), ["InvalidVolume.NotFound", "InvalidVolume.NotFound", 200]);
            assert.match(result.stderr, /aws ec2 wait: not found yet \(try 1 of 6[\s\S]*try 2 of 6/);
            assert.deepEqual(proxy.calls().filter((c) => c.action === "ec2:DeleteVolume").map((c) => c.params.VolumeId), [scratch]);
            await assert.rejects(ec2(moto.env, ["describe-volumes", "--volume-ids", scratch]), /InvalidVolume\.NotFound/);
            assertAllowed(proxy.calls(), "questdb-drills-aws-policy", "drill.sh");
        } finally {
            proxy.injectNotFound({});
        }
    });

    it("drill.sh: NotFound past its bound fails the drill and names the volume it could not clean up", SCENARIO, async () => {
        proxy.injectNotFound({ volume: 1000 });
        proxy.resetCalls();
        let scratch: string | undefined;
        try {
            const result = await run(harness(), "drill.sh", drillEnv("e2e3"), { EC2_RETRY_SECONDS: "0" });
            scratch = proxy.calls().find((c) => c.created?.kind === "volume")?.created?.id;
            assert.ok(scratch, result.stderr);
            assert.equal(result.code, 5, result.stderr);
            // Six tries for the wait after the create, six more for the cleanup's wait; no delete without it.
            const reads = callsNaming(proxy.calls(), "ec2:DescribeVolumes", "VolumeId", scratch);
            assert.equal(reads.length, 12);
            assert.ok(reads.every((c) => c.injected === "InvalidVolume.NotFound"));
            assert.match(result.stderr, /InvalidVolume\.NotFound[\s\S]*CLEANUP INCOMPLETE, delete by hand: volume\/vol-\S+/);
            assert.equal(proxy.calls().some((c) => c.action === "ec2:DeleteVolume"), false);
        } finally {
            proxy.injectNotFound({});
            if (scratch) {
                await ec2(moto.env, ["delete-volume", "--volume-id", scratch]);
            }
        }
    });
});
