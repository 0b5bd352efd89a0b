/**
 * `qdb status`: the deployed outputs beside the file, run as an operator runs it (the spawned
 * CLI), from an outputs file and from a `pulumi` on PATH; and the one outputs parser.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parseStackOutputs } from "../../inventory";
import { FIXTURES, tempProject } from "./helpers";
import { spawnQdb } from "./spawn";

const OUTPUTS = path.join(FIXTURES, "outputs.fleet.json");

/** The row of `id` in the status table, its cells split on the two-space gaps. */
function row(out: string, id: string): string[] {
    const line = out.split("\n").find((l) => l.startsWith(`${id} `));
    assert.ok(line, `no row for ${id} in:\n${out}`);
    return line.split(/ {2,}/);
}

describe("qdb status", () => {
    it("shows each database as deployed beside the file, marking every difference", () => {
        const dir = tempProject("fleet");
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--outputs", OUTPUTS, "--project-dir", dir]);
        assert.equal(result.code, 0, result.err);
        assert.deepEqual(row(result.out, "alpha-metrics"),
            ["alpha-metrics", "active", "8.2.3", "100 -> 200 *", "https://alpha-metrics.test.eu-central-1.db.questdb-cloud.example", "volume 100 -> 200 GiB"]);
        assert.deepEqual(row(result.out, "bravo-ticks"),
            ["bravo-ticks", "active", "8.2.3", "50", "https://bravo-ticks.test.eu-central-1.db.questdb-cloud.example", "in sync"]);
        assert.deepEqual(row(result.out, "charlie-logs"), ["charlie-logs", "- -> active *", "- -> 8.2.3 *", "- -> 50 *", "-", "create (active)"]);
        assert.deepEqual(row(result.out, "delta-old"),
            ["delta-old", "decommissioned -> - *", "8.2.3 -> - *", "50 -> - *", "-", "release (entry removed; the volume and final snapshot stay in AWS)"]);
        assert.match(result.out, new RegExp(`Deployed \\(from ${OUTPUTS.replace(/[.]/g, "\\.")}\\) -> the file; \\* marks a difference\\. 3 of 4 database\\(s\\) with pending work\\.`));
    });

    it("--json gives the same comparison, typed", () => {
        const dir = tempProject("fleet");
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--outputs", OUTPUTS, "--json", "--project-dir", dir]);
        assert.equal(result.code, 0, result.err);
        const status = JSON.parse(result.out);
        assert.equal(status.stack, "fleet");
        assert.deepEqual(status.databases.map((d: { id: string }) => d.id), ["alpha-metrics", "bravo-ticks", "charlie-logs", "delta-old"]);
        assert.deepEqual(status.databases[0], {
            id: "alpha-metrics",
            state: { deployed: "active", wanted: "active", differs: false },
            questdbVersion: { deployed: "8.2.3", wanted: "8.2.3", differs: false },
            sizeGiB: { deployed: 100, wanted: 200, differs: true },
            endpoint: "https://alpha-metrics.test.eu-central-1.db.questdb-cloud.example",
            pending: ["volume 100 -> 200 GiB"],
        });
        assert.deepEqual(status.refusals, []);
    });

    it("runs `pulumi stack output --json --stack <s>` in the project when no --outputs is given", () => {
        const dir = tempProject("fleet");
        const bin = fs.mkdtempSync(path.join(dir, "bin-"));
        const log = path.join(dir, "argv.log");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$PWD $*" > ${log}\ncat ${OUTPUTS}\n`, { mode: 0o755 });
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--project-dir", dir], { PATH: `${bin}:${process.env.PATH}` });
        assert.equal(result.code, 0, result.err);
        assert.equal(fs.readFileSync(log, "utf8"), `${fs.realpathSync(dir)} stack output --json --stack fleet\n`);
        assert.match(result.out, /from `pulumi stack output --json --stack fleet`/);
        assert.deepEqual(row(result.out, "bravo-ticks").at(-1), "in sync");
    });

    it("without the pulumi CLI, one line that names --outputs", () => {
        const dir = tempProject("fleet");
        const empty = fs.mkdtempSync(path.join(dir, "empty-"));
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--project-dir", dir], { PATH: empty });
        assert.equal(result.code, 1);
        assert.equal(result.out, "");
        assert.equal(result.err.trimEnd().split("\n").length, 1, result.err);
        assert.match(result.err, /^qdb: cannot read stack "fleet"'s outputs with `pulumi stack output --json --stack fleet` \(the pulumi CLI is not installed\)\. Fix: where the CLI and the backend's credentials are, write them to a file with `pulumi stack output --json --stack fleet > outputs\.json`, then pass the file: `npx qdb status --stack fleet --outputs outputs\.json`\n$/);
    });

    it("without credentials, the CLI's own last line and --outputs", () => {
        const dir = tempProject("fleet");
        const bin = fs.mkdtempSync(path.join(dir, "bin-"));
        fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\necho 'error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions' >&2\nexit 255\n", { mode: 0o755 });
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--project-dir", dir], { PATH: `${bin}:${process.env.PATH}` });
        assert.equal(result.code, 1);
        assert.equal(result.err.trimEnd().split("\n").length, 1, result.err);
        assert.match(result.err, /\(error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\)\. Fix: where the CLI .* `pulumi stack output --json --stack fleet > outputs\.json`, then pass the file: `npx qdb status --stack fleet --outputs outputs\.json`/);
    });

    it("lists what the program would refuse against the outputs", () => {
        const dir = tempProject("fleet");
        const outputs = JSON.parse(fs.readFileSync(OUTPUTS, "utf8"));
        outputs.databases["alpha-metrics"].sizeGiB = 300;
        fs.writeFileSync(path.join(dir, "out.json"), JSON.stringify(outputs));
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--outputs", path.join(dir, "out.json"), "--project-dir", dir]);
        assert.equal(result.code, 0, result.err);
        assert.deepEqual(row(result.out, "alpha-metrics").slice(3, 4), ["300 -> 200 *"]);
        assert.match(result.out, /The program refuses this file against what is deployed \(`pulumi preview` fails\):\n {2}- .*database "alpha-metrics".*volume\.sizeGiB.*the volume has 300 GiB and EBS volumes cannot shrink/);
    });

    it("refuses outputs the program could not read, with the program's message", () => {
        const dir = tempProject("fleet");
        fs.writeFileSync(path.join(dir, "out.json"), JSON.stringify({ databases: { "alpha-metrics": { endpoint: "x" } } }));
        const result = spawnQdb(dir, ["status", "--stack", "fleet", "--outputs", path.join(dir, "out.json"), "--project-dir", dir]);
        assert.equal(result.code, 1);
        assert.match(result.err, /out\.json: .*databases output of the last deployment, "alpha-metrics".*cannot be read/s);
        fs.writeFileSync(path.join(dir, "out.json"), "{ not json");
        const junk = spawnQdb(dir, ["status", "--stack", "fleet", "--outputs", path.join(dir, "out.json"), "--project-dir", dir]);
        assert.equal(junk.code, 1);
        assert.match(junk.err, /out\.json: not JSON .*it must be what `pulumi stack output --json --stack fleet` prints/);
    });
});

describe("parseStackOutputs", () => {
    it("keeps the facts and string handles, and leaves out a handle pulumi printed as a secret", () => {
        const parsed = parseStackOutputs({
            databases: { a: { state: "paused", sizeGiB: 10, endpoint: "[secret]", volumeId: "vol-1", nodeGroupName: 7 } },
            retiredIds: ["old"],
            retainedVolumeIds: { old: "vol-0" },
        }, "prod");
        assert.deepEqual(parsed, { databases: { a: { state: "paused", sizeGiB: 10, volumeId: "vol-1" } }, retiredIds: ["old"], retainedVolumeIds: { old: "vol-0" } });
        assert.deepEqual(parseStackOutputs({}, "prod"), { databases: {}, retiredIds: [], retainedVolumeIds: {} });
        assert.throws(() => parseStackOutputs({ retainedVolumeIds: ["vol-0"] }, "prod"), /retainedVolumeIds output of the last deployment/);
        assert.throws(() => parseStackOutputs([1], "prod"), /stack outputs = \[1\]: are not a JSON object/);
        assert.throws(() => parseStackOutputs({ retiredIds: "x" }, "prod"), /retiredIds output of the last deployment/);
    });
});
