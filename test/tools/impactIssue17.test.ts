/**
 * Issue 17: what impact says must be right. Refusals outrank everything (exit 5), one stack per
 * comparison, lifecycle labels, and real before/after values. Split from impact.test.ts so each
 * file's renders fit its time budget.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import { parseStackFile, refusedTransitions } from "../../inventory";
import { Render, renderInChild, requestFromStackFile } from "../../render";
import { sides, verdict } from "../../tools/impact";
import { DatabaseImpact, ImpactReport, formatImpactMarkdown, formatImpactSummary, impactOfRenders, refusedReport } from "../../tools/impact/report";
import { prodVariants } from "./prodVariants";
import { runTool } from "./run";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "impact17-test-"));

const variant = prodVariants(tmp);

const files = {
    base: variant("base", () => undefined),
    // Issue 17: a hand-edited shrink (refused by the program) and each lifecycle transition.
    shrink: variant("shrink", (_, at) => at("stark-telemetry").setIn(["volume", "sizeGiB"], 10)),
    lifecycle: variant("lifecycle", (_, at) => {
        at("acme-analytics").set("state", "paused");
        at("tyrell-sensors").set("state", "active");
        at("cyberdyne-logs").set("state", "decommissioned");
    }),
    pausedEdits: variant("pausedEdits", (_, at) => {
        at("tyrell-sensors").set("questdbVersion", "8.2.4");
        at("hooli-events").setIn(["serverConf", "cairo.max.uncommitted.rows"], 250000);
        at("hooli-events").setIn(["serverConf", "query.timeout.sec"], 30);
    }),
};
const rendered = ["base", "shrink", "lifecycle", "pausedEdits"] as const;
const renders = new Map<string, Render>();

before(async () => {
    await Promise.all(rendered.map(async (name) => {
        const stackFile = parseStackFile(fs.readFileSync(files[name], "utf8"), files[name], "prod");
        renders.set(name, await renderInChild(requestFromStackFile(stackFile, false)));
    }));
});

const impact = (after: string): ImpactReport => impactOfRenders(renders.get("base")!, renders.get(after)!);
const db = (report: ImpactReport, id: string): DatabaseImpact => report.databases.find((d) => d.id === id)!;

test("issue 17.2: a hand-edited shrink is refused, the most severe outcome, never green; it exits 5", () => {
    const before = parseStackFile(fs.readFileSync(files.base, "utf8"), files.base, "prod");
    const after = parseStackFile(fs.readFileSync(files.shrink, "utf8"), files.shrink, "prod");
    const plain = impact("shrink");
    assert.equal(db(plain, "stark-telemetry").kind, "volume-change", "the resources alone look green");
    const report = refusedReport("prod", refusedTransitions(before, after));
    assert.equal(report.refused, true);
    assert.deepEqual(verdict(report, 100), { code: 5, reason: "the program refuses this change (1 refusal(s)); `pulumi preview` will fail" });
    const stark = db(report, "stark-telemetry");
    assert.equal(stark.kind, "refused");
    assert.match(stark.downtime, /refuses/);
    assert.match(stark.refusals![0], /database "stark-telemetry": volume\.sizeGiB = 10: the volume has 750 GiB and EBS volumes cannot shrink/);
    const markdown = formatImpactMarkdown(report);
    assert.match(markdown, /\*\*Refused: the program refuses this change/);
    assert.match(markdown, /\| `stark-telemetry` \| 🚫 refused \|/);
    assert.doesNotMatch(markdown, /\| `stark-telemetry` \| 🟢/);
    assert.match(formatImpactSummary(report), /stark-telemetry\s+refused/);
});

test("issue 17.4: --before/--after without --stack take one stack name, or refuse two", async () => {
    const other = path.join(tmp, "other", "Pulumi.staging.yaml");
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.copyFileSync(files.base, other);
    const refused = await runTool("impact", ["--before", files.base, "--after", other]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /their file names say "prod" and "staging"; name it with --stack <name>/);
    const named = sides({ before: files.base, after: other, stack: "prod" });
    assert.deepEqual([named.before?.stack, named.after.stack], ["prod", "prod"]);
    const same = sides({ before: files.base, after: files.shrink });
    assert.deepEqual([same.before?.stack, same.after.stack], ["prod", "prod"]);
});

test("issue 17.6: lifecycle transitions label the headline and downtime: pause, resume, decommission", () => {
    const report = impact("lifecycle");
    const label = (id: string) => [db(report, id).kind, db(report, id).downtime, db(report, id).lifecycle];
    assert.deepEqual(label("acme-analytics"), ["down", "down until resumed (no pod scheduled)", "active -> paused"]);
    assert.deepEqual(label("tyrell-sensors"), ["starts", "starts, 3-5 min", "paused -> active"]);
    assert.deepEqual(label("cyberdyne-logs"), ["decommission", "permanent: compute deleted (the volume and a final snapshot are kept)", "active -> decommissioned"]);
    const node = db(report, "cyberdyne-logs").resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!;
    assert.deepEqual([node.action, node.kind], ["delete", "down"], "deleting a node group is not an in-place update");
    assert.equal(report.dataAtRisk, false);
});

test("issue 17.6 and 17.5: a paused database's version change is no downtime; server.conf and tags show their real before and after", () => {
    const report = impact("pausedEdits");
    const tyrell = db(report, "tyrell-sensors");
    assert.deepEqual([tyrell.kind, tyrell.downtime, tyrell.lifecycle], ["in-place-update", "no downtime (paused)", "paused"]);
    const config = db(report, "hooli-events").resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
    assert.equal(config.reason, 'server.conf cairo.max.uncommitted.rows: "500000" -> "250000"; server.conf query.timeout.sec: unset -> "30"');
    const decommissioned = db(impact("lifecycle"), "cyberdyne-logs").resources.find((r) => r.type === "aws:ebs/volume:Volume")!;
    assert.match(decommissioned.reason, /tags\.questdb\.cloud\/state: unset -> "decommissioned"/);
    assert.doesNotMatch(decommissioned.reason, /unset -> unset/);
});
