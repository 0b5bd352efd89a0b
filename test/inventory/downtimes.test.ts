/** One table of downtimes (inventory/downtimes.ts): README's operations table and the runbook state exactly its figures. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { DOWNTIMES, DowntimeKey, downtimeText } from "../../inventory/downtimes";
import { DOWNTIME } from "../../tools/impact/report";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** README's operations table: operation name to its downtime cell. */
function readmeOperations(): Map<string, string> {
    const section = read("README.md").split("## Operations")[1].split("\n## ")[0];
    const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| operation") && !line.startsWith("|---"));
    return new Map(rows.map((row) => {
        const cells = row.split(" | ").map((cell) => cell.replace(/^\| ?| ?\|$/g, "").trim());
        return [cells[0], cells[cells.length - 1]];
    }));
}

/** A figure in minutes as docs write it: "1-3 min", "3–5 minutes". */
const MINUTE_RANGE = /\b(\d+)\s*[-–]\s*(\d+)\s*min(ute)?s?\b/g;
const HAS_MINUTES = /\b\d+\s*[-–]\s*\d+\s*min/;

test("every operation the table names has a README row whose downtime is the table's text", () => {
    const operations = readmeOperations();
    for (const key of Object.keys(DOWNTIMES) as DowntimeKey[]) {
        for (const operation of DOWNTIMES[key].operations) {
            const cell = operations.get(operation) ?? "";
            // The table's text, optionally followed by a parenthesised detail.
            assert.ok(cell === downtimeText(key) || cell.startsWith(`${downtimeText(key)} (`), `README operations row "${operation}": "${cell}" is not "${downtimeText(key)}"`);
        }
    }
});

test("no README operation states a minute figure the table does not have", () => {
    const known = new Set(Object.values(DOWNTIMES).map((f) => `${f.minMinutes}-${f.maxMinutes}`));
    for (const [operation, downtime] of readmeOperations()) {
        for (const match of downtime.matchAll(MINUTE_RANGE)) {
            assert.ok(known.has(`${match[1]}-${match[2]}`), `README "${operation}" says ${match[0]}, not in inventory/downtimes.ts`);
        }
    }
});

test("every runbook 'Downtime:' line with minutes quotes one of the table's texts", () => {
    const lines = read("docs/runbook.md").split("\n").filter((line) => /Downtime:/.test(line) && HAS_MINUTES.test(line));
    assert.ok(lines.length >= 4, "the runbook's downtime lines were found");
    const texts = (Object.keys(DOWNTIMES) as DowntimeKey[]).map(downtimeText);
    for (const line of lines) {
        assert.ok(texts.some((text) => line.includes(text)), `runbook line quotes no figure of the table: ${line.trim()}`);
    }
});

test("impact's per-kind downtimes are the table's texts", () => {
    assert.equal(DOWNTIME["rolling-restart"], downtimeText("restart"));
    assert.ok(DOWNTIME["rolling-node-update"].startsWith(downtimeText("podMove")));
    assert.ok(DOWNTIME["node-replacement"].startsWith(downtimeText("podMove")));
    assert.equal(DOWNTIME["provisioner-move"], downtimeText("provisionerMove"));
    assert.equal(DOWNTIME.starts, downtimeText("start"));
});
