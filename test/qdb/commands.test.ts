/** Each qdb command on temp copies of the fixtures, run in-process; assertions on file bytes and messages. */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { run } from "../../tools/qdb/main";
import { FIXTURES, assertChangedOnlyWithin, entrySpan, qdb, stackText, tempProject } from "./helpers";

function databases(text: string): Record<string, unknown>[] {
    return parse(text).config["questdb-cloud:databases"];
}

/** Runs a refused command and checks the refusal message and that the file kept every byte. */
async function assertRefused(stack: string, argv: string[], reason: RegExp): Promise<void> {
    const dir = tempProject(stack);
    const before = stackText(dir, stack);
    const result = await qdb(dir, ...argv);
    assert.equal(result.code, 1, result.err);
    assert.match(result.err, /refused to write/);
    assert.match(result.err, reason);
    assert.equal(result.out, "");
    assert.equal(stackText(dir, stack), before, "a refused edit must leave the file untouched");
}

describe("qdb list", () => {
    it("shows resolved values, totals per AZ and the count against maxDatabases", async () => {
        const { code, out } = await qdb(tempProject("fleet"), "list", "--stack", "fleet");
        assert.equal(code, 0);
        assert.match(out, /^ID\s+STATE\s+AZ\s+INSTANCE TYPE\s+SIZE \(GiB\)\s+VERSION\s+CHANNEL$/m);
        assert.match(out, /^alpha-metrics\s+active\s+eu-central-1a\s+m7i\.large\s+200\s+8\.2\.3\s+-$/m);
        assert.match(out, /^bravo-ticks\s+active\s+eu-central-1a\s+r7g\.large\s+50\s+8\.2\.3\s+-$/m);
        assert.match(out, /^Per AZ \(decommissioned not counted\): eu-central-1a: 2, eu-central-1b: 1$/m);
        assert.match(out, /^Databases: 3, 3 holding a node group, of maxDatabases 5$/m);
    });
});

describe("qdb add", () => {
    it("puts a new database in the least used AZ, writes the AZ, and changes nothing else", async () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "add", "--stack", "fleet", "delta-db", "--instance-type", "m7i.xlarge", "--size", "80");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /added database "delta-db" in eu-central-1c \(the AZ with the fewest databases\)/);
        // The temp project is in no git repository: the pointer compares a copy of the file before the edit.
        assert.match(result.out, /npm run impact -- --before \S+\/before\/Pulumi\.fleet\.yaml --after \S+\/Pulumi\.fleet\.yaml --stack fleet/);
        const after = stackText(dir, "fleet");
        assert.ok(after.startsWith(before), "existing bytes, comments included, are kept as they were");
        assert.equal(after.slice(before.length),
            "    - id: delta-db\n      availabilityZone: eu-central-1c\n      instanceType: m7i.xlarge\n      volume:\n        sizeGiB: 80\n");
        const second = await qdb(dir, "add", "--stack", "fleet", "echo-db");
        assert.equal(second.code, 0, second.err);
        assert.deepEqual(databases(stackText(dir, "fleet"))[4], { id: "echo-db", availabilityZone: "eu-central-1b" });
    });

    it("uses --az when given", async () => {
        const dir = tempProject("fleet");
        assert.equal((await qdb(dir, "add", "--stack", "fleet", "delta-db", "--az", "eu-central-1a")).code, 0);
        assert.equal(databases(stackText(dir, "fleet"))[3].availabilityZone, "eu-central-1a");
    });

    it("refuses a duplicate id", () =>
        assertRefused("fleet", ["add", "--stack", "fleet", "bravo-ticks"], /database "bravo-ticks": id = "bravo-ticks": appears more than once/));

    it("refuses an entry the validator rejects, with its message", () =>
        assertRefused("fleet", ["add", "--stack", "fleet", "delta-db", "--size", "0"], /database "delta-db": volume\.sizeGiB = 0: is outside the allowed range 1 to 16384 GiB/));

    it("refuses going over maxDatabases", async () => {
        const dir = tempProject("fleet");
        assert.equal((await qdb(dir, "add", "--stack", "fleet", "delta-db")).code, 0);
        assert.equal((await qdb(dir, "add", "--stack", "fleet", "echo-db")).code, 0);
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "add", "--stack", "fleet", "foxtrot-db");
        assert.equal(result.code, 1);
        assert.match(result.err, /region: maxDatabases = 5: the stack lists 6 databases.*, more than maxDatabases allows/);
        assert.equal(stackText(dir, "fleet"), before);
    });
});

describe("qdb set", () => {
    it("sets dotted keys and server.conf keys, touching only that entry", async () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "set", "--stack", "fleet", "bravo-ticks", "volume.sizeGiB=500", "serverConf.query.timeout.sec=120", "questdbVersion=8.2.4");
        assert.equal(result.code, 0, result.err);
        const after = stackText(dir, "fleet");
        assertChangedOnlyWithin(before, after, entrySpan(before, "bravo-ticks"));
        assert.ok(after.includes("      instanceType: r7g.large   # ARM\n"), "the inline comment keeps its spacing");
        const bravo = databases(after)[1];
        assert.deepEqual(bravo.volume, { sizeGiB: 500 });
        assert.deepEqual(bravo.serverConf, { "query.timeout.sec": 120 });
        assert.equal(bravo.questdbVersion, "8.2.4");
    });

    it("edits an allowlist as a list, an empty one included, touching only that entry", async () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "set", "--stack", "fleet", "bravo-ticks", "access.allowedCidrs=[203.0.113.0/24, 2001:db8::/32]");
        assert.equal(result.code, 0, result.err);
        const after = stackText(dir, "fleet");
        assertChangedOnlyWithin(before, after, entrySpan(before, "bravo-ticks"));
        assert.ok(after.includes("allowedCidrs: [ 203.0.113.0/24, 2001:db8::/32 ]") || after.includes("allowedCidrs: [ \"203.0.113.0/24\", \"2001:db8::/32\" ]"), after);
        assert.deepEqual(databases(after)[1].access, { allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] });
        const closed = await qdb(dir, "set", "--stack", "fleet", "bravo-ticks", "access.allowedCidrs=[]");
        assert.equal(closed.code, 0, closed.err);
        assert.deepEqual(databases(stackText(dir, "fleet"))[1].access, { allowedCidrs: [] });
    });

    it("refuses a bad CIDR with the validator's reason and fix", () =>
        assertRefused("fleet", ["set", "--stack", "fleet", "bravo-ticks", "access.allowedCidrs=[10.1.2.3/16]"],
            /database "bravo-ticks": access\.allowedCidrs\[0\] = "10\.1\.2\.3\/16": has host bits set.*"10\.1\.0\.0\/16"/));

    it("refuses a volume shrink", () =>
        assertRefused("fleet", ["set", "--stack", "fleet", "alpha-metrics", "volume.sizeGiB=100"],
            /database "alpha-metrics": volume\.sizeGiB = 100: the volume has 200 GiB and EBS volumes cannot shrink/));

    it("refuses a shrink below the region default", () =>
        assertRefused("fleet", ["set", "--stack", "fleet", "charlie-logs", "volume.sizeGiB=10"], /database "charlie-logs": volume\.sizeGiB = 10: the volume has 50 GiB/));

    it("refuses an AZ change", () =>
        assertRefused("fleet", ["set", "--stack", "fleet", "charlie-logs", "availabilityZone=eu-central-1c"],
            /database "charlie-logs": availabilityZone = "eu-central-1c": the data volume lives in eu-central-1b; an EBS volume cannot move/));

    it("refuses an unknown field with the validator's did-you-mean", () =>
        assertRefused("fleet", ["set", "--stack", "fleet", "charlie-logs", "instanceTyp=m7i.large"], /instanceTyp = "m7i\.large": is not a known field\. Fix: did you mean instanceType\?/));

    it("names the closest id for an unknown one and writes nothing", async () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "set", "--stack", "fleet", "bravo-tick", "volume.sizeGiB=500");
        assert.equal(result.code, 1);
        assert.match(result.err, /^qdb: .*Pulumi\.fleet\.yaml: no database with id "bravo-tick" in questdb-cloud:databases; did you mean "bravo-ticks"\?/);
        assert.equal(stackText(dir, "fleet"), before);
    });
});

describe("qdb pause, resume, decommission, remove", () => {
    it("sets each state on the entry alone", async () => {
        const dir = tempProject("fleet");
        const original = stackText(dir, "fleet");
        // Decommission from paused: the program refuses it from active (the next test).
        for (const [command, state] of [["pause", "paused"], ["decommission", "decommissioned"], ["resume", "active"]]) {
            const before = stackText(dir, "fleet");
            const result = await qdb(dir, command, "--stack", "fleet", "alpha-metrics");
            assert.equal(result.code, 0, `${command}: ${result.err}`);
            const after = stackText(dir, "fleet");
            assert.equal(databases(after)[0].state, state);
            assertChangedOnlyWithin(before, after, entrySpan(before, "alpha-metrics"));
        }
        assertChangedOnlyWithin(original, stackText(dir, "fleet"), entrySpan(original, "alpha-metrics"));
    });

    it("refuses to decommission an active database, with the pause-first fix the program gives", () =>
        assertRefused("fleet", ["decommission", "--stack", "fleet", "charlie-logs"],
            /stack "fleet", database "charlie-logs": state = "decommissioned": an active database goes to paused before it is decommissioned.*Fix: set `state: paused` \(`npx qdb pause --stack fleet charlie-logs`\) and deploy; then `npx qdb decommission --stack fleet charlie-logs` in a later change/));

    it("resume on an entry without state is a no-op that writes nothing", async () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "resume", "--stack", "fleet", "charlie-logs");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /already so, nothing to change/);
        assert.equal(stackText(dir, "fleet"), before);
    });

    it("refuses to remove a database that is not decommissioned", () =>
        assertRefused("fleet", ["remove", "--stack", "fleet", "charlie-logs"],
            /database "charlie-logs" is active; removing its entry would delete its data\. Fix: run `npx qdb pause --stack fleet charlie-logs`, deploy that, then `npx qdb decommission --stack fleet charlie-logs`, deploy that, then `npx qdb remove --stack fleet charlie-logs`/));

    it("removes a decommissioned database with its comment, keeping every other byte", async () => {
        const dir = tempProject("retiring");
        const before = stackText(dir, "retiring");
        const result = await qdb(dir, "remove", "--stack", "retiring", "retired-db");
        assert.equal(result.code, 0, result.err);
        const span = entrySpan(before, "retired-db");
        const lines = before.split("\n");
        const retired = lines.indexOf("  questdb-cloud:databases:");
        assert.equal(stackText(dir, "retiring"), [...lines.slice(0, retired), "    retiredIds:", "      - retired-db",
            ...lines.slice(retired, span.start), ...lines.slice(span.end)].join("\n"));
    });

    it("issue 17.8: a removed id is recorded and can never be added again; a duplicate id opens with \"appears more than once\"", async () => {
        const dir = tempProject("retiring");
        assert.equal((await qdb(dir, "remove", "--stack", "retiring", "retired-db")).code, 0);
        const before = stackText(dir, "retiring");
        const again = await qdb(dir, "add", "--stack", "retiring", "retired-db");
        assert.equal(again.code, 1);
        assert.match(again.err.split("\n")[1], /database "retired-db": id = "retired-db": was the id of a removed database \(questdb-cloud:region\.retiredIds\); ids are never reused/);
        assert.equal(stackText(dir, "retiring"), before);
        const dir2 = tempProject("fleet");
        const dup = await qdb(dir2, "add", "--stack", "fleet", "bravo-ticks");
        assert.equal(dup.code, 1);
        const reasons = dup.err.split("\n").slice(1);
        assert.match(reasons[0], /database "bravo-ticks": id = "bravo-ticks": appears more than once/);
        assert.doesNotMatch(dup.err, /availabilityZone/, "no unrelated AZ message");
    });
});

describe("qdb --dry-run, bad files, validate", () => {
    it("--dry-run prints a unified diff and writes nothing", async () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = await qdb(dir, "set", "--stack", "fleet", "charlie-logs", "instanceType=m7i.xlarge", "--dry-run");
        assert.equal(result.code, 0, result.err);
        assert.equal(stackText(dir, "fleet"), before);
        assert.match(result.out, /^--- a\/Pulumi\.fleet\.yaml\n\+\+\+ b\/Pulumi\.fleet\.yaml\n@@ -41,3 \+41,4 @@\n     # Region defaults only\.\n     - id: charlie-logs\n       availabilityZone: eu-central-1b\n\+      instanceType: m7i\.xlarge\n/);
        assert.match(result.out, /Dry run: .*Nothing was written\./);
    });

    it("reports malformed YAML with line and column and leaves the file untouched", async () => {
        const dir = tempProject("broken");
        const before = fs.readFileSync(path.join(dir, "Pulumi.broken.yaml"));
        const result = await qdb(dir, "set", "--stack", "broken", "alpha-metrics", "volume.sizeGiB=500");
        assert.equal(result.code, 2);
        assert.match(result.err, /Pulumi\.broken\.yaml:\d+:\d+: malformed YAML/);
        assert.doesNotMatch(result.err, /\n\s+at /, "no stack trace for an expected error");
        assert.deepEqual(fs.readFileSync(path.join(dir, "Pulumi.broken.yaml")), before);
        assert.deepEqual(fs.readdirSync(dir), ["Pulumi.broken.yaml"], "no temp file is left behind");
    });

    it("names a missing stack file", async () => {
        const result = await qdb(tempProject(), "list", "--stack", "nope");
        assert.equal(result.code, 2);
        assert.match(result.err, /Pulumi\.nope\.yaml: no such stack file/);
    });

    it("validate passes a good file, fails a bad one with the program's messages, and --all covers every file", async () => {
        const ok = await qdb(tempProject("fleet"), "validate", "--stack", "fleet");
        assert.equal(ok.code, 0, ok.err);
        assert.match(ok.out, /ok: stack "fleet" .*3 databases/);
        const dir = tempProject("fleet", "broken");
        fs.writeFileSync(path.join(dir, "Pulumi.fleet.yaml"), stackText(dir, "fleet").replace("instanceType: r7g.large", "instanceType: r7g.huge"));
        const all = await qdb(dir, "validate", "--all");
        assert.equal(all.code, 2);
        assert.match(all.err, /Pulumi\.broken\.yaml:\d+:\d+: malformed YAML/);
        assert.match(all.err, /stack "fleet", database "bravo-ticks": instanceType = "r7g\.huge": is not an EC2 instance type/);
    });

    it("--config-file edits any file", async () => {
        const dir = tempProject("fleet");
        const file = path.join(dir, "elsewhere.yaml");
        fs.renameSync(path.join(dir, "Pulumi.fleet.yaml"), file);
        const result = await qdb(dir, "pause", "--config-file", file, "bravo-ticks");
        assert.equal(result.code, 0, result.err);
        assert.equal(databases(fs.readFileSync(file, "utf8"))[1].state, "paused");
        assert.ok(fs.existsSync(path.join(FIXTURES, "Pulumi.fleet.yaml")));
    });
});

describe("issue 17.10: bytes outside the edit are kept", () => {
    /** Writes `text` as Pulumi.fmt.yaml, runs `qdb set` on charlie-logs and returns before and after. */
    async function editFormatted(text: string, ...assignments: string[]): Promise<{ before: string; after: string }> {
        const dir = tempProject();
        fs.writeFileSync(path.join(dir, "Pulumi.fmt.yaml"), text);
        const result = await qdb(dir, "set", "--stack", "fmt", "charlie-logs", ...(assignments.length ? assignments : ["instanceType=m7i.xlarge"]));
        assert.equal(result.code, 0, result.err);
        return { before: text, after: stackText(dir, "fmt") };
    }
    const fleet = fs.readFileSync(path.join(FIXTURES, "Pulumi.fleet.yaml"), "utf8");
    const expected = (text: string) => text.replace("      availabilityZone: eu-central-1b\n", "      availabilityZone: eu-central-1b\n      instanceType: m7i.xlarge\n");

    it("a file ending with a blank line", async () => {
        const { before, after } = await editFormatted(`${fleet}\n`);
        assert.equal(after, expected(before));
    });

    it("a CRLF file stays CRLF", async () => {
        const crlf = fleet.replace(/\n/g, "\r\n");
        const { after } = await editFormatted(crlf);
        assert.equal(after, expected(fleet).replace(/\n/g, "\r\n"));
    });

    it("aligned comments, flow maps and a long secure: value next to the edit", async () => {
        const text = fleet
            .replace("    secure: v1:dGVzdC1vbmx5LWNpcGhlcnRleHQ=", `    secure: v1:${"QUJD".repeat(40)}`)
            .replace("    - id: charlie-logs\n      availabilityZone: eu-central-1b\n",
                "    - id: charlie-logs          # aligned\n      availabilityZone: eu-central-1b   # aligned\n      volume: {sizeGiB: 60, iops: 3000}\n")
            .replace("      serverConf:\n        query.timeout.sec: 60\n", "      serverConf: {query.timeout.sec: 60}\n");
        const { before, after } = await editFormatted(text, "backup.retainDays=9");
        assert.equal(after, before.replace("      volume: {sizeGiB: 60, iops: 3000}\n", "      volume: {sizeGiB: 60, iops: 3000}\n      backup:\n        retainDays: 9\n"));
    });

    it("an edit inside a flow map changes only that line", async () => {
        const text = fleet.replace("      availabilityZone: eu-central-1b\n", "      availabilityZone: eu-central-1b   # aligned\n      volume: {sizeGiB: 60}\n");
        const { before, after } = await editFormatted(text, "volume.sizeGiB=70");
        assert.equal(after, before.replace("      volume: {sizeGiB: 60}\n", "      volume: { sizeGiB: 70 }\n"));
    });
});

describe("issue 17.1: every write goes through the program's transition checks", () => {
    for (const impact of [true, false]) {
        it(`a restore snapshot on an existing database and a major downgrade are refused (${impact ? "with" : "--no-impact,"} the impact report)`, async () => {
            const dir = tempProject("fleet");
            const before = stackText(dir, "fleet");
            for (const [assignment, reason] of [
                ["restoreFromSnapshot=snap-0123456789abcdef0", /restoreFromSnapshot = "snap-0123456789abcdef0": a volume is restored from a snapshot only when it is created/],
                ["questdbVersion=7.4.2", /questdbVersion = "7\.4\.2": this downgrades 8\.2\.3 across a major version/],
            ] as const) {
                const out: string[] = [];
                const err: string[] = [];
                const argv = ["--project-dir", dir, ...(impact ? [] : ["--no-impact"]), "set", "--stack", "fleet", "alpha-metrics", assignment];
                const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, dir);
                assert.equal(code, 1, err.join("\n"));
                assert.match(err.join("\n"), /refused to write .*nothing was changed/);
                assert.match(err.join("\n"), reason);
                assert.deepEqual(out, []);
                assert.equal(stackText(dir, "fleet"), before, "a refused edit leaves the file byte-identical");
            }
        });
    }
});

describe("issue 17.9: messages", () => {
    it("questdbVersion=8.3 and volume.sizeGiB=200.5 suggest no quoting: quoted, they are refused too (issue 26.3)", async () => {
        const dir = tempProject("fleet");
        for (const assignment of ["questdbVersion=8.3", "volume.sizeGiB=200.5"]) {
            const result = await qdb(dir, "set", "--stack", "fleet", "alpha-metrics", assignment);
            assert.equal(result.code, 1);
            assert.doesNotMatch(result.err, /hint|quote it/);
            assert.match(result.err, /Fix: set (questdbVersion to a QuestDB release such as "8\.2\.3"|volume\.sizeGiB to a whole number)/);
        }
    });

    it("suggested commands carry --stack, or --config-file naming the file", async () => {
        const dir = tempProject("fleet");
        const unknown = await qdb(dir, "set", "--stack", "fleet", "bravo-tick", "volume.sizeGiB=500");
        assert.match(unknown.err, /Run `npx qdb list --stack fleet` to see them all/);
        const file = path.join(dir, "Pulumi.fleet.yaml");
        const viaFile = await qdb(dir, "remove", "--config-file", file, "charlie-logs");
        assert.match(viaFile.err, new RegExp(`run \`npx qdb pause --config-file ${file.replace(/[.]/g, "\\.")} charlie-logs\`, deploy that, then \`npx qdb decommission --config-file`));
        const written = await qdb(dir, "set", "--config-file", file, "charlie-logs", "instanceType=m7i.xlarge");
        assert.equal(written.code, 0, written.err);
        assert.match(written.out, new RegExp(`Run \`npm run impact -- --before \\S+ --after ${file.replace(/[.]/g, "\\.")} --stack fleet\``));
    });
});

describe("issue 17.3 through qdb", () => {
    it("a server.conf value with a newline, cairo.root and pg.enabled=false are refused; the file keeps every byte", () =>
        assertRefused("fleet", ["set", "--stack", "fleet", "bravo-ticks", "serverConf.a.b=x\npg.password=hunter2", "serverConf.cairo.root=/tmp/x", "serverConf.pg.enabled=false"],
            /serverConf\.a\.b = "x\\npg\.password=hunter2": the value contains a control character[\s\S]*serverConf\.cairo\.root = "\/tmp\/x": is managed by the program[\s\S]*serverConf\.pg\.enabled = false: is a dangerous key/));
});

describe("issue 17.9: a failed impact report after a write", () => {
    it("says the file was written (or, in a dry run, that nothing was)", { timeout: 120_000 }, async () => {
        const { impactSummary } = await import("../../tools/qdb/impact");
        const { parseStackFile } = await import("../../inventory");
        const good = parseStackFile(fs.readFileSync(path.join(FIXTURES, "Pulumi.fleet.yaml"), "utf8"), "Pulumi.fleet.yaml");
        // Valid for the write, yet the render fails: the config handed to the render has no region.
        const broken = { ...good, config: { ...good.config, "questdb-cloud:region": "{}" } };
        const target = { stack: "fleet", file: "/x/Pulumi.fleet.yaml", flag: "--stack fleet" };
        const loaded = { target, text: "", doc: new (await import("yaml")).Document(), parsed: good };
        const written = await impactSummary(loaded, broken, "", true);
        // /x is in no git repository: the pointer compares a copy of the version before the edit.
        assert.match(written, /^The impact report failed \(.+\); \/x\/Pulumi\.fleet\.yaml was written\. Run `npm run impact -- --before \S+\/before\/Pulumi\.fleet\.yaml --after \/x\/Pulumi\.fleet\.yaml --stack fleet`/);
        assert.match(await impactSummary(loaded, broken, "", false), /; nothing was written \(dry run\)\./);
    });
});
