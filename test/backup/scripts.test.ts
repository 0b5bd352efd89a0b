/**
 * The backup and drill scripts, run for real under bash against stub `aws` and `curl` commands
 * (test/backup/stubs.ts): the checkpoint is released whatever fails, retention deletes only old
 * scheduled snapshots, and a drill deletes exactly what it created. The same snapshot script
 * against a real QuestDB: e2e/backup.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { harness, runScript } from "./stubs";

const SNAPSHOT_ENV = {
    QDB_URL: "http://questdb.qdb-acme.svc:9000", QDB_USER: "admin", QDB_PASSWORD: "pw", VOLUME_ID: "vol-0abc",
    DATABASE: "acme", STACK: "prod", SCHEDULE: "cron(0 3 * * ? *)", RETAIN_DAYS: "7",
};
const checkpointCalls = (calls: string[]) => calls.filter((c) => c.startsWith("curl QUERY CHECKPOINT") || /^aws ec2 (create|delete)-snapshot/.test(c))
    .map((c) => c.replace(/^curl QUERY /, "").replace(/^aws ec2 (create-snapshot|delete-snapshot --snapshot-id (\S+)).*/, (_m, what, id) => (id ? `delete ${id}` : what)));

describe("snapshot.sh", () => {
    it("creates the checkpoint, snapshots the volume with its tags, waits for the point in time, releases, then retires old snapshots", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_OLD_SNAPSHOTS: "snap-0old1\tsnap-0old2\tsnap-0new" });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE", "delete snap-0old1", "delete snap-0old2"]);
        const create = h.calls().find((c) => c.startsWith("aws ec2 create-snapshot")) ?? "";
        assert.match(create, /--volume-id vol-0abc /);
        for (const tag of ['"Key":"questdb.cloud/database","Value":"acme"', '"Key":"questdb.cloud/stack","Value":"prod"',
            '"Key":"questdb.cloud/schedule","Value":"cron(0 3 * * ? *)"', '"Key":"questdb.cloud/snapshot","Value":"scheduled"']) {
            assert.ok(create.includes(tag), `${tag} missing from ${create}`);
        }
        const calls = h.calls();
        const waited = calls.findIndex((c) => c.startsWith("aws ec2 describe-snapshots --snapshot-ids snap-0new"));
        assert.ok(waited > 0 && waited < calls.indexOf("curl QUERY CHECKPOINT RELEASE"), "release only after the point in time is fixed");
        const retention = calls.find((c) => c.startsWith("aws ec2 describe-snapshots --owner-ids self")) ?? "";
        assert.match(retention, /Name=tag:questdb.cloud\/database,Values=acme Name=tag:questdb.cloud\/stack,Values=prod Name=tag:questdb.cloud\/snapshot,Values=scheduled/);
        assert.match(JSON.parse(run.stdout.trim()).checkpointHeldSeconds, /^\d+$/);
    });

    it("waits while the snapshot is not yet pending, and fails (released) when it errors", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_SNAPSHOT_STATE: "error" });
        assert.equal(run.code, 1);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
        const timedOut = harness();
        const slow = await runScript(timedOut, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_SNAPSHOT_STATE: "None", POINT_IN_TIME_TIMEOUT_SECONDS: "0" });
        assert.equal(slow.code, 1);
        assert.deepEqual(checkpointCalls(timedOut.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
    });

    it("releases the checkpoint when the snapshot call fails, and deletes nothing", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_FAIL: "create-snapshot", AWS_OLD_SNAPSHOTS: "snap-0old1" });
        assert.equal(run.code, 254);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
        assert.match(run.stderr, /checkpoint released after \d+s/);
    });

    it("takes no snapshot and releases nothing when QuestDB refuses the checkpoint (one may still be open)", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, QDB_FAIL: "create" });
        assert.equal(run.code, 1);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE"]);
    });

    it("exits 3, naming the open checkpoint, when the release keeps failing", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, QDB_FAIL: "release" });
        assert.equal(run.code, 3);
        assert.match(run.stderr, /the checkpoint is STILL OPEN/);
        assert.equal(h.calls().filter((c) => c === "curl QUERY CHECKPOINT RELEASE").length, 6, "three tries in the run, three more in the trap");
    });

    it("exits 4 when the snapshot was taken but retention failed", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_OLD_SNAPSHOTS: "snap-0old1", AWS_FAIL: "delete-snapshot" });
        assert.equal(run.code, 4);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE", "delete snap-0old1"]);
    });

    it("releases the checkpoint on SIGTERM (the Job's deadline)", async () => {
        const h = harness();
        let timer: NodeJS.Timeout | undefined;
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_SNAPSHOT_STATE: "None", POLL_SECONDS: "1" },
            (pid) => (timer = setTimeout(() => process.kill(pid, "SIGTERM"), 1500)));
        clearTimeout(timer);
        assert.equal(run.code, 143, run.stderr);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
    });
});

const DRILL_ENV = { DATABASE: "acme", STACK: "prod", AVAILABILITY_ZONE: "us-east-1a", QUESTDB_IMAGE: "questdb/questdb:8.2.3", DRILL_NAMESPACE: "questdb-drills", RUN_ID: "r1" };
const NAME = "drill-acme-r1";
const deletions = (calls: string[]) => calls.filter((c) => c.startsWith("curl DELETE") || c.startsWith("aws ec2 delete-volume"));
const FULL_CLEANUP = [
    `curl DELETE /api/v1/namespaces/questdb-drills/pods/${NAME}`,
    `curl DELETE /api/v1/namespaces/questdb-drills/persistentvolumeclaims/${NAME}`,
    `curl DELETE /api/v1/persistentvolumes/${NAME}`,
    "aws ec2 delete-volume --volume-id vol-0drill",
];

describe("drill.sh", () => {
    it("restores the newest snapshot in the database's AZ, queries it, records each phase, and deletes exactly what it created", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", DRILL_ENV);
        assert.equal(run.code, 0, run.stderr);
        const calls = h.calls();
        assert.match(calls.find((c) => c.startsWith("aws ec2 create-volume")) ?? "", /--snapshot-id snap-0newest --availability-zone us-east-1a --volume-type gp3 .*Key=questdb.cloud\/drill,Value=r1/);
        assert.deepEqual(calls.filter((c) => c.startsWith("curl POST")), [
            "curl POST /api/v1/persistentvolumes",
            "curl POST /api/v1/namespaces/questdb-drills/persistentvolumeclaims",
            "curl POST /api/v1/namespaces/questdb-drills/pods",
        ]);
        assert.ok(calls.includes("curl QUERY SELECT count() FROM tables()"));
        assert.deepEqual(deletions(calls), FULL_CLEANUP);
        const result = JSON.parse(run.stdout.trim());
        assert.deepEqual(Object.keys(result.seconds), ["find", "volume", "start", "query", "run", "cleanup"]);
        assert.equal(result.snapshot, "snap-0newest");
        assert.equal(result.exit, 0);
    });

    it("still deletes everything it created when the restored QuestDB does not answer", async () => {
        for (const failure of [{ QDB_FAIL: "query" }, { K8S_FAIL: "start" }] as Record<string, string>[]) {
            const h = harness();
            const run = await runScript(h, "drill.sh", { ...DRILL_ENV, ...failure });
            assert.equal(run.code, 1, JSON.stringify(failure));
            assert.deepEqual(deletions(h.calls()), FULL_CLEANUP, JSON.stringify(failure));
        }
    });

    it("deletes only what exists of its run when a create fails midway", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, K8S_FAIL: "pods" });
        assert.equal(run.code, 22);
        // The pod's create was answered with an error; deleting its name is harmless and covers a lost answer.
        assert.deepEqual(deletions(h.calls()), FULL_CLEANUP);
    });

    it("finds its volume by its run tag when the create answer was lost, and deletes only that", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, AWS_FAIL: "create-volume", AWS_TAGGED_VOLUME: "vol-0lost" });
        assert.equal(run.code, 254);
        assert.ok(h.calls().includes("aws ec2 describe-volumes --filters Name=tag:questdb.cloud/drill,Values=r1 --query Volumes[0].VolumeId --output text"));
        assert.deepEqual(deletions(h.calls()), ["aws ec2 delete-volume --volume-id vol-0lost"]);
    });

    it("creates and deletes nothing when the database has no snapshot", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, AWS_NEWEST_SNAPSHOT: "None" });
        assert.equal(run.code, 1);
        assert.deepEqual(h.calls().filter((c) => /create|POST|DELETE|delete/.test(c)), []);
        assert.match(run.stderr, /no completed snapshot of acme in stack prod/);
    });
});
