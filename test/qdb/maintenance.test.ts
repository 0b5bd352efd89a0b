/** qdb and maintenance windows (issue #24): `set` writes disruptive changes under pending:, `promote` moves them in the window, `list` shows them. */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseStackFile, refusedTransitions } from "../../inventory";
import { assertChangedOnlyWithin, entrySpan, qdb, stackText, tempProject } from "./helpers";

const entryOf = (text: string, id: string): Record<string, any> =>
    parse(text).config["questdb-cloud:databases"].find((d: { id: string }) => d.id === id);
const file = (text: string) => parseStackFile(text, "Pulumi.windows.yaml", "windows");

// 2026-12-03 is a Thursday; alpha's window opens on Sunday 2026-12-06 at 02:00 UTC.
const THURSDAY = "2026-12-03T09:00:00Z";

describe("qdb set on a database with a maintenance window", () => {
    it("writes the disruptive change under pending:, the rest live, and says when it applies", async () => {
        const dir = tempProject("windows");
        const before = stackText(dir, "windows");
        const result = await qdb(dir, "set", "--stack", "windows", "--now", THURSDAY, "alpha-metrics", 'questdbVersion="8.2.4"', "volume.sizeGiB=300");
        assert.equal(result.code, 0, result.err);
        const after = stackText(dir, "windows");
        const alpha = entryOf(after, "alpha-metrics");
        assert.deepEqual(alpha.pending, { questdbVersion: "8.2.4" });
        assert.equal(alpha.questdbVersion, undefined);
        assert.equal(alpha.volume.sizeGiB, 300);
        assert.match(result.out, /questdbVersion of "alpha-metrics" restarts or moves it, and it has maintenance window "sun 02:00-04:00" \(UTC\): written under pending:/);
        assert.match(result.out, /next opening 2026-12-06T02:00:00Z/);
        assert.match(result.out, /To apply it now instead: `npx qdb set --stack windows alpha-metrics 'questdbVersion="8\.2\.4"' maintenanceOverride="<reason>"`/);
        assertChangedOnlyWithin(before, after, entrySpan(before, "alpha-metrics"));
        assert.deepEqual(refusedTransitions(file(before), file(after)), []);
    });

    it("a server.conf key goes under pending: with the rest of the live map, which the promotion replaces", async () => {
        const dir = tempProject("windows");
        await qdb(dir, "set", "--stack", "windows", "--now", THURSDAY, "alpha-metrics", "serverConf.query.timeout.sec=30");
        assert.deepEqual(entryOf(stackText(dir, "windows"), "alpha-metrics").pending, { serverConf: { "query.timeout.sec": 30 } });
        await qdb(dir, "set", "--stack", "windows", "--now", THURSDAY, "bravo-ticks", "serverConf.cairo.max.uncommitted.rows=1000");
        const bravo = entryOf(stackText(dir, "windows"), "bravo-ticks");
        assert.deepEqual(bravo.pending.serverConf, { "query.timeout.sec": 90, "cairo.max.uncommitted.rows": 1000 });
        assert.deepEqual(bravo.serverConf, { "query.timeout.sec": 60 });
    });

    it("with a maintenanceOverride, or on a database without a window, the change is live at once", async () => {
        const dir = tempProject("windows");
        const overridden = await qdb(dir, "set", "--stack", "windows", "alpha-metrics", 'questdbVersion="8.2.4"', 'maintenanceOverride="CVE fix, OPS-7"');
        assert.equal(overridden.code, 0, overridden.err);
        const charlie = await qdb(dir, "set", "--stack", "windows", "charlie-logs", 'questdbVersion="8.2.4"');
        assert.equal(charlie.code, 0, charlie.err);
        assert.doesNotMatch(charlie.out, /pending/);
        const after = stackText(dir, "windows");
        assert.equal(entryOf(after, "alpha-metrics").questdbVersion, "8.2.4");
        assert.equal(entryOf(after, "alpha-metrics").pending, undefined);
        assert.equal(entryOf(after, "charlie-logs").questdbVersion, "8.2.4");
    });
});

describe("qdb promote", () => {
    it("outside every window: nothing is written, and each pending change says when its window opens", async () => {
        const dir = tempProject("windows");
        const before = stackText(dir, "windows");
        const result = await qdb(dir, "promote", "--stack", "windows", "--now", THURSDAY);
        assert.equal(result.code, 0, result.err);
        assert.equal(stackText(dir, "windows"), before);
        assert.match(result.out, /Nothing to promote at 2026-12-03T09:00:00Z/);
        assert.match(result.out, /bravo-ticks: window sat 23:00-01:00, next opening 2026-12-05T23:00:00Z: questdbVersion 8\.2\.3 -> 8\.2\.4, serverConfChecksum/);
    });

    it("inside the window (across midnight): moves the pending block into the live fields, stamps it, and changes nothing else", async () => {
        const dir = tempProject("windows");
        const before = stackText(dir, "windows");
        const result = await qdb(dir, "promote", "--stack", "windows", "--now", "2026-12-06T00:30:00Z");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /promoted the pending changes of "bravo-ticks" at 2026-12-06T00:30:00Z/);
        const after = stackText(dir, "windows");
        const bravo = entryOf(after, "bravo-ticks");
        assert.equal(bravo.questdbVersion, "8.2.4");
        assert.deepEqual(bravo.serverConf, { "query.timeout.sec": 90 });
        assert.equal(bravo.pending, undefined);
        assert.equal(bravo.promotedAt, "2026-12-06T00:30:00Z");
        assert.match(after, /^ {6}promotedAt: "2026-12-06T00:30:00Z"$/m);
        assertChangedOnlyWithin(before, after, entrySpan(before, "bravo-ticks"));
        // The program accepts the promotion (a promotedAt inside the window), as `pulumi preview` will.
        assert.deepEqual(refusedTransitions(file(before), file(after)), []);
        const again = await qdb(dir, "promote", "--stack", "windows", "--now", "2026-12-06T00:45:00Z");
        assert.match(again.out, /Nothing to promote/);
        assert.equal(stackText(dir, "windows"), after);
    });

    it("the same edit by hand, without the stamp, is what the program refuses", () => {
        const before = stackText(tempProject("windows"), "windows");
        const hand = before.replace(/      # Approved in OPS-42[^]*?query\.timeout\.sec: 90\n/, "").replace("query.timeout.sec: 60\n", "query.timeout.sec: 60\n      questdbVersion: \"8.2.4\"\n");
        const refused = refusedTransitions(file(before), file(hand));
        assert.equal(refused.length, 1, hand);
        assert.match(refused[0].reason, /questdbVersion 8\.2\.3 -> 8\.2\.4 would restart or move the database now, but it has maintenance window "sat 23:00-01:00"/);
    });

    it("a --now that is not an ISO 8601 instant is a usage error", async () => {
        const result = await qdb(tempProject("windows"), "promote", "--stack", "windows", "--now", "sunday");
        assert.equal(result.code, 2);
        assert.match(result.err, /--now "sunday" is not an ISO 8601 instant with a zone; write it like 2026-12-06T02:15:00Z/);
    });
});

describe("qdb list with maintenance windows", () => {
    it("lists what is pending, with its window", async () => {
        const { code, out } = await qdb(tempProject("windows"), "list", "--stack", "windows");
        assert.equal(code, 0);
        assert.match(out, /^Pending \(not deployed; `qdb promote` applies each in its window\):\n {2}bravo-ticks: window sat 23:00-01:00: questdbVersion 8\.2\.3 -> 8\.2\.4, serverConfChecksum [0-9a-f]{12} -> [0-9a-f]{12}$/m);
    });
});
