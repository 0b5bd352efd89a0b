/**
 * `qdb rollout` (issue 24.4): the waves it plans, the edits it writes (asserted as the YAML it
 * produces and as the program then renders it), and each gate's refusal. Prometheus is a stand-in
 * here; e2e/promtool/rolloutGates.e2e.test.ts asks a real one evaluating our real rules.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { parseStackFile, planWaves, refusedTransitions, validateInventory } from "../../inventory";
import { renderInChild, requestFromStackFile } from "../../render";
import { computeImpact, deployedOutputsOf } from "../../tools/impact/report";
import { resource, TYPES } from "../support/stacks";
import { qdb, tempProject } from "./helpers";
import { shellWords } from "./shellWords";
import { FakeAlert, STACK, current, entryOf, fakePrometheus, regionOf, writeHistory } from "./rolloutSupport";

const file = (text: string) => parseStackFile(text, `Pulumi.${STACK}.yaml`, STACK);
const ROLL = "questdbVersion=9.3.4";
// Deployments a day apart; the canary bakes 24 h, later waves 12 h (the fixture's rollout block).
const T0 = "2026-12-01T00:00:00Z";
const T1 = "2026-12-02T00:00:00Z";
const T2 = "2026-12-03T02:00:00Z";

let alerts: FakeAlert[] = [];
let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;

before(async () => {
    prometheus = await fakePrometheus(() => alerts);
});
after(() => prometheus.close());

/** A project on the rollout fixture whose rollout.prometheusUrl is the stand-in (set with qdb, as on-call would). */
async function project(): Promise<string> {
    const dir = tempProject(STACK);
    const set = await qdb(dir, "set", "--stack", STACK, `rollout.prometheusUrl=${prometheus.url}`);
    assert.equal(set.code, 0, set.err);
    alerts = [];
    return dir;
}

/** Runs a printed `npx qdb ...` command in the project, as a shell would split it. */
function runPrinted(dir: string, command: string) {
    const words = shellWords(command);
    assert.deepEqual(words.slice(0, 2), ["npx", "qdb"], command);
    return qdb(dir, ...words.slice(2));
}

const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function imageOf(render: Awaited<ReturnType<typeof renderInChild>>, id: string): string {
    return (resource(render, TYPES.statefulSet, `${id}-questdb`).inputs.spec as any).template.spec.containers[0].image;
}

/** The canary written and deployed at T1 over the base deployed at T0: the history and the project. */
async function canaryDeployed(): Promise<{ dir: string; base: string; canary: string; history: string }> {
    const dir = await project();
    const base = current(dir);
    const wrote = await qdb(dir, "rollout", "--stack", STACK, ROLL);
    assert.equal(wrote.code, 0, wrote.err);
    const canary = current(dir);
    return { dir, base, canary, history: writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }]) };
}

describe("the wave plan", () => {
    const db = (id: string, az: string) => ({ id, availabilityZone: az, state: "active" as const });
    it("one canary, then doubling waves; a wave before the last never holds a whole AZ", () => {
        const fleet = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4", "c1", "c2", "c3", "c4"].map((id) => db(id, `az-${id[0]}`));
        const waves = planWaves(fleet);
        assert.deepEqual(waves.map((w) => w.ids), [["a1"], ["a2", "b1"], ["a3", "b2", "c1", "a4"], ["b3", "b4", "c2", "c3", "c4"]]);
        for (const w of waves.slice(0, -1)) {
            for (const az of ["az-a", "az-b", "az-c"]) {
                const inAz = fleet.filter((d) => d.availabilityZone === az).map((d) => d.id);
                assert.ok(!inAz.every((id) => w.ids.includes(id)), `wave ${w.index} holds all of ${az}`);
            }
        }
    });

    it("comes from ids and AZs, not list position; decommissioned databases are not in it; a one-database AZ waits for the last wave", () => {
        const fleet = [db("m", "z1"), db("k", "z1"), db("solo", "z2"), db("x", "z1"), { ...db("gone", "z1"), state: "decommissioned" as const }];
        const waves = planWaves(fleet);
        assert.deepEqual(planWaves([...fleet].reverse()), waves);
        assert.deepEqual(waves.map((w) => w.ids), [["k"], ["m", "x"], ["solo"]]);
    });

    it("a fleet of one database per AZ still has a canary: the first id alone, then the rest", () => {
        assert.deepEqual(planWaves([db("sandbox-b", "z2"), db("sandbox-a", "z1")]).map((w) => w.ids), [["sandbox-a"], ["sandbox-b"]]);
        assert.deepEqual(planWaves([db("c", "z3"), db("a", "z1"), db("b", "z2")]).map((w) => w.ids), [["a"], ["b", "c"]]);
        assert.deepEqual(planWaves([db("only", "z1")]).map((w) => w.ids), [["only"]]);
    });
});

describe("qdb rollout writes each wave as a reviewed edit", () => {
    it("the canary wave: one database, live, quoted, the rest of the file unchanged; the program renders it on the new version", async () => {
        const { base, canary } = await canaryDeployed();
        assert.deepEqual(entryOf(canary, "alpha"), { id: "alpha", availabilityZone: "eu-central-1a", questdbVersion: "9.3.4" });
        assert.match(canary, /- id: alpha\n {6}availabilityZone: eu-central-1a\n {6}questdbVersion: "9\.3\.4"\n/);
        for (const id of ["amber", "birch", "bravo", "cedar", "coral"]) {
            assert.deepEqual(entryOf(canary, id), entryOf(base, id));
        }
        assert.deepEqual(refusedTransitions(file(base), file(canary)), []);
        const render = await renderInChild({ ...requestFromStackFile(file(canary), false), previousOutputs: deployedOutputsOf(file(base)) });
        assert.equal(imageOf(render, "alpha"), "questdb/questdb:9.3.4");
        for (const id of ["amber", "birch", "bravo", "cedar", "coral"]) {
            assert.equal(imageOf(render, id), "questdb/questdb:8.2.3", id);
        }
    });

    it("refuses the next wave while the canary bakes, naming when it may go; the file stays byte-identical", async () => {
        const { dir, canary, history } = await canaryDeployed();
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-02T10:00:00Z");
        assert.equal(result.code, 1);
        assert.match(result.err, /wave 1 of questdbVersion=9\.3\.4 is not written, a gate holds it:\n {2}- bake: wave 0 deployed at 2026-12-02T00:00:00Z bakes 24 h, until 2026-12-03T00:00:00Z \(now 2026-12-02T10:00:00Z\)/);
        assert.equal(current(dir), canary);
        for (const command of backticked(result.err)) {
            assert.equal((await runPrinted(dir, command)).code, 0, command);
        }
    });

    it("after the bake: wave 1 goes under pending: for the database with a window, live (channel replaced) for the other; the program renders the pending one unchanged", async () => {
        const { dir, canary, history } = await canaryDeployed();
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-03T01:00:00Z");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /Gates passed for wave 1:\n {2}alerts: no alert pending or firing for 1 database\(s\)/);
        assert.match(result.out, /2 database\(s\) restart with this wave \(each in its maintenance window where it has one\), per AZ: eu-central-1a 1, eu-central-1b 1/);
        const wave1 = current(dir);
        assert.deepEqual(entryOf(wave1, "amber"), { id: "amber", availabilityZone: "eu-central-1a", maintenanceWindow: "sun 02:00-04:00", pending: { questdbVersion: "9.3.4" } });
        assert.deepEqual(entryOf(wave1, "birch"), { id: "birch", availabilityZone: "eu-central-1b", questdbVersion: "9.3.4" });
        for (const id of ["bravo", "cedar", "coral"]) {
            assert.equal(entryOf(wave1, id).questdbVersion, undefined, id);
        }
        assert.deepEqual(refusedTransitions(file(canary), file(wave1)), []);
        const render = await renderInChild({ ...requestFromStackFile(file(wave1), false), previousOutputs: deployedOutputsOf(file(canary)) });
        assert.equal(imageOf(render, "amber"), "questdb/questdb:8.2.3");
        assert.equal(imageOf(render, "birch"), "questdb/questdb:9.3.4");
        assert.equal(imageOf(render, "bravo"), "questdb/questdb:8.2.3");
    });

    it("a wave whose pending change has not been promoted is not deployed: the next one is refused", async () => {
        const { dir, base, canary } = await canaryDeployed();
        await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }]), "--now", "2026-12-03T01:00:00Z");
        const wave1 = current(dir);
        const history = writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }, { text: wave1, endTime: T2 }]);
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(result.code, 1);
        assert.match(result.err, /- deployed: not deployed at questdbVersion 9\.3\.4 yet: amber \(8\.2\.3\)/);
        assert.equal(current(dir), wave1);
    });

    it("refuses when the newest update failed, or when the history has no update at all", async () => {
        const { dir, base, canary } = await canaryDeployed();
        const failed = writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }, { text: canary, endTime: T2, result: "failed" }]);
        const refused = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", failed, "--now", "2026-12-05T00:00:00Z");
        assert.equal(refused.code, 1);
        assert.match(refused.err, /- update: the newest update of stack "rollout" \(version 3\) is failed: fix or finish it/);
        const empty = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", writeHistory(dir, []), "--now", "2026-12-05T00:00:00Z");
        assert.equal(empty.code, 1);
        assert.match(empty.err, /- update: stack "rollout" has no update in its history/);
        assert.equal(current(dir), canary);
    });
});

describe("a node image rolls the same way", () => {
    it("the canary gets nodeImage, quoted and live; the program renders its node group on the new release, the others unchanged", async () => {
        const dir = await project();
        const base = current(dir);
        const result = await qdb(dir, "rollout", "--stack", STACK, "nodeImage=1.32.0-20250601");
        assert.equal(result.code, 0, result.err);
        const after = current(dir);
        assert.deepEqual(entryOf(after, "alpha"), { id: "alpha", availabilityZone: "eu-central-1a", nodeImage: "1.32.0-20250601" });
        assert.match(after, /\n {6}nodeImage: "1\.32\.0-20250601"\n/);
        const render = await renderInChild({ ...requestFromStackFile(file(after), false), previousOutputs: deployedOutputsOf(file(base)) });
        const release = (id: string) => resource(render, TYPES.nodeGroup, `${id}-node`).inputs.releaseVersion;
        assert.equal(release("alpha"), "1.32.0-20250601");
        assert.equal(release("bravo"), "1.31.3-20250103");
    });
});

describe("the history as the CLI prints it", () => {
    it("a self-managed backend's history (every version 0, newest first, objectValue beside value) times the bake the same way", async () => {
        const { dir, base, canary } = await canaryDeployed();
        const real = (text: string, endTime: string) => {
            const f = file(text);
            const config = Object.fromEntries(Object.entries(f.config).map(([k, v]) => [k, {
                value: f.secretKeys.includes(k) ? "[secret]" : v, secret: f.secretKeys.includes(k),
                ...(v.startsWith("[") || v.startsWith("{") ? { objectValue: JSON.parse(v) } : {}),
            }]));
            return { version: 0, kind: "update", startTime: endTime, message: "", environment: {}, config, result: "succeeded", endTime, resourceChanges: { same: 1 } };
        };
        // Shaped as `pulumi stack history --json` (CLI 3.274.1, file backend) printed it here.
        const history = path.join(dir, "real-history.json");
        fs.writeFileSync(history, JSON.stringify([real(canary, "2026-12-02T00:00:00.000Z"), real(base, "2026-12-01T00:00:00.000Z")]));
        const early = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-02T10:00:00Z");
        assert.equal(early.code, 1);
        assert.match(early.err, /- bake: wave 0 deployed at 2026-12-02T00:00:00Z bakes 24 h, until 2026-12-03T00:00:00Z/);
        const late = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-03T01:00:00Z");
        assert.equal(late.code, 0, late.err);
        assert.match(late.out, /update: the newest update \(ended 2026-12-02T00:00:00Z\) succeeded/);
    });
});

describe("the alert gate", () => {
    it("a database added under the rollout takes the canary's place in the plan: the written canary is still watched and reverted", async () => {
        const { dir, history } = await canaryDeployed();
        const added = await qdb(dir, "add", "--stack", STACK, "aardvark", "--az", "eu-central-1a");
        assert.equal(added.code, 0, added.err);
        alerts = [{ alertname: "QuestDbDown", database: "alpha", state: "firing" }];
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(result.code, 1);
        assert.match(result.err, /is halted: QuestDbDown firing for alpha/);
        assert.equal(entryOf(current(dir), "alpha").questdbVersion, "8.2.3");
        assert.equal(entryOf(current(dir), "aardvark").questdbVersion, undefined, "no wave is written past an alert");
    });

    it("an alert pending for a canary database: the revert of the canary wave is written, the halt recorded, exit 1", async () => {
        const { dir, base, history } = await canaryDeployed();
        alerts = [{ alertname: "QuestDbDown", database: "alpha", state: "pending" }, { alertname: "QuestDbDown", database: "bravo", state: "firing" }];
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(result.code, 1);
        assert.match(result.err, /the rollout of questdbVersion=9\.3\.4 is halted: QuestDbDown pending for alpha since 2026-12-05T10:00:00Z\. Wrote the revert of wave 0/);
        const reverted = current(dir);
        // 9 to 8 is a major downgrade, which the program refuses without the entry's opt-in: the revert carries it for review.
        assert.deepEqual(entryOf(reverted, "alpha"), { id: "alpha", availabilityZone: "eu-central-1a", questdbVersion: "8.2.3", allowMajorDowngrade: true });
        assert.match(result.out, /alpha \(allowMajorDowngrade: a major downgrade, check docs\/runbook\.md before merging\)/);
        assert.equal(regionOf(reverted).rollout.halted, "questdbVersion=9.3.4: QuestDbDown pending for alpha since 2026-12-05T10:00:00Z (halted at 2026-12-05T00:00:00Z)");
        assert.deepEqual(entryOf(reverted, "bravo"), entryOf(base, "bravo"), "an alert outside the waves written changes nothing");
        const render = await renderInChild({ ...requestFromStackFile(file(reverted), false), previousOutputs: deployedOutputsOf(file(current(dir))) });
        assert.equal(imageOf(render, "alpha"), "questdb/questdb:8.2.3");

        // Halted: no wave is written, and the printed resume command works as printed.
        alerts = [];
        const halted = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(halted.code, 1);
        assert.match(halted.err, /the rollout is halted .*no wave is written\. Once the cause is fixed and the revert deployed, resume with `npx qdb unset --stack rollout rollout\.halted`/);
        assert.equal(current(dir), reverted);
        const [resume] = backticked(halted.err);
        assert.equal((await runPrinted(dir, resume)).code, 0);
        assert.equal(regionOf(current(dir)).rollout.halted, undefined);
    });

    it("an alert on wave 1: the pending target is dropped, the live one set back to what ran before, each as its own edit", async () => {
        const { dir, base, canary } = await canaryDeployed();
        await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }]), "--now", "2026-12-03T01:00:00Z");
        const wave1 = current(dir);
        // Amber's window has passed and promote ran: in the history wave 1 is deployed everywhere.
        const history = writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }, { text: wave1, endTime: T2 }]);
        alerts = [{ alertname: "QuestDbTablesSuspended", database: "birch", state: "firing" }];
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(result.code, 1);
        const reverted = current(dir);
        assert.deepEqual(entryOf(reverted, "amber"), entryOf(base, "amber"));
        assert.deepEqual(entryOf(reverted, "birch"), { id: "birch", availabilityZone: "eu-central-1b", questdbVersion: "8.2.3", allowMajorDowngrade: true });
        assert.equal(entryOf(reverted, "alpha").questdbVersion, "9.3.4", "only the last wave is reverted");
        assert.deepEqual(refusedTransitions(file(wave1), file(reverted)), []);
    });

    it("an alert on a database created on the target: the halt is recorded, and it is left as it is (it never ran anything else)", async () => {
        const { dir, base, canary } = await canaryDeployed();
        const added = await qdb(dir, "add", "--stack", STACK, "zulu", "--az", "eu-central-1c");
        assert.equal(added.code, 0, added.err);
        assert.equal((await qdb(dir, "set", "--stack", STACK, "zulu", "questdbVersion=9.3.4")).code, 0);
        const withZulu = current(dir);
        const history = writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }, { text: withZulu, endTime: T2 }]);
        alerts = [{ alertname: "QuestDbDown", database: "zulu", state: "firing" }];
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(result.code, 1, result.err);
        assert.match(result.err, /is halted: QuestDbDown firing for zulu since \S+Z\. zulu ran questdbVersion 9\.3\.4 from its creation: nothing to set back\./);
        const after = current(dir);
        assert.deepEqual(entryOf(after, "zulu"), entryOf(withZulu, "zulu"));
        assert.match(String(regionOf(after).rollout.halted), /^questdbVersion=9\.3\.4: QuestDbDown firing for zulu/);
        assert.deepEqual(refusedTransitions(file(withZulu), file(after)), []);
    });

    it("another stack's alert on a database of the same id does not stop this one", async () => {
        const { dir, history } = await canaryDeployed();
        alerts = [{ alertname: "QuestDbDown", database: "alpha", stack: "other-cell", state: "firing" }];
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(result.code, 0, result.err);
        assert.equal(entryOf(current(dir), "birch").questdbVersion, "9.3.4");
    });

    it("the token comes from QDB_PROMETHEUS_TOKEN, is sent as a bearer token, and is printed nowhere", async () => {
        const { dir, history } = await canaryDeployed();
        process.env.QDB_PROMETHEUS_TOKEN = "s3cr3t-token-value";
        try {
            const result = await qdb(dir, "rollout", "status", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
            assert.equal(result.code, 0, result.err);
            assert.equal(prometheus.auth.at(-1), "Bearer s3cr3t-token-value");
            assert.doesNotMatch(result.out + result.err + current(dir), /s3cr3t/);
        } finally {
            delete process.env.QDB_PROMETHEUS_TOKEN;
        }
    });

    it("an unreachable Prometheus, or none configured, refuses the wave: a gate that cannot be checked never passes", async () => {
        const { dir, canary, history } = await canaryDeployed();
        const text = canary.replace(prometheus.url, "http://127.0.0.1:9/prometheus");
        fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), text);
        const unreachable = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(unreachable.code, 1);
        assert.match(unreachable.err, /cannot reach Prometheus at http:\/\/127\.0\.0\.1:9\/prometheus\/api\/v1\/alerts .*no wave is written/);
        assert.equal(current(dir), text);
        const unset = await qdb(dir, "unset", "--stack", STACK, "rollout.prometheusUrl");
        assert.equal(unset.code, 0, unset.err);
        const none = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-05T00:00:00Z");
        assert.equal(none.code, 1);
        assert.match(none.err, /questdb-cloud:region\.rollout\.prometheusUrl is not set, so the alert gate cannot be checked and wave 1 is not written\. Fix: .*`npx qdb set --stack rollout rollout\.prometheusUrl=http:\/\/prometheus-operated\.monitoring\.svc:9090`/);
        const [fix] = backticked(none.err);
        assert.equal((await runPrinted(dir, fix)).code, 0, fix);
        assert.equal(regionOf(current(dir)).rollout.prometheusUrl, "http://prometheus-operated.monitoring.svc:9090");
    });
});

describe("impact counts the restarts of a change, in total and per AZ", () => {
    it("the canary wave restarts one database; a hand edit of the last three names the AZ it restarts whole", async () => {
        const { base, canary } = await canaryDeployed();
        const report = await computeImpact(file(base), file(canary));
        assert.ok(report.notes.includes("Restarts at once: 1 database(s) restart or move in this `pulumi up`; per AZ: eu-central-1a 1."), report.notes.join("\n"));
        const pinned = base.replace(/(- id: (bravo|cedar|coral)\n {6}availabilityZone: \S+\n)/g, '$1      questdbVersion: "9.3.4"\n');
        const three = await computeImpact(file(base), file(pinned));
        assert.ok(three.notes.includes("Restarts at once: 3 database(s) restart or move in this `pulumi up`; per AZ: eu-central-1b 1, eu-central-1c 2 (every database of eu-central-1c)."), three.notes.join("\n"));
    });
});

describe("qdb rollout status and bad input", () => {
    it("status shows each database's wave, window, file and pending value, deployed value, alerts, and each gate", async () => {
        const { dir, base, canary } = await canaryDeployed();
        await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }]), "--now", "2026-12-03T01:00:00Z");
        const history = writeHistory(dir, [{ text: base, endTime: T0 }, { text: canary, endTime: T1 }, { text: current(dir), endTime: T2 }]);
        alerts = [{ alertname: "QuestDbDown", database: "birch", state: "pending" }];
        const before = current(dir);
        const result = await qdb(dir, "rollout", "status", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-03T03:00:00Z");
        assert.equal(result.code, 0, result.err);
        assert.equal(current(dir), before, "status writes nothing");
        const row = (id: string) => result.out.split("\n").find((l) => l.startsWith(`${id} `))?.split(/\s{2,}/);
        assert.deepEqual(row("alpha"), ["alpha", "eu-central-1a", "0", "any time", "9.3.4", "-", "9.3.4", "none"]);
        assert.deepEqual(row("amber"), ["amber", "eu-central-1a", "1", "sun 02:00-04:00", "8.2.3", "9.3.4", "8.2.3", "none"]);
        assert.deepEqual(row("birch"), ["birch", "eu-central-1b", "1", "any time", "9.3.4", "-", "9.3.4", "QuestDbDown pending"]);
        assert.match(result.out, /next: wave 2 of 3/);
        assert.match(result.out, / {2}2: bravo, cedar, coral: 3 restart\(s\), per AZ eu-central-1b 1, eu-central-1c 2/);
        assert.match(result.out, / {2}alerts: HOLD: QuestDbDown pending for birch/);
        assert.match(result.out, / {2}deployed: HOLD: not deployed at questdbVersion 9\.3\.4 yet: amber \(8\.2\.3\)/);
    });

    it("bad input: another field, no assignment, a version the validator refuses; nothing is written", async () => {
        const dir = await project();
        const text = current(dir);
        const field = await qdb(dir, "rollout", "--stack", STACK, "instanceType=m7i.xlarge");
        assert.equal(field.code, 2);
        assert.match(field.err, /rollout moves questdbVersion or nodeImage, not "instanceType"/);
        assert.equal((await qdb(dir, "rollout", "--stack", STACK)).code, 2);
        const version = await qdb(dir, "rollout", "--stack", STACK, "questdbVersion=9.3");
        assert.equal(version.code, 1);
        assert.match(version.err, /refused to write \(rollout questdbVersion=9\.3: wave 0 \(canary\): alpha \(live\)\); nothing was changed:\n {2}- stack "rollout", database "alpha": questdbVersion = "9\.3"/);
        assert.equal(current(dir), text);
    });

    it("the rollout block is validated: credentials in the URL, a bake outside 1-720 hours, an unknown field", () => {
        const raw = (rollout: unknown) => {
            const f = file(fs.readFileSync(path.join(__dirname, "..", "fixtures", "qdb", `Pulumi.${STACK}.yaml`), "utf8"));
            return { ...f.raw, hasCredentialsSeed: true, region: { ...(f.raw.region as object), rollout } };
        };
        assert.throws(() => validateInventory(raw({ prometheusUrl: "https://ops:hunter2@prom.example:9090" })), (e: Error) => {
            assert.match(e.message, /region: rollout\.prometheusUrl = "\(redacted\)": carries credentials in plain config\. Fix: remove the user:password@ part and put the token in QDB_PROMETHEUS_TOKEN/);
            assert.doesNotMatch(e.message, /hunter2/);
            return true;
        });
        assert.throws(() => validateInventory(raw({ canaryBakeHours: 0 })), /region: rollout\.canaryBakeHours = 0: is outside the allowed range 1 to 720 hours/);
        assert.throws(() => validateInventory(raw({ bakeHours: 3 })), /region: rollout\.bakeHours/);
        assert.equal(validateInventory(raw(undefined)).region.rollout.canaryBakeHours, 24);
    });
});
