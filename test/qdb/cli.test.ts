/**
 * qdb end to end, as an operator runs it: the launcher npm links into node_modules/.bin, spawned
 * as a child process, on temp copies (and, read-only, on the shipped stacks).
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { stackText, tempProject } from "./helpers";

import { LAUNCHER, PROJECT_DIR, spawnQdb as spawn } from "./spawn";

const spawnQdb = (cwd: string, ...argv: string[]) => spawn(cwd, argv);

describe("qdb CLI", () => {
    it("is linked as a bin by npm (npx qdb), pointing at the launcher", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        assert.equal(manifest.devDependencies.qdb, "file:tools/qdb-bin");
        assert.equal(manifest.scripts.qdb, "node tools/launch.js qdb");
        const bin = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tools", "qdb-bin", "package.json"), "utf8")).bin;
        assert.equal(path.resolve(PROJECT_DIR, "tools", "qdb-bin", bin.qdb), LAUNCHER);
        const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8"));
        assert.deepEqual(lock.packages["node_modules/qdb"], { resolved: "tools/qdb-bin", link: true });
    });

    it("validate --all passes over the shipped stacks", () => {
        const result = spawnQdb(PROJECT_DIR, "validate", "--all");
        assert.equal(result.code, 0, result.err);
        const shipped = fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
        assert.ok(shipped.length >= 2);
        for (const file of shipped) {
            assert.match(result.out, new RegExp(`ok: stack "${file.slice(7, -5)}"`));
        }
    });

    it("writes an edit and prints what it did, from the project dir", () => {
        const dir = tempProject("fleet");
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const result = spawnQdb(dir, "set", "--stack", "fleet", "charlie-logs", "volume.sizeGiB=60", "--no-impact");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /Pulumi\.fleet\.yaml: set volume\.sizeGiB=60 on database "charlie-logs"\./);
        assert.match(stackText(dir, "fleet"), /- id: charlie-logs\n {6}availabilityZone: eu-central-1b\n {6}volume:\n {8}sizeGiB: 60\n$/);
    });

    it("fails with a message and no stack trace for expected errors", () => {
        const dir = tempProject("broken");
        const malformed = spawnQdb(dir, "list", "--stack", "broken");
        assert.equal(malformed.code, 2, "invalid config: the code synth and impact give (tools/exitCodes.ts)");
        assert.match(malformed.err, /^qdb: .*Pulumi\.broken\.yaml:\d+:\d+: malformed YAML/);
        assert.doesNotMatch(malformed.err, /\n\s+at /);
        const usage = spawnQdb(dir, "frobnicate");
        assert.equal(usage.code, 2);
        assert.match(usage.err, /unknown command "frobnicate"/);
    });
});

describe("qdb impact summary", () => {
    it("prints the impact report's summary after a write", { timeout: 120_000 }, () => {
        const dir = tempProject("fleet");
        const result = spawnQdb(dir, "set", "--stack", "fleet", "charlie-logs", "instanceType=m7i.xlarge");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /set instanceType="m7i\.xlarge" on database "charlie-logs"\.\n/);
        assert.match(result.out, /^\s*charlie-logs\s+\S+/m, "the summary names the touched database");
        assert.doesNotMatch(result.out, /alpha-metrics|bravo-ticks/, "untouched databases are not listed");
        assert.doesNotMatch(result.out, /impact report failed/);
    });
});
