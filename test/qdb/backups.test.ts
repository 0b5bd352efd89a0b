import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { validateInventory } from "../../inventory";
import { describeSnapshotsArgs, formatBackups, newestSnapshots, readLiveSnapshots } from "../../tools/qdb/backups";
import { PROJECT_DIR, rawConfigOf, shippedStackBody } from "../support/stacks";
import { qdb } from "./helpers";

const prod = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
const NOW = new Date("2026-12-01T12:00:00Z");
const LISTING = [
    "acme-analytics\t2026-12-01T03:00:05.000Z\tsnap-0aaa",
    "acme-analytics\t2026-11-30T03:00:04.000Z\tsnap-0old",
    "wayne-finance\t2026-11-28T03:00:00.000Z\tsnap-0www",
    "None\t2026-12-01T01:00:00.000Z\tsnap-0untagged",
].join("\n");

const rowOf = (text: string, id: string) => text.split("\n").find((l) => l.startsWith(`${id} `))?.split(/\s{2,}/);

describe("qdb backups", () => {
    it("lists schedule, the CronJob's schedule, retention and drill from config; paused and decommissioned have no CronJob", () => {
        const text = formatBackups(prod, undefined, NOW);
        assert.deepEqual(rowOf(text, "wayne-finance"), ["wayne-finance", "active", "cron(0 3 * * ? *)", "0 3 * * *", "35d", "cron(0 5 ? * SUN *)", "(--live)"]);
        assert.deepEqual(rowOf(text, "tyrell-sensors")?.slice(0, 5), ["tyrell-sensors", "paused", "cron(0 3 * * ? *)", "none (paused)", "7d"]);
        assert.deepEqual(rowOf(text, "oldcorp-archive")?.slice(3, 4), ["none (decommissioned)"]);
        assert.match(text, /NEWEST SNAPSHOT needs AWS credentials for the stack's account: rerun with --live\./);
    });

    it("with --live, each database's newest snapshot and its age; none when it has none", () => {
        const live = { newest: newestSnapshots(LISTING) };
        assert.deepEqual([...live.newest.keys()], ["acme-analytics", "wayne-finance"]);
        const text = formatBackups(prod, live, NOW);
        assert.equal(rowOf(text, "acme-analytics")?.[6], "9.0h ago (snap-0aaa)");
        assert.equal(rowOf(text, "wayne-finance")?.[6], "3.4d ago (snap-0www)");
        assert.equal(rowOf(text, "globex-ticks")?.[6], "none");
    });

    it("asks EBS for the stack's completed snapshots, and reports why when it cannot", () => {
        const calls: string[][] = [];
        const live = readLiveSnapshots("prod", "us-east-1", (args) => (calls.push(args), LISTING));
        assert.deepEqual(calls, [describeSnapshotsArgs("prod", "us-east-1")]);
        assert.ok(calls[0].includes("Name=tag:questdb.cloud/stack,Values=prod") && calls[0].includes("Name=status,Values=completed"));
        assert.ok("newest" in live && live.newest.size === 2);
        const failed = readLiveSnapshots("prod", "us-east-1", () => {
            throw Object.assign(new Error("exit 255"), { stderr: "\nUnable to locate credentials. You can configure credentials by running \"aws configure\".\n" });
        });
        assert.deepEqual(failed, { error: "Unable to locate credentials. You can configure credentials by running \"aws configure\"." });
        assert.match(formatBackups(prod, failed, NOW), /NEWEST SNAPSHOT could not be read: Unable to locate credentials/);
    });

    it("runs from the command line, and --live exits 1 when the AWS CLI fails", async () => {
        const offline = await qdb(PROJECT_DIR, "backups", "--stack", "prod");
        assert.equal(offline.code, 0, offline.err);
        assert.match(offline.out, /^ID\s+STATE\s+SCHEDULE \(UTC\)\s+CRONJOB\s+RETAIN\s+DRILL\s+NEWEST SNAPSHOT/);
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-aws-"));
        fs.writeFileSync(path.join(bin, "aws"), "#!/bin/sh\necho 'Unable to locate credentials' >&2\nexit 255\n", { mode: 0o755 });
        const savedPath = process.env.PATH;
        process.env.PATH = `${bin}:${savedPath}`;
        try {
            const live = await qdb(PROJECT_DIR, "backups", "--stack", "prod", "--live");
            assert.equal(live.code, 1);
            assert.match(live.out, /could not be read: Unable to locate credentials/);
        } finally {
            process.env.PATH = savedPath;
        }
    });
});
