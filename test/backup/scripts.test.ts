/**
 * The backup and drill scripts, run for real under bash against stub `aws` and `curl` commands
 * (test/backup/stubs.ts): the checkpoint is released whatever fails, retention deletes only old
 * scheduled snapshots, a drill deletes exactly what it created, and both push their result to the
 * Pushgateway without letting a failed push change anything. The same snapshot script against a
 * real QuestDB and a real Pushgateway: e2e/backup.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PUSHED_METRICS, PUSH_JOBS } from "../../components/monitoring";
import { Harness, harness, runScript } from "./stubs";

const SNAPSHOT_ENV = {
    QDB_URL: "http://questdb.qdb-acme.svc:9000", QDB_USER: "admin", QDB_PASSWORD: "pw", VOLUME_ID: "vol-0abc",
    DATABASE: "acme", STACK: "prod", SCHEDULE: "cron(0 3 * * ? *)", RETAIN_DAYS: "7", JOB_DEADLINE_SECONDS: "1800",
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

describe("snapshot.sh on an eventually consistent EC2 (issue 27.6)", () => {
    const describes = (h: Harness) => h.calls().filter((c) => c.startsWith("aws ec2 describe-snapshots --snapshot-ids snap-0new"));

    it("retries InvalidSnapshot.NotFound right after the create, with a doubling pause, then goes on as always", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_NOT_FOUND_TIMES: "3", AWS_OLD_SNAPSHOTS: "snap-0old1" });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(describes(h).length, 4, "three NotFound answers, then pending");
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE", "delete snap-0old1"]);
        assert.match(run.stderr, /aws ec2 describe-snapshots: not found yet \(try 1 of 6; EC2 is eventually consistent\), again in 0s/);
        assert.match(run.stderr, /not found yet \(try 3 of 6/);
        assert.equal(JSON.parse(run.stdout.trim()).snapshot, "snap-0new");
    });

    it("gives up after a bounded number of tries, releases the checkpoint and fails; other errors are not retried", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_NOT_FOUND_TIMES: "99", EC2_NOT_FOUND_TRIES: "4" });
        assert.equal(run.code, 254, run.stderr);
        assert.equal(describes(h).length, 4);
        assert.match(run.stderr, /InvalidSnapshot\.NotFound/);
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
        const denied = harness();
        const refused = await runScript(denied, "snapshot.sh", { ...SNAPSHOT_ENV, AWS_FAIL: "describe-snapshots" });
        assert.equal(refused.code, 254);
        assert.equal(describes(denied).length, 1);
        assert.deepEqual(checkpointCalls(denied.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
    });
});

describe("no secret in any process's argv (issue 27.7)", () => {
    const PASSWORD = 'Pa55-"quoted"\\-9f3e';

    it("snapshot.sh gives QuestDB's credentials to curl on stdin, quoted as curl reads them back, never in argv", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...SNAPSHOT_ENV, QDB_PASSWORD: PASSWORD });
        assert.equal(run.code, 0, run.stderr);
        const argv = h.argv();
        assert.ok(argv.filter((a) => a.startsWith("curl ")).length >= 3, "curl ran for the status query, the checkpoint and the release");
        for (const line of argv) {
            assert.ok(!line.includes("9f3e") && !line.includes("admin:"), `a secret in argv: ${line}`);
        }
        const queries = argv.filter((a) => a.includes("/exec"));
        assert.ok(queries.every((a) => /^curl -K - /.test(a)), queries.join("\n"));
        assert.deepEqual(new Set(h.configs()), new Set(['user = "admin:Pa55-\\"quoted\\"\\\\-9f3e"']));
        assert.equal(h.configs().length, queries.length);
    });

    it("drill.sh gives its ServiceAccount token to curl on stdin at every Kubernetes API call, never in argv", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", DRILL_ENV);
        assert.equal(run.code, 0, run.stderr);
        const token = fs.readFileSync(path.join(h.env.SA_DIR, "token"), "utf8");
        const api = h.argv().filter((a) => a.includes("https://kubernetes.default.svc/"));
        assert.ok(api.length >= 6, "creates, polls and deletes");
        for (const line of h.argv()) {
            assert.ok(!line.includes(token) && !line.includes("Bearer"), `the token in argv: ${line}`);
        }
        const headers = h.configs().filter((c) => c === `header = "Authorization: Bearer ${token}"`);
        assert.equal(headers.length, api.length, "each API call got the token");
    });
});

const DRILL_ENV = { DATABASE: "acme", STACK: "prod", AVAILABILITY_ZONE: "us-east-1a", QUESTDB_IMAGE: "questdb/questdb:8.2.3", DRILL_NAMESPACE: "questdb-drills", RUN_ID: "r1" };
const NAME = "drill-acme-r1";
const deletions = (calls: string[]) => calls.filter((c) => c.startsWith("curl DELETE") || c.startsWith("aws ec2 delete-volume"));
const FULL_CLEANUP = [
    `curl DELETE /api/v1/namespaces/questdb-drills/pods/${NAME}`,
    `curl DELETE /api/v1/namespaces/questdb-drills/persistentvolumeclaims/${NAME}`,
    `curl DELETE /api/v1/persistentvolumes/${NAME}`,
    "aws ec2 delete-volume --volume-id vol-0d000000000000d01",
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

    it("retries InvalidVolume.NotFound in the waiter and the size read right after the create (issue 27.6)", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, AWS_NOT_FOUND_TIMES: "2" });
        assert.equal(run.code, 0, run.stderr);
        const calls = h.calls();
        const waits = calls.filter((c) => c === "aws ec2 wait volume-available --volume-ids vol-0d000000000000d01");
        assert.equal(waits.length, 2 + 1 + 1, "two NotFound, the wait after the create, the wait before the delete");
        assert.equal(calls.filter((c) => c.startsWith("aws ec2 describe-volumes --volume-ids vol-0d000000000000d01")).length, 3);
        assert.match(run.stderr, /aws ec2 wait: not found yet \(try 2 of 6/);
        assert.deepEqual(deletions(calls), FULL_CLEANUP);
    });

    it("reads the pod as a 1.34+ API server writes it: observedGeneration between a condition's type and status", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, K8S_PRETTY: "never", READY_TIMEOUT_SECONDS: "2" });
        assert.equal(run.code, 0, run.stderr);
        assert.ok(h.argv().some((a) => a.includes(" http://10.1.2.3:9000/exec ")), "queried the pod at its podIP");
        assert.deepEqual(deletions(h.calls()), FULL_CLEANUP);
    });

    it("names itself to the API server, which pretty-prints JSON for curl's own User-Agent, and reads pretty JSON as well", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, READY_TIMEOUT_SECONDS: "2" });
        assert.equal(run.code, 0, run.stderr);
        const api = h.argv().filter((a) => a.startsWith("curl -K - "));
        assert.ok(api.length >= 6 && api.every((a) => a.includes(" --user-agent questdb-drill/acme ")), api.join("\n"));
        const pretty = harness();
        const prettyRun = await runScript(pretty, "drill.sh", { ...DRILL_ENV, K8S_PRETTY: "always", READY_TIMEOUT_SECONDS: "2" });
        assert.equal(prettyRun.code, 0, prettyRun.stderr);
        assert.ok(pretty.argv().some((a) => a.includes(" http://10.1.2.3:9000/exec ")), "queried the pod at its podIP");
    });

    it("creates and deletes nothing when the database has no snapshot", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...DRILL_ENV, AWS_NEWEST_SNAPSHOT: "None" });
        assert.equal(run.code, 1);
        assert.deepEqual(h.calls().filter((c) => /create|POST|DELETE|delete/.test(c)), []);
        assert.match(run.stderr, /no completed snapshot of acme in stack prod/);
    });
});

/** A pushed body (Prometheus text format) as series -> value; every sample must follow its own `# TYPE <name> gauge` line. */
function parsePush(body: string): Map<string, number> {
    const samples = new Map<string, number>();
    let typed: string | undefined;
    assert.ok(body.endsWith("\n"), "the body ends with a newline, as the text format requires");
    for (const line of body.split("\n").filter((l) => l !== "")) {
        const type = /^# TYPE (\S+) gauge$/.exec(line);
        if (type) {
            typed = type[1];
            continue;
        }
        const sample = /^([a-z_]+)(\{[^}]*\})? (\d+)$/.exec(line);
        assert.ok(sample, `not a sample line: ${line}`);
        assert.equal(sample[1], typed, `${line} follows no TYPE line of its own`);
        samples.set(sample[1] + (sample[2] ?? ""), Number(sample[3]));
    }
    return samples;
}

const PUSHGATEWAY_URL = "http://questdb-pushgateway.monitoring.svc:9091";
const B = PUSHED_METRICS.backup;
const pushCalls = (calls: string[]) => calls.filter((c) => c.startsWith("curl PUSH "));
/** The one push of a run, checked to go to the database's own group of the job, by POST. */
function onePush(h: Harness, job: string): Map<string, number> {
    assert.deepEqual(pushCalls(h.calls()), [`curl PUSH POST /metrics/job/${job}/database/acme`]);
    assert.equal(h.pushes().length, 1);
    return parsePush(h.pushes()[0]);
}

describe("snapshot.sh pushes its result to the Pushgateway", () => {
    const env = { ...SNAPSHOT_ENV, PUSHGATEWAY_URL };

    it("a success: every backup metric, after the release, with the hold the result line reports", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", env);
        assert.equal(run.code, 0, run.stderr);
        const pushed = onePush(h, PUSH_JOBS.backup);
        assert.deepEqual([...pushed.keys()].sort(), Object.values(B).sort(), "the script pushes exactly PUSHED_METRICS.backup");
        assert.equal(pushed.get(B.lastRunSuccess), 1);
        assert.equal(pushed.get(B.lastExitCode), 0);
        assert.equal(pushed.get(B.checkpointHeld), Number(JSON.parse(run.stdout.trim()).checkpointHeldSeconds));
        assert.equal(pushed.get(B.lastSuccess), pushed.get(B.lastRun));
        assert.ok(pushed.get(B.newestSnapshot)! <= pushed.get(B.lastRun)! && pushed.get(B.newestSnapshot)! > 1.7e9, "the snapshot's point in time is a Unix time before the run's end");
        const calls = h.calls();
        assert.ok(calls.lastIndexOf("curl QUERY CHECKPOINT RELEASE") < calls.indexOf(pushCalls(calls)[0]), "pushed only after the release");
    });

    it("a failed snapshot step: success 0 and its exit code, no success timestamp and no snapshot, so POST keeps the last ones", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...env, AWS_FAIL: "create-snapshot" });
        assert.equal(run.code, 254);
        const pushed = onePush(h, PUSH_JOBS.backup);
        assert.deepEqual([...pushed.keys()].sort(), [B.checkpointHeld, B.lastExitCode, B.lastRunSuccess, B.lastRun].sort());
        assert.equal(pushed.get(B.lastRunSuccess), 0);
        assert.equal(pushed.get(B.lastExitCode), 254);
        assert.ok(Number.isInteger(pushed.get(B.checkpointHeld)));
        assert.deepEqual(checkpointCalls(h.calls()), ["CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
    });

    it("no checkpoint at all: held 0; the release failing: exit 3 and the hold so far, pushed after every release try", async () => {
        const refused = harness();
        assert.equal((await runScript(refused, "snapshot.sh", { ...env, QDB_FAIL: "create" })).code, 1);
        const none = onePush(refused, PUSH_JOBS.backup);
        assert.equal(none.get(B.checkpointHeld), 0);
        assert.equal(none.get(B.lastExitCode), 1);
        const stuck = harness();
        assert.equal((await runScript(stuck, "snapshot.sh", { ...env, QDB_FAIL: "release" })).code, 3);
        const open = onePush(stuck, PUSH_JOBS.backup);
        assert.equal(open.get(B.lastExitCode), 3);
        assert.ok(open.get(B.checkpointHeld)! >= 0);
        // The point in time was fixed inside the checkpoint: that snapshot is consistent.
        assert.ok(open.has(B.newestSnapshot));
        const calls = stuck.calls();
        assert.ok(calls.lastIndexOf("curl QUERY CHECKPOINT RELEASE") < calls.indexOf(pushCalls(calls)[0]));
    });

    it("retention failed (exit 4): the snapshot counts as the newest consistent one, the run not as a success", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...env, AWS_OLD_SNAPSHOTS: "snap-0old1", AWS_FAIL: "delete-snapshot" });
        assert.equal(run.code, 4);
        const pushed = onePush(h, PUSH_JOBS.backup);
        assert.equal(pushed.get(B.lastRunSuccess), 0);
        assert.equal(pushed.get(B.lastExitCode), 4);
        assert.ok(pushed.has(B.newestSnapshot));
        assert.equal(pushed.has(B.lastSuccess), false);
    });

    it("a failing push changes neither the exit code nor the release, and is logged", async () => {
        for (const [extra, code] of [[{}, 0], [{ AWS_FAIL: "create-snapshot" }, 254], [{ QDB_FAIL: "release" }, 3]] as const) {
            const h = harness();
            const run = await runScript(h, "snapshot.sh", { ...env, ...extra, PUSH_FAIL: "1" });
            assert.equal(run.code, code, `${JSON.stringify(extra)}: ${run.stderr}`);
            assert.equal(pushCalls(h.calls()).length, 1);
            assert.match(run.stderr, /pushing the result to http:\/\/questdb-pushgateway\.monitoring\.svc:9091 failed \(the exit code stands\): curl: \(7\)/);
            assert.equal(checkpointCalls(h.calls())[0], "CHECKPOINT CREATE");
            assert.ok(checkpointCalls(h.calls()).includes("CHECKPOINT RELEASE"), JSON.stringify(extra));
        }
    });

    it("pushes on SIGTERM too, with exit code 143, after the release", async () => {
        const h = harness();
        let timer: NodeJS.Timeout | undefined;
        const run = await runScript(h, "snapshot.sh", { ...env, AWS_SNAPSHOT_STATE: "None", POLL_SECONDS: "1" },
            (pid) => (timer = setTimeout(() => process.kill(pid, "SIGTERM"), 1500)));
        clearTimeout(timer);
        assert.equal(run.code, 143, run.stderr);
        assert.equal(onePush(h, PUSH_JOBS.backup).get(B.lastExitCode), 143);
    });

    it("a SIGTERM while the result is pushed changes nothing: the run's exit code stands", async () => {
        const h = harness();
        let poll: NodeJS.Timeout | undefined;
        const run = await runScript(h, "snapshot.sh", { ...env, PUSH_SLEEP: "2" }, (pid) => {
            poll = setInterval(() => {
                if (pushCalls(h.calls()).length > 0) {
                    clearInterval(poll);
                    process.kill(pid, "SIGTERM");
                }
            }, 50);
        });
        clearInterval(poll);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(onePush(h, PUSH_JOBS.backup).get(B.lastExitCode), 0);
    });

    it("without PUSHGATEWAY_URL nothing is pushed, and the run says so", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", SNAPSHOT_ENV);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(pushCalls(h.calls()), []);
        assert.match(run.stderr, /PUSHGATEWAY_URL is not set: the result is not pushed/);
    });
});

describe("drill.sh pushes its outcome and phase durations to the Pushgateway", () => {
    const D = PUSHED_METRICS.drill;
    const env = { ...DRILL_ENV, PUSHGATEWAY_URL };
    const phase = (p: string) => `${D.phaseSeconds}{phase="${p}"}`;

    it("a success: outcome, duration and every phase of the result line, after the cleanup", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", env);
        assert.equal(run.code, 0, run.stderr);
        const pushed = onePush(h, PUSH_JOBS.drill);
        const result = JSON.parse(run.stdout.trim());
        const phases = Object.keys(result.seconds);
        assert.deepEqual([...pushed.keys()].sort(), [
            D.lastRun, D.lastRunSuccess, D.lastExitCode, D.duration, D.lastSuccess, ...phases.map(phase),
        ].sort());
        assert.deepEqual(new Set([...pushed.keys()].map((k) => k.replace(/\{.*$/, ""))), new Set(Object.values(D)), "exactly PUSHED_METRICS.drill");
        for (const p of phases) {
            assert.equal(pushed.get(phase(p)), result.seconds[p], p);
        }
        assert.equal(pushed.get(D.lastRunSuccess), 1);
        assert.equal(pushed.get(D.lastExitCode), 0);
        const total = phases.reduce((sum, p) => sum + result.seconds[p], 0);
        assert.equal(pushed.get(D.duration), total, "the phases add up to the duration");
        const calls = h.calls();
        assert.ok(calls.indexOf("aws ec2 delete-volume --volume-id vol-0d000000000000d01") < calls.indexOf(pushCalls(calls)[0]), "pushed after the cleanup");
    });

    it("a failed drill: success 0 and its exit code, no success timestamp; a failing push changes neither exit code nor cleanup", async () => {
        const h = harness();
        const run = await runScript(h, "drill.sh", { ...env, QDB_FAIL: "query" });
        assert.equal(run.code, 1);
        const pushed = onePush(h, PUSH_JOBS.drill);
        assert.equal(pushed.get(D.lastRunSuccess), 0);
        assert.equal(pushed.get(D.lastExitCode), 1);
        assert.equal(pushed.has(D.lastSuccess), false);
        for (const [extra, code] of [[{}, 0], [{ QDB_FAIL: "query" }, 1]] as const) {
            const failing = harness();
            const r = await runScript(failing, "drill.sh", { ...env, ...extra, PUSH_FAIL: "1" });
            assert.equal(r.code, code, r.stderr);
            assert.deepEqual(deletions(failing.calls()), FULL_CLEANUP);
            assert.match(r.stderr, /pushing the result to .* failed \(the exit code stands\)/);
        }
    });
});

describe("snapshot.sh after a run that was SIGKILLed in its checkpoint (issue 25)", () => {
    const NOW_US = 1_796_166_000_000_000;
    /** QuestDB, as checkpoint_status() answers, with a checkpoint opened `ageSeconds` ago by its own clock. */
    const openFor = (ageSeconds: number) => ({ QDB_OPEN_CHECKPOINT: "true", QDB_OPEN_STARTED_US: String(NOW_US - ageSeconds * 1_000_000), QDB_NOW_US: String(NOW_US) });
    const env = { ...SNAPSHOT_ENV, PUSHGATEWAY_URL };
    /** QuestDB statements and EBS calls in order, the status query as "status". */
    const steps = (calls: string[]) => calls.filter((c) => c.startsWith("curl QUERY ") || c.startsWith("aws ec2 create-snapshot"))
        .map((c) => (c.includes("checkpoint_status()") ? "status" : c.startsWith("aws") ? "create-snapshot" : c.replace(/^curl QUERY /, "")));

    it("asks QuestDB for an open checkpoint first, and with none open goes on as always", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", env);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(steps(h.calls()), ["status", "CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
        assert.match(h.calls().find((c) => c.includes("checkpoint_status()")) ?? "", /SELECT in_progress, cast\(started_at AS LONG\), cast\(systimestamp\(\) AS LONG\) FROM checkpoint_status\(\)/);
    });

    it("releases a checkpoint older than the Job's deadline plus grace, then takes its own snapshot, and pushes the stale hold", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...env, ...openFor(1800 + 300 + 1) });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(steps(h.calls()), ["status", "CHECKPOINT RELEASE", "CHECKPOINT CREATE", "create-snapshot", "CHECKPOINT RELEASE"]);
        assert.match(run.stderr, /a checkpoint opened 2101s ago is still open, longer than any run lives \(2100s\): a killed run left it; releasing it/);
        const pushed = onePush(h, PUSH_JOBS.backup);
        assert.equal(pushed.get(B.checkpointHeld), 2101, "the alert sees how long the killed run's checkpoint was held");
        assert.equal(pushed.get(B.lastRunSuccess), 1);
    });

    it("leaves a younger one alone: exit 5, no snapshot, its age pushed as the hold; the grace is read from the environment", async () => {
        for (const age of [600, 2100]) {
            const h = harness();
            const run = await runScript(h, "snapshot.sh", { ...env, ...openFor(age) });
            assert.equal(run.code, 5, run.stderr);
            assert.deepEqual(steps(h.calls()), ["status"], "neither a release nor a checkpoint of its own nor a snapshot");
            assert.match(run.stderr, new RegExp(`a checkpoint opened ${age}s ago is still open, within 2100s .* left alone, no snapshot taken`));
            const pushed = onePush(h, PUSH_JOBS.backup);
            assert.equal(pushed.get(B.lastExitCode), 5);
            assert.equal(pushed.get(B.checkpointHeld), age);
            assert.equal(pushed.get(B.lastRunSuccess), 0);
        }
        const noGrace = harness();
        assert.equal((await runScript(noGrace, "snapshot.sh", { ...env, ...openFor(1801), CHECKPOINT_GRACE_SECONDS: "0" })).code, 0);
        assert.deepEqual(steps(noGrace.calls()).slice(0, 3), ["status", "CHECKPOINT RELEASE", "CHECKPOINT CREATE"]);
    });

    it("exits 3 when the stale checkpoint cannot be released, taking no snapshot", async () => {
        const h = harness();
        const run = await runScript(h, "snapshot.sh", { ...env, ...openFor(7200), QDB_FAIL: "release" });
        assert.equal(run.code, 3, run.stderr);
        assert.deepEqual(steps(h.calls()), ["status", "CHECKPOINT RELEASE"]);
        assert.match(run.stderr, /the stale checkpoint could not be released: it is STILL OPEN/);
        assert.equal(onePush(h, PUSH_JOBS.backup).get(B.checkpointHeld), 7200);
    });

    it("refuses to run without JOB_DEADLINE_SECONDS, before touching QuestDB", async () => {
        const h = harness();
        const { JOB_DEADLINE_SECONDS: _omitted, ...without } = env;
        const run = await runScript(h, "snapshot.sh", without);
        assert.notEqual(run.code, 0);
        assert.match(run.stderr, /JOB_DEADLINE_SECONDS: set it to the backup Job activeDeadlineSeconds/);
        assert.deepEqual(steps(h.calls()), []);
    });
});
