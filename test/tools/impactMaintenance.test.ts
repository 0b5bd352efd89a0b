/** impact's maintenance notes (issue #24): what waits under pending:, and an override that applies a change now. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parseStackFile } from "../../inventory";
import { maintenanceNotes } from "../../tools/impact/maintenance";

const text = fs.readFileSync(path.join(__dirname, "..", "fixtures", "qdb", "Pulumi.windows.yaml"), "utf8");
const file = (body: string) => parseStackFile(body, "Pulumi.windows.yaml", "windows");

test("a pending block is a note with its window and changes; a new override is a note, an already deployed one is not", () => {
    const overridden = text.replace('maintenanceWindow: "sun 02:00-04:00"', 'maintenanceWindow: "sun 02:00-04:00"\n      questdbVersion: "8.2.4"\n      maintenanceOverride: "CVE fix, OPS-7"');
    const notes = maintenanceNotes(file(text), file(overridden));
    assert.equal(notes.length, 2, notes.join("\n"));
    assert.match(notes[0], /^maintenanceOverride on alpha-metrics: "CVE fix, OPS-7": its disruptive change applies now, outside its window sun 02:00-04:00 UTC\.$/);
    assert.match(notes[1], /^Pending on bravo-ticks \(not deployed by this change; `qdb promote` applies it in window sat 23:00-01:00 UTC\): questdbVersion 8\.2\.3 -> 8\.2\.4, serverConfChecksum/);
    assert.equal(maintenanceNotes(file(overridden), file(overridden)).length, 1);
});
