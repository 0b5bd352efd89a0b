/** Pure functions of qdb: argument parsing, Document edits, safety comparisons, text diffs. */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parseDocument } from "yaml";
import { parseStackFile } from "../../inventory";
import { parseAssignment, parseCli, parseValue } from "../../tools/qdb/args";
import { addDatabase, databaseIds, indexOfDatabase, pickAvailabilityZone, removeDatabase, setDatabaseField } from "../../tools/qdb/edits";
import { QdbError } from "../../tools/qdb/errors";
import { refusals } from "../../tools/qdb/apply";
import { validationDelta } from "../../tools/qdb/safety";
import { spliceEdit, unifiedDiff } from "../../tools/qdb/textDiff";
import { FIXTURES } from "./helpers";

const FLEET = fs.readFileSync(path.join(FIXTURES, "Pulumi.fleet.yaml"), "utf8");

describe("qdb args", () => {
    it("types values as YAML would, quotes forcing a string", () => {
        assert.equal(parseValue("500"), 500);
        assert.equal(parseValue("0.5"), 0.5);
        assert.equal(parseValue("true"), true);
        assert.equal(parseValue("false"), false);
        assert.equal(parseValue("8.2.3"), "8.2.3");
        assert.equal(parseValue('"8.2"'), "8.2");
        assert.equal(parseValue("m7i.large"), "m7i.large");
    });

    it("reads a flow list, the empty one included, and refuses nested or broken lists", () => {
        assert.deepEqual(parseValue("[203.0.113.0/24, 2001:db8::/32]"), ["203.0.113.0/24", "2001:db8::/32"]);
        assert.deepEqual(parseValue('["10.0.0.0/8"]'), ["10.0.0.0/8"]);
        assert.deepEqual(parseValue("[]"), []);
        assert.throws(() => parseValue("[[1], 2]"), QdbError);
        assert.throws(() => parseValue("[a, {b: 1}]"), QdbError);
    });

    it("splits dotted keys, keeping a server.conf key whole", () => {
        assert.deepEqual(parseAssignment("volume.sizeGiB=500"), { key: "volume.sizeGiB", path: ["volume", "sizeGiB"], value: 500, text: "500" });
        assert.deepEqual(parseAssignment("serverConf.query.timeout.sec=120").path, ["serverConf", "query.timeout.sec"]);
        assert.deepEqual(parseAssignment("questdbVersion=8.2.4").value, "8.2.4");
        assert.throws(() => parseAssignment("volume.sizeGiB"), /not a key=value/);
        assert.throws(() => parseAssignment("volume..sizeGiB=1"), /empty part/);
    });

    it("rejects unknown flags instead of ignoring them", () => {
        assert.throws(() => parseCli(["list", "--stak", "dev"]), (e: unknown) => e instanceof QdbError && /--stak/.test(e.message));
    });

    it("issue 17.9: usage errors are whole sentences: no stray quote, no doubled or missing separator", () => {
        assert.throws(() => parseCli(["list", "--stak", "dev"]), (e: unknown) => e instanceof QdbError &&
            e.message === "unknown option --stak; did you mean --stack? Run `qdb --help` for usage");
        assert.throws(() => parseCli(["list", "--stack"]), (e: unknown) => e instanceof QdbError && !/\.\./.test(e.message) && /argument missing\. Run/.test(e.message));
        assert.throws(() => indexOfDatabase(parseDocument(FLEET), "zzzzzzzzzzzz", "f.yaml"), /charlie-logs\. Run `npx qdb list --stack <stack>`/);
        const args = parseCli(["add", "--stack", "dev", "x", "--size", "30", "--dry-run"]);
        assert.deepEqual([args.command, args.positionals, args.stack, args.size, args.dryRun], ["add", ["x"], "dev", "30", true]);
    });
});

describe("qdb edits", () => {
    it("picks the AZ with the fewest live databases, ties alphabetically", () => {
        const azs = ["eu-central-1c", "eu-central-1a", "eu-central-1b"];
        assert.equal(pickAvailabilityZone(azs, [{ availabilityZone: "eu-central-1a" }, { availabilityZone: "eu-central-1c" }]), "eu-central-1b");
        assert.equal(pickAvailabilityZone(azs, []), "eu-central-1a");
        const decommissionedInB = [{ availabilityZone: "eu-central-1a" }, { availabilityZone: "eu-central-1b", state: "decommissioned" },
            { availabilityZone: "eu-central-1c" }];
        assert.equal(pickAvailabilityZone(azs, decommissionedInB), "eu-central-1b");
        assert.equal(pickAvailabilityZone([], []), undefined);
    });

    it("names the closest id when an id is unknown", () => {
        const doc = parseDocument(FLEET);
        assert.throws(() => indexOfDatabase(doc, "alpha-metric", "f.yaml"), /f\.yaml: no database with id "alpha-metric".*did you mean "alpha-metrics"\?/);
        assert.throws(() => indexOfDatabase(doc, "zzzzzzzzzzzz", "f.yaml"), /known ids: alpha-metrics, bravo-ticks, charlie-logs/);
        assert.equal(indexOfDatabase(doc, "bravo-ticks", "f.yaml"), 1);
    });

    it("adds, sets and removes entries in the Document", () => {
        const doc = parseDocument(FLEET);
        addDatabase(doc, { id: "delta-db", availabilityZone: "eu-central-1c", instanceType: "m7i.xlarge", sizeGiB: 80 });
        setDatabaseField(doc, "f", "bravo-ticks", ["serverConf", "cairo.max.uncommitted.rows"], 1000);
        removeDatabase(doc, "f", "charlie-logs");
        assert.deepEqual(databaseIds(doc), ["alpha-metrics", "bravo-ticks", "delta-db"]);
        const config = doc.toJS().config;
        assert.deepEqual(config["questdb-cloud:databases"][2], { id: "delta-db", availabilityZone: "eu-central-1c", instanceType: "m7i.xlarge", volume: { sizeGiB: 80 } });
        assert.deepEqual(config["questdb-cloud:databases"][1].serverConf, { "query.timeout.sec": 60, "cairo.max.uncommitted.rows": 1000 });
        assert.ok(!doc.toString().includes("# Region defaults only."), "the removed entry's comment goes with it");
    });
});

describe("qdb safety", () => {
    /** The fleet fixture with `edit` applied to its databases (a deep copy), as a parsed stack file. */
    function fleetWith(edit: (dbs: Record<string, any>[], region: Record<string, any>) => void) {
        const file = parseStackFile(FLEET, "Pulumi.fleet.yaml");
        const copy = structuredClone(file.raw) as { databases: Record<string, any>[]; region: Record<string, any> };
        edit(copy.databases, copy.region);
        return { ...file, raw: { ...file.raw, databases: copy.databases, region: copy.region } };
    }
    const before = fleetWith(() => undefined);

    it("allows growing, keeping the AZ and removing a decommissioned entry", () => {
        const retiring = fleetWith((dbs) => (dbs[2].state = "decommissioned"));
        assert.deepEqual(refusals(retiring, fleetWith((dbs) => {
            dbs[0].volume.sizeGiB = 300;
            dbs.splice(2, 1);
        })).reasons, []);
    });

    it("refuses what the program refuses: a shrink (the region default counts), an AZ move, removing a live database", () => {
        const { reasons } = refusals(before, fleetWith((dbs) => {
            dbs[0].volume.sizeGiB = 100;
            dbs[1].volume = { sizeGiB: 20 };
            dbs[1].availabilityZone = "eu-central-1b";
            dbs.splice(2, 1);
        }));
        assert.equal(reasons.length, 4, reasons.join("\n"));
        assert.match(reasons.join("\n"), /database "alpha-metrics": volume\.sizeGiB = 100: the volume has 200 GiB and EBS volumes cannot shrink/);
        assert.match(reasons.join("\n"), /database "bravo-ticks": volume\.sizeGiB = 20: the volume has 50 GiB/);
        assert.match(reasons.join("\n"), /database "bravo-ticks": availabilityZone = "eu-central-1b": the data volume lives in eu-central-1a/);
        assert.match(reasons.join("\n"), /database "charlie-logs": \(entry\) = "\(removed\)": the entry was removed while the database is active/);
    });

    it("issue 17.1: refuses a restore snapshot on an existing database and a major downgrade, as the program does", () => {
        const { reasons } = refusals(before, fleetWith((dbs) => {
            dbs[0].restoreFromSnapshot = "snap-0123456789abcdef0";
            dbs[1].questdbVersion = "7.4.2";
        }));
        assert.equal(reasons.length, 2, reasons.join("\n"));
        assert.match(reasons[0], /database "alpha-metrics": restoreFromSnapshot = "snap-0123456789abcdef0": a volume is restored from a snapshot only when it is created/);
        assert.match(reasons[1], /database "bravo-ticks": questdbVersion = "7\.4\.2": this downgrades 8\.2\.3 across a major version/);
    });

    it("issue 17.8: a removed id never comes back, even when it is taken out of retiredIds in the same edit", () => {
        const retired = fleetWith((dbs, region) => {
            dbs.splice(2, 1);
            region.retiredIds = ["charlie-logs"];
        });
        const readded = fleetWith((_, region) => (region.retiredIds = ["charlie-logs"]));
        assert.match(refusals(retired, readded).reasons.join("\n"), /database "charlie-logs": id = "charlie-logs": was the id of a removed database/);
        const forgotten = fleetWith(() => undefined);
        assert.match(refusals(retired, forgotten).reasons.join("\n"), /database "charlie-logs": id = "charlie-logs": was the id of a removed database; ids are never reused/);
    });

    it("blocks only the problems an edit introduces", () => {
        const file = parseStackFile(FLEET, "Pulumi.fleet.yaml");
        const databases = file.raw.databases as Record<string, unknown>[];
        const broken = { ...file.raw, databases: [...databases, { id: "delta-db", availabilityZone: "eu-central-1z" }] };
        assert.deepEqual(validationDelta(file.raw, file.raw), { introduced: [], preexisting: [] });
        const delta = validationDelta(file.raw, broken);
        assert.equal(delta.introduced.length, 1);
        assert.match(delta.introduced[0], /database "delta-db": availabilityZone = "eu-central-1z": has no subnet/);
        const worse = { ...broken, databases: [...(broken.databases as unknown[]), { id: "echo-db", availabilityZone: "eu-central-1a", instanceType: "m7i.hugest" }] };
        const next = validationDelta(broken, worse);
        assert.equal(next.preexisting.length, 1);
        assert.equal(next.introduced.length, 1);
        assert.match(next.introduced[0], /database "echo-db": instanceType/);
    });
});

describe("qdb text diff", () => {
    it("keeps the original bytes outside the edit, even where yaml would normalise them", () => {
        const original = "a: 1   # wide comment\nb: 2\nc: 3\n";
        const rendered = "a: 1 # wide comment\nb: 2\nc: 3\n";
        const edited = "a: 1 # wide comment\nb: 5\nc: 3\n";
        assert.equal(spliceEdit(original, rendered, edited), "a: 1   # wide comment\nb: 5\nc: 3\n");
        assert.equal(spliceEdit(original, rendered, rendered), original);
    });

    it("writes a unified diff with context and correct hunk ranges", () => {
        const before = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n";
        const after = "l1\nl2\nl3\nl4\nL5\nl6\nl7\nl8\n";
        assert.equal(unifiedDiff(before, after, "f.yaml"),
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n");
        assert.equal(unifiedDiff("a\n", "a\nb\n", "f"), "--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n a\n+b\n");
        assert.equal(unifiedDiff(before, before, "f"), "");
    });
});
