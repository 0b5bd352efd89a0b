/** Machine-readable output (`--json` on list and backups) and `list --all`, through the spawned CLI. */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tempProject } from "./helpers";
import { spawnQdb } from "./spawn";

describe("qdb --json and list --all", () => {
    it("list --json gives the validated databases, defaults applied, and the counts", () => {
        const dir = tempProject("fleet");
        const result = spawnQdb(dir, ["list", "--stack", "fleet", "--json", "--project-dir", dir]);
        assert.equal(result.code, 0, result.err);
        const list = JSON.parse(result.out);
        assert.deepEqual(list.databases[1], {
            id: "bravo-ticks", state: "active", availabilityZone: "eu-central-1a", instanceType: "r7g.large",
            sizeGiB: 50, questdbVersion: "8.2.3", channel: null,
        });
        assert.deepEqual(list.perAz, { "eu-central-1a": 2, "eu-central-1b": 1 });
        assert.equal(list.holdingNodeGroup, 3);
        assert.equal(list.maxDatabases, 5);
    });

    it("list --all shows every stack file, and one that does not validate makes exit 1 after the others", () => {
        const dir = tempProject("fleet", "retiring", "broken");
        const text = spawnQdb(dir, ["list", "--all", "--project-dir", dir]);
        assert.equal(text.code, 1);
        const headers = text.out.split("\n").filter((l) => l.startsWith("== stack"));
        assert.deepEqual(headers.map((h) => h.split('"')[1]), ["broken", "fleet", "retiring"]);
        assert.match(text.out, /== stack "retiring" .*\nID .*\nkeeper-db +active +eu-central-1a/);
        assert.match(text.err, /Pulumi\.broken\.yaml:\d+:\d+: malformed YAML/);
        const json = spawnQdb(dir, ["list", "--all", "--json", "--project-dir", dir]);
        assert.equal(json.code, 1);
        const { stacks } = JSON.parse(json.out);
        assert.deepEqual(stacks.map((s: { stack: string; valid: boolean }) => [s.stack, s.valid]), [["broken", false], ["fleet", true], ["retiring", true]]);
        assert.match(stacks[0].message, /malformed YAML/);
        assert.deepEqual(stacks[2].databases.map((d: { id: string; state: string }) => [d.id, d.state]), [["keeper-db", "active"], ["retired-db", "decommissioned"], ["last-db", "active"]]);
    });

    it("backups --json has each database's schedule, CronJob, retention and drill, null where none", () => {
        const dir = tempProject("retiring");
        const result = spawnQdb(dir, ["backups", "--stack", "retiring", "--json", "--project-dir", dir]);
        assert.equal(result.code, 0, result.err);
        const backups = JSON.parse(result.out);
        assert.equal(backups.live, false);
        assert.deepEqual(backups.databases, [
            { id: "keeper-db", state: "active", schedule: "cron(0 3 * * ? *)", cronJob: "0 3 * * *", retainDays: 7, drill: null, newestSnapshot: null },
            { id: "retired-db", state: "decommissioned", schedule: "cron(0 3 * * ? *)", cronJob: null, retainDays: 7, drill: null, newestSnapshot: null },
            { id: "last-db", state: "active", schedule: "cron(0 3 * * ? *)", cronJob: "0 3 * * *", retainDays: 7, drill: null, newestSnapshot: null },
        ]);
    });
});
