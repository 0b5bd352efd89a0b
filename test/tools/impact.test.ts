import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import { parseStackFile } from "../../inventory";
import { Render, renderInChild, requestFromStackFile } from "../../render";
import { DatabaseImpact, ImpactReport, formatImpactMarkdown, formatImpactSummary, impactOfRenders } from "../../tools/impact/report";
import { PROD_TEXT, prodVariants } from "./prodVariants";
import { runTool } from "./run";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "impact-test-"));
const baseText = PROD_TEXT;
/** How many databases prod lists today (the inventory grows; counts derive from it). */
const TOTAL = (parseStackFile(baseText, "Pulumi.prod.yaml", "prod").raw.databases as unknown[]).length;

const variant = prodVariants(tmp);

const files = {
    base: variant("base", () => undefined),
    // Same meaning, different text: a comment and key order.
    noop: variant("noop", (_, at) => {
        at("acme-analytics").commentBefore = " reworded comment";
        const m = at("wayne-finance");
        const id = m.get("id");
        m.delete("id");
        m.set("id", id);
    }),
    safe: variant("safe", (_, at) => {
        at("stark-telemetry").setIn(["volume", "sizeGiB"], 1000);
        at("cyberdyne-logs").set("instanceType", "m7i.4xlarge");
        at("initech-metrics").set("questdbVersion", "8.2.3");
    }),
    // Step 2 of a decommission: the entry of an already decommissioned database goes.
    release: variant("release", (dbs, at) => {
        dbs.items.splice(dbs.items.indexOf(at("oldcorp-archive")), 1);
    }),
    risky: variant("risky", (dbs, at) => {
        at("acme-analytics").set("availabilityZone", "us-east-1b");
        dbs.items.splice(dbs.items.indexOf(at("tyrell-sensors")), 1);
    }),
};
const renders = new Map<string, Render>();

before(async () => {
    await Promise.all(Object.entries(files).map(async ([name, file]) => {
        const stackFile = parseStackFile(fs.readFileSync(file, "utf8"), file, "prod");
        renders.set(name, await renderInChild(requestFromStackFile(stackFile, false)));
    }));
});

const impact = (after: string): ImpactReport => impactOfRenders(renders.get("base")!, renders.get(after)!);
/** The headline (most severe) kind of each touched database; region-wide groups left out. */
const verdicts = (report: ImpactReport) =>
    Object.fromEntries(report.databases.filter((d) => d.database).map((d) => [d.id, d.kind]));
const db = (report: ImpactReport, id: string): DatabaseImpact => report.databases.find((d) => d.id === id)!;

test("an edit that means nothing is a no-op", () => {
    const report = impact("noop");
    assert.deepEqual(report.databases, []);
    assert.equal(report.untouched.length, TOTAL);
    assert.match(formatImpactMarkdown(report), /No-op/);
    assert.equal(formatImpactSummary(report), "prod: no-op (nothing changes)");
});

test("volume growth, instance type and version changes are classified per database", () => {
    const report = impact("safe");
    assert.deepEqual(verdicts(report), {
        "cyberdyne-logs": "node-replacement",
        "initech-metrics": "rolling-restart",
        "stark-telemetry": "volume-change",
    });
    assert.equal(report.dataAtRisk, false);
    assert.deepEqual(db(report, "cyberdyne-logs").resources.map((r) => [r.name, r.action, r.replaceBecause]),
        [["cyberdyne-logs-node", "replace", ["instanceTypes.0"]]]);
    const volume = db(report, "stark-telemetry").resources.find((r) => r.type === "aws:ebs/volume:Volume")!;
    assert.deepEqual([volume.action, volume.paths], ["update", ["size"]]);
    const storage = db(report, "stark-telemetry").resources.filter((r) => /Volume|PersistentVolume/.test(r.type));
    // The PV's capacity is ignoreChanges (the CSI resizer owns it): Pulumi sends no change to it.
    assert.deepEqual(storage.map((r) => [r.name, r.action, r.kind]).sort(), [
        ["stark-telemetry-pvc", "update", "volume-change"],
        ["stark-telemetry-volume", "update", "volume-change"],
    ]);
    assert.equal(db(report, "initech-metrics").downtime, "one pod restart, 1-2 min");
    for (const untouched of ["acme-analytics", "globex-ticks", "umbrella-iot", "hooli-events", "wayne-finance", "tyrell-sensors"]) {
        assert.ok(report.untouched.includes(untouched), untouched);
        assert.equal(db(report, untouched), undefined, untouched);
    }
    assert.match(formatImpactSummary(report), new RegExp(`3 database\\(s\\) touched, ${TOTAL - 3} untouched`));
});

test("an AZ change and a removed database put data at risk and make preview fail", () => {
    const report = impact("risky");
    assert.equal(db(report, "acme-analytics").kind, "data-at-risk");
    assert.equal(db(report, "tyrell-sensors").kind, "data-at-risk");
    assert.deepEqual(Object.keys(verdicts(report)).sort(), ["acme-analytics", "tyrell-sensors"]);
    const volume = db(report, "acme-analytics").resources.find((r) => r.type === "aws:ebs/volume:Volume")!;
    assert.deepEqual([volume.action, volume.replaceBecause, volume.blockedByProtect], ["replace", ["availabilityZone"], true]);
    const removed = db(report, "tyrell-sensors").resources.find((r) => r.type === "aws:ebs/volume:Volume")!;
    assert.deepEqual([removed.action, removed.blockedByProtect], ["delete", true]);
    assert.deepEqual([report.dataAtRisk, report.previewWillFail], [true, true]);
    assert.match(formatImpactMarkdown(report), /pulumi preview` will fail/);
});

test("removing a decommissioned database's entry releases its volume and snapshot: no data at risk", async () => {
    const report = impact("release");
    assert.deepEqual(Object.keys(verdicts(report)), ["oldcorp-archive"]);
    const kinds = db(report, "oldcorp-archive").resources.map((r) => [r.type, r.action, r.kind]);
    assert.deepEqual(kinds.filter(([type]) => String(type).startsWith("aws:")).sort(), [
        ["aws:ebs/snapshot:Snapshot", "delete", "released"],
        ["aws:ebs/volume:Volume", "delete", "released"],
    ]);
    assert.deepEqual([report.dataAtRisk, report.previewWillFail], [false, false]);
    const run = await runTool("impact", ["--before", files.base, "--after", files.release]);
    assert.equal(run.code, 0, run.stderr);
});

test("the CLI exits 5 on a change the program refuses: Markdown names each refused database, and nothing is rendered", async () => {
    const run = await runTool("impact", ["--stack", "prod", "--before", files.base, "--after", files.risky]);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, /the program refuses this change/);
    assert.match(run.stdout, /\| `acme-analytics` \| 🚫 refused \|/);
    assert.match(run.stdout, /\| `tyrell-sensors` \| 🚫 refused \|/);
    // pulumi preview stops at the refusal: no resource table, and the report says why.
    assert.doesNotMatch(run.stdout, /\| Resource \| Type \| Action \|/);
    assert.match(run.stdout, /not rendered: the program stops at the refusal/);
    // The program's own refusals, exactly as `pulumi preview` will print them.
    assert.match(run.stdout, /Refused: the program refuses this change/);
    assert.match(run.stdout, /- stack "prod", database "acme-analytics": availabilityZone = "us-east-1b": the data volume lives in us-east-1a/);
    assert.match(run.stdout, /- stack "prod", database "tyrell-sensors": \(entry\) = "\(removed\)": the entry was removed while the database is paused/);
});

test("the CLI exits 4 when more databases are touched than --max-databases", async () => {
    const markdown = path.join(tmp, "over.md");
    const [over, within] = await Promise.all([
        runTool("impact", ["--before", files.base, "--after", files.safe, "--max-databases", "2", "--out", markdown]),
        runTool("impact", ["--before", files.base, "--after", files.safe, "--max-databases", "3", "--json"]),
    ]);
    assert.equal(over.code, 4, over.stderr);
    assert.match(over.stderr, /3 databases touched, more than --max-databases 2/);
    // Issue 17.7: the PR comment itself says why the check failed.
    for (const text of [over.stdout, fs.readFileSync(markdown, "utf8")]) {
        assert.match(text, /\*\*Check failed:\*\* 3 databases touched, more than --max-databases 2; split the change\./);
    }
    assert.equal((JSON.parse(within.stdout) as { verdict: { code: number } }).verdict.code, 0);
    assert.equal(within.code, 0, within.stderr);
    assert.equal((JSON.parse(within.stdout) as ImpactReport).touchedDatabases, 3);
});


test("issue 17.6: removing a decommissioned entry is released, not an in-place update", () => {
    const removed = db(impact("release"), "oldcorp-archive");
    assert.deepEqual([removed.kind, removed.lifecycle], ["released", "decommissioned -> absent"]);
    assert.ok(removed.resources.every((r) => r.kind === "released"), JSON.stringify(removed.resources.map((r) => [r.name, r.kind])));
});
