/**
 * Region-level edits (`qdb set --stack <s> channels.<name>=... defaults.<field>=...`), `qdb unset`,
 * and `key=null` (refused with the unset command), through the spawned CLI; file bytes asserted.
 */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stackText, tempProject } from "./helpers";
import { spawnQdb } from "./spawn";

function qdb(dir: string, ...argv: string[]) {
    return spawnQdb(dir, [...argv, "--project-dir", dir, "--no-impact"]);
}

/** `text` with `old` replaced once, failing when it is not there. */
function replaced(text: string, old: string, now: string): string {
    assert.ok(text.includes(old), `no ${JSON.stringify(old)}`);
    return text.replace(old, now);
}

describe("qdb region-level edits", () => {
    it("set channels.canary=8.2.5 adds the channel and keeps every other byte", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "set", "--stack", "fleet", "channels.canary=8.2.5");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /^Pulumi\.fleet\.yaml: set channels\.canary="8\.2\.5" in the region \(questdb-cloud:region\)\./);
        assert.equal(stackText(dir, "fleet"), replaced(before, '        allowedCidrs: ["0.0.0.0/0"]\n',
            '        allowedCidrs: ["0.0.0.0/0"]\n    channels:\n      canary: 8.2.5\n'));
        const follow = qdb(dir, "set", "--stack", "fleet", "bravo-ticks", "channel=canary");
        assert.equal(follow.code, 0, follow.err);
        const list = JSON.parse(spawnQdb(dir, ["list", "--stack", "fleet", "--json", "--project-dir", dir]).out);
        assert.deepEqual(list.databases[1].questdbVersion, "8.2.5");
    });

    it("set defaults.instanceType changes that one line", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "set", "--stack", "fleet", "defaults.instanceType=m7i.xlarge");
        assert.equal(result.code, 0, result.err);
        assert.equal(stackText(dir, "fleet"), replaced(before, "      instanceType: m7i.large\n", "      instanceType: m7i.xlarge\n"));
    });

    it("a defaults edit that shrinks the databases on the default is refused by the program's transition check", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "set", "--stack", "fleet", "defaults.volume.sizeGiB=40");
        assert.equal(result.code, 1);
        assert.match(result.err, /refused to write \(set defaults\.volume\.sizeGiB=40 in the region \(questdb-cloud:region\)\); nothing was changed:/);
        assert.match(result.err, /database "bravo-ticks": volume\.sizeGiB = 40: the volume has 50 GiB and EBS volumes cannot shrink/);
        assert.match(result.err, /database "charlie-logs": volume\.sizeGiB = 40: the volume has 50 GiB/);
        assert.doesNotMatch(result.err, /alpha-metrics/);
        assert.equal(stackText(dir, "fleet"), before);
    });

    it("a defaults field the validator does not know is refused with its message", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "set", "--stack", "fleet", "defaults.instanceTyp=m7i.xlarge");
        assert.equal(result.code, 1);
        assert.match(result.err, /instanceTyp/);
        assert.equal(stackText(dir, "fleet"), before);
    });

    it("other region fields are not qdb's to edit: usage error, file untouched", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "set", "--stack", "fleet", "clusterName=other");
        assert.equal(result.code, 2);
        assert.match(result.err, /^qdb: clusterName: qdb edits the region's channels\.\*, defaults\.\* and rollout\.\* only/);
        assert.equal(stackText(dir, "fleet"), before);
    });
});

describe("qdb unset and =null", () => {
    it("channel=null is refused (it used to write the string \"null\"), and the printed unset command works", () => {
        const dir = tempProject("fleet");
        assert.equal(qdb(dir, "set", "--stack", "fleet", "channels.canary=8.2.5", "--no-impact").code, 0);
        assert.equal(qdb(dir, "set", "--stack", "fleet", "bravo-ticks", "channel=canary").code, 0);
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "set", "--stack", "fleet", "bravo-ticks", "channel=null");
        assert.equal(result.code, 2);
        assert.equal(stackText(dir, "fleet"), before);
        const hint = /run `npx qdb (unset --stack fleet bravo-ticks channel)`$/.exec(result.err.trim());
        assert.ok(hint, result.err);
        const unset = qdb(dir, ...hint[1].split(" "));
        assert.equal(unset.code, 0, unset.err);
        assert.match(unset.out, /^Pulumi\.fleet\.yaml: unset channel on database "bravo-ticks"\./);
        assert.equal(stackText(dir, "fleet"), replaced(before, "      channel: canary\n", ""));
    });

    it("unset of a server.conf key removes the emptied serverConf map too", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "unset", "--stack", "fleet", "bravo-ticks", "serverConf.query.timeout.sec");
        assert.equal(result.code, 0, result.err);
        assert.equal(stackText(dir, "fleet"), replaced(before, "      serverConf:\n        query.timeout.sec: 60\n", ""));
    });

    it("unset refuses what the program refuses: the default would shrink the volume", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        const result = qdb(dir, "unset", "--stack", "fleet", "alpha-metrics", "volume.sizeGiB");
        assert.equal(result.code, 1);
        assert.match(result.err, /database "alpha-metrics": volume\.sizeGiB = 50: the volume has 200 GiB and EBS volumes cannot shrink/);
        assert.equal(stackText(dir, "fleet"), before);
    });

    it("unset of a region channel, and of a field that is not there", () => {
        const dir = tempProject("fleet");
        const before = stackText(dir, "fleet");
        assert.equal(qdb(dir, "set", "--stack", "fleet", "channels.canary=8.2.5").code, 0);
        const result = qdb(dir, "unset", "--stack", "fleet", "channels.canary");
        assert.equal(result.code, 0, result.err);
        assert.equal(stackText(dir, "fleet"), before, "the emptied channels map goes too");
        const again = qdb(dir, "unset", "--stack", "fleet", "charlie-logs", "channel");
        assert.equal(again.code, 0, again.err);
        assert.match(again.out, /unset channel on database "charlie-logs": already so, nothing to change\./);
        assert.equal(qdb(dir, "unset", "--stack", "fleet", "charlie-logs", "id").code, 2);
        assert.equal(qdb(dir, "unset", "--stack", "fleet", "charlie-logs").code, 2);
        assert.equal(stackText(dir, "fleet"), before);
    });
});
