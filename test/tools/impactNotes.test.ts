// Issue 26.5: impact says what a change means, not only which paths differ.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parseStackFile } from "../../inventory";
import { changedLeaves, describeLeaf } from "../../render/diff";
import { computeImpact } from "../../tools/impact/report";
import { FIXTURES } from "../qdb/helpers";

const fleetText = fs.readFileSync(path.join(FIXTURES, "Pulumi.fleet.yaml"), "utf8");
const fleet = (text: string) => parseStackFile(text, "Pulumi.fleet.yaml", "fleet");
const withEntry = (entry: string) => `${fleetText.trimEnd()}\n${entry}`;

function reasonsOf(report: Awaited<ReturnType<typeof computeImpact>>, id: string): string {
    return (report.databases.find((d) => d.id === id)?.resources ?? []).map((r) => `${r.name}: ${r.reason}`).join("\n");
}

describe("describeLeaf names environment variables", () => {
    test("an env value is named by its variable, its position kept in the path", () => {
        const container = (days: string) => ({ containers: [{ env: [{ name: "STACK", value: "fleet" }, { name: "RETAIN_DAYS", value: days }] }] });
        const [leaf] = changedLeaves(container("7"), container("14"));
        assert.equal(leaf.path, "containers.0.env.1.value");
        assert.deepEqual(describeLeaf(leaf), ['containers.0.env.RETAIN_DAYS.value: "7" -> "14"']);
    });

    test("a renamed or shifted variable keeps its index: a name would mislead", () => {
        const before = { env: [{ name: "A", value: "1" }] };
        const after = { env: [{ name: "B", value: "1" }] };
        assert.deepEqual(changedLeaves(before, after).flatMap((leaf) => describeLeaf(leaf)), ['env.0.name: "A" -> "B"']);
    });
});

describe("impact notes through computeImpact", () => {
    test("a new database says where it runs, how big it is and who may reach it; inheriting 0.0.0.0/0 is a warning", async () => {
        const after = withEntry([
            "    - id: delta-events",
            "      availabilityZone: eu-central-1c",
            "    - id: echo-trades",
            "      availabilityZone: eu-central-1b",
            "      access:",
            "        allowedCidrs: [\"203.0.113.0/24\"]",
        ].join("\n"));
        const report = await computeImpact(fleet(fleetText), fleet(after));
        const notes = report.notes.join("\n");
        assert.match(notes, /New database "delta-events": eu-central-1c, m7i\.large on managedNodeGroup, 50 GiB gp3 \(3000 IOPS, 125 MiB\/s\), QuestDB 8\.2\.3, allowedCidrs \[0\.0\.0\.0\/0\] from defaults\.access\. Warning: it inherits 0\.0\.0\.0\/0 from the region's defaults\.access/);
        assert.match(notes, /New database "echo-trades": eu-central-1b, .*allowedCidrs \[203\.0\.113\.0\/24\]\./);
        assert.doesNotMatch(notes, /"echo-trades"[^\n]*Warning/);
        assert.doesNotMatch(notes, /New database "alpha-metrics"/);
    });

    test("a region-wide node image change says every database's node moves in the same up; one database's does not", async () => {
        const regionWide = await computeImpact(fleet(fleetText), fleet(fleetText.replace('nodeImage: "1.31.3-20250103"', 'nodeImage: "1.31.4-20250203"')));
        assert.match(regionWide.notes.join("\n"), /3 databases move to new nodes in this one `pulumi up`, at the same time .*: alpha-metrics, bravo-ticks, charlie-logs\./);
        const one = fleetText.replace("    - id: charlie-logs\n      availabilityZone: eu-central-1b", '    - id: charlie-logs\n      availabilityZone: eu-central-1b\n      nodeImage: "1.31.4-20250203"');
        const single = await computeImpact(fleet(fleetText), fleet(one));
        assert.deepEqual(single.databases.filter((d) => d.database).map((d) => d.id), ["charlie-logs"], "the control: the change touches one database");
        assert.doesNotMatch(single.notes.join("\n"), /move to new nodes/);
    });

    test("a backup retention change names RETAIN_DAYS; a version change keeps the forced-rollback note", async () => {
        const entry = "    - id: alpha-metrics\n      availabilityZone: eu-central-1a\n";
        const retain = fleetText.replace(entry, `${entry}      backup:\n        retainDays: 14\n`);
        const report = await computeImpact(fleet(fleetText), fleet(retain));
        assert.match(reasonsOf(report, "alpha-metrics"), /env\.RETAIN_DAYS\.value: "7" -> "14"/);
        const upgraded = fleetText.replace(entry, `${entry}      questdbVersion: "8.2.4"\n`);
        const upgrade = await computeImpact(fleet(fleetText), fleet(upgraded));
        assert.match(upgrade.notes.join("\n"), /Forced rollback: this rolls the pod of alpha-metrics/);
    });

    test("an option change shows its values: decommissioning unprotects the volume", async () => {
        const paused = withEntry("    - id: delta-events\n      availabilityZone: eu-central-1c\n      state: paused");
        const report = await computeImpact(fleet(paused), fleet(paused.replace("state: paused", "state: decommissioned")));
        assert.match(reasonsOf(report, "delta-events"), /delta-events-volume: .*option protect: true -> false/);
    });
});
