/**
 * Every command a refusal or a note suggests runs as printed and succeeds from the state it was
 * printed in (issue 26.3, 26.4). Each case makes the tools print a hint, takes every backticked
 * command out of the message, runs them in order in the same project (a multi-step way out is
 * followed step by step; "deploy that" is the offline base moving on, which every qdb write
 * already does), and checks where they end. qdb runs spawned through the launcher npm links,
 * with `--no-impact` appended to keep the case fast (the impact report runs once, in its own
 * case); `npm run impact` runs as npm runs it, in the project directory.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { FIXTURES, tempProject } from "./helpers";
import { followHints as followPrinted, shellWords, suggestedCommands } from "./shellWords";
import { PROJECT_DIR, Spawned, spawnQdb } from "./spawn";

/** A Wednesday morning (UTC): no window of the fixtures is open. */
const OUTSIDE_WINDOWS = "2026-12-02T10:00:00Z";

/** A temp project (fixtures and Pulumi.yaml) committed to a git repository of its own. */
function gitProject(...stacks: string[]): string {
    const dir = tempProject(...stacks);
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const git = (...args: string[]) => {
        const r = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
    };
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "base");
    return dir;
}

/** Runs one printed command in `dir` (qdb with --no-impact), as a shell would. */
function runPrinted(dir: string, command: string): Spawned {
    const words = shellWords(command);
    if (words[0] === "npx" && words[1] === "qdb") {
        // set and promote read the clock against maintenance windows: a fixed instant outside every window keeps the case deterministic.
        const clock = ["set", "promote"].includes(words[2]) ? ["--now", OUTSIDE_WINDOWS] : [];
        return spawnQdb(dir, [...words.slice(2), "--no-impact", ...clock]);
    }
    if (words[0] === "npm" && words[1] === "run" && words[2] === "impact" && words[3] === "--") {
        const r = spawnSync(process.execPath, [path.join(PROJECT_DIR, "tools", "launch.js"), "impact", ...words.slice(4)],
            { cwd: PROJECT_DIR, encoding: "utf8", timeout: 120_000 });
        return { code: r.status, out: r.stdout, err: r.stderr };
    }
    assert.ok(["git", "chmod"].includes(words[0]), `no way to run ${command} here`);
    const r = spawnSync(words[0], words.slice(1), { cwd: dir, encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs every command the message suggests, in order, in `dir`; each must exit `expected` (0 unless said). */
function followHints(dir: string, message: string, expected?: (command: string) => number): string[] {
    return followPrinted(message, (command) => runPrinted(dir, command), expected);
}

type Entry = Record<string, unknown> & { id: string };
const databases = (dir: string, stack: string): Entry[] =>
    (parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")).config["questdb-cloud:databases"] as Entry[]);
const entryOf = (dir: string, stack: string, id: string) => databases(dir, stack).find((d) => d.id === id);
const retiredIds = (dir: string, stack: string): string[] =>
    (parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")).config["questdb-cloud:region"].retiredIds ?? []) as string[];

describe("every hint runs as printed and succeeds", () => {
    it("remove of an active database: pause, decommission and remove, each as printed, end with the id retired", () => {
        const dir = gitProject("fleet");
        const refused = spawnQdb(dir, ["remove", "--stack", "fleet", "alpha-metrics", "--no-impact"]);
        assert.equal(refused.code, 1);
        const commands = followHints(dir, refused.err);
        assert.deepEqual(commands.map((c) => shellWords(c)[2]), ["pause", "decommission", "remove"]);
        assert.equal(entryOf(dir, "fleet", "alpha-metrics"), undefined);
        assert.ok(retiredIds(dir, "fleet").includes("alpha-metrics"));
    });

    it("decommission of an active database: the printed pause, then the printed decommission", () => {
        const dir = gitProject("fleet");
        const refused = spawnQdb(dir, ["decommission", "--stack", "fleet", "bravo-ticks", "--no-impact"]);
        assert.equal(refused.code, 1);
        const commands = followHints(dir, refused.err);
        assert.deepEqual(commands.map((c) => shellWords(c)[2]), ["pause", "decommission"]);
        assert.equal(entryOf(dir, "fleet", "bravo-ticks")?.state, "decommissioned");
    });

    it("a hand-deleted active entry, refused by validate against the committed file: git checkout, then each qdb step", () => {
        const dir = gitProject("fleet");
        const file = path.join(dir, "Pulumi.fleet.yaml");
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, text.replace(/\n {4}- id: alpha-metrics\n(?: {6}.*\n)+/, "\n"));
        assert.equal(entryOf(dir, "fleet", "alpha-metrics"), undefined, "the fixture edit removed the entry");
        const refused = spawnQdb(dir, ["validate", "--stack", "fleet"]);
        assert.equal(refused.code, 5, refused.err);
        const commands = followHints(dir, refused.err);
        assert.deepEqual(commands.map((c) => shellWords(c).slice(0, 3).join(" ")),
            ["git checkout --", "npx qdb pause", "npx qdb decommission", "npx qdb remove"]);
        assert.equal(entryOf(dir, "fleet", "alpha-metrics"), undefined);
        assert.ok(retiredIds(dir, "fleet").includes("alpha-metrics"));
    });

    it("key=null: the printed unset removes the field", () => {
        const dir = gitProject("fleet");
        assert.equal(spawnQdb(dir, ["set", "--stack", "fleet", "alpha-metrics", "instanceType=m7i.2xlarge", "--no-impact"]).code, 0);
        const refused = spawnQdb(dir, ["set", "--stack", "fleet", "alpha-metrics", "instanceType=null", "--no-impact"]);
        assert.equal(refused.code, 2, "a usage error");
        followHints(dir, refused.err);
        assert.equal(entryOf(dir, "fleet", "alpha-metrics")?.instanceType, undefined);
    });

    it("a number where a string is meant: the printed quoted set writes the string", () => {
        const dir = gitProject("windows");
        const refused = spawnQdb(dir, ["set", "--stack", "windows", "alpha-metrics", "maintenanceOverride=2026", "--no-impact"]);
        assert.equal(refused.code, 1);
        assert.match(refused.err, /quote it/);
        followHints(dir, refused.err);
        assert.equal(entryOf(dir, "windows", "alpha-metrics")?.maintenanceOverride, "2026");
    });

    it("a refused edit of a windowed database prints no pending note: its override command would be refused too", () => {
        const dir = gitProject("windows");
        const refused = spawnQdb(dir, ["set", "--stack", "windows", "alpha-metrics", "channel=8", "--no-impact"]);
        assert.equal(refused.code, 1);
        assert.doesNotMatch(refused.err, /pending:|maintenanceOverride/);
    });

    it("an unknown id: the printed list runs", () => {
        const dir = gitProject("fleet");
        const refused = spawnQdb(dir, ["set", "--stack", "fleet", "alpha-metrix", "volume.sizeGiB=500", "--no-impact"]);
        assert.equal(refused.code, 1);
        followHints(dir, refused.err);
    });

    it("a disruptive set on a windowed database: the printed override applies it now", () => {
        const dir = gitProject("windows");
        const written = spawnQdb(dir, ["set", "--stack", "windows", "alpha-metrics", "instanceType=m7i.2xlarge", "--no-impact", "--now", OUTSIDE_WINDOWS]);
        assert.equal(written.code, 0, written.err);
        assert.match(written.out + written.err, /written under pending:/);
        assert.equal(spawnSync("git", ["checkout", "--", "Pulumi.windows.yaml"], { cwd: dir }).status, 0);
        followHints(dir, written.out + written.err);
        const entry = entryOf(dir, "windows", "alpha-metrics");
        assert.equal(entry?.instanceType, "m7i.2xlarge");
        assert.equal(entry?.maintenanceOverride, "<reason>");
    });

    it("a hand edit that would restart a windowed database now: each way out, wait or override, runs as printed", () => {
        const handEdited = (dir: string) => {
            const file = path.join(dir, "Pulumi.windows.yaml");
            const text = fs.readFileSync(file, "utf8");
            fs.writeFileSync(file, text.replace('      maintenanceWindow: "sun 02:00-04:00"', '      instanceType: m7i.2xlarge\n      maintenanceWindow: "sun 02:00-04:00"'));
            const refused = spawnQdb(dir, ["validate", "--stack", "windows"]);
            assert.equal(refused.code, 5, refused.out + refused.err);
            assert.match(refused.err, /instanceType m7i\.large -> m7i\.2xlarge would restart or move the database now/);
            return refused.err;
        };
        const waiting = gitProject("windows");
        const [wait, now] = handEdited(waiting).split("or, to apply it now");
        const commands = followHints(waiting, wait);
        assert.deepEqual(commands.map((c) => shellWords(c).slice(0, 3).join(" ")), ["git checkout --", "npx qdb set", "npx qdb promote"]);
        assert.equal(entryOf(waiting, "windows", "alpha-metrics")?.instanceType, undefined);
        assert.deepEqual(entryOf(waiting, "windows", "alpha-metrics")?.pending, { instanceType: "m7i.2xlarge" });
        const overriding = gitProject("windows");
        assert.equal(handEdited(overriding).split("or, to apply it now")[1], now, "the same refusal in both copies");
        followHints(overriding, now);
        assert.equal(entryOf(overriding, "windows", "alpha-metrics")?.maintenanceOverride, "<reason>");
        const accepted = spawnQdb(overriding, ["validate", "--stack", "windows"]);
        assert.equal(accepted.code, 0, accepted.err);
    });

    it("promote on a file that does not validate: the printed validate runs and lists the problem (exit 2, as for any invalid config)", () => {
        const dir = gitProject("windows");
        const file = path.join(dir, "Pulumi.windows.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("sizeGiB: 200    # do not shrink", "sizeGiB: -5"));
        const refused = spawnQdb(dir, ["promote", "--stack", "windows", "--now", OUTSIDE_WINDOWS]);
        assert.notEqual(refused.code, 0);
        followHints(dir, refused.err, () => 2);
        const validate = spawnQdb(dir, ["validate", "--stack", "windows"]);
        assert.match(validate.err, /database "alpha-metrics": volume\.sizeGiB = -5/);
    });

    it("status without a pulumi CLI: the printed status from a file runs", () => {
        const dir = gitProject("fleet");
        fs.copyFileSync(path.join(FIXTURES, "outputs.fleet.json"), path.join(dir, "outputs.json"));
        const refused = spawnQdb(dir, ["status", "--stack", "fleet"], { PATH: path.dirname(process.execPath) });
        assert.equal(refused.code, 1, refused.err);
        // The pulumi command that writes outputs.json needs the CLI and credentials; the rest runs here.
        const runnable = suggestedCommands(refused.err).filter((c) => !c.startsWith("pulumi "));
        assert.equal(runnable.length, 1);
        followHints(dir, `\`${runnable[0]}\``);
    });

    it("a read-only file: the printed chmod, then the same edit, succeeds", () => {
        const dir = gitProject("fleet");
        const file = path.join(dir, "Pulumi.fleet.yaml");
        fs.chmodSync(file, 0o444);
        const argv = ["set", "--stack", "fleet", "alpha-metrics", "volume.sizeGiB=300", "--no-impact"];
        const refused = spawnQdb(dir, argv);
        assert.equal(refused.code, 1);
        const chmod = /\(chmod u\+w ([^)]+)\)/.exec(refused.err);
        assert.ok(chmod, refused.err);
        followHints(dir, `\`chmod u+w ${chmod[1]}\``);
        assert.equal(spawnQdb(dir, argv).code, 0);
        assert.equal((entryOf(dir, "fleet", "alpha-metrics")?.volume as { sizeGiB: number }).sizeGiB, 300);
    });

    it("--no-impact's pointer: the printed impact command runs, against HEAD and for a dry run", () => {
        const dir = gitProject("fleet");
        const written = spawnQdb(dir, ["set", "--stack", "fleet", "alpha-metrics", "volume.sizeGiB=300", "--no-impact"]);
        assert.equal(written.code, 0, written.err);
        assert.match(written.out, /--config-file .*Pulumi\.fleet\.yaml --base HEAD/);
        followHints(dir, written.out);
        const dry = spawnQdb(dir, ["set", "--stack", "fleet", "bravo-ticks", "volume.sizeGiB=300", "--no-impact", "--dry-run"]);
        assert.equal(dry.code, 0, dry.err);
        assert.match(dry.out, /--before .* --after .* --stack fleet/);
        followHints(dir, dry.out);
    });
});

describe("hint parsing", () => {
    it("splits quoted words as sh does and finds only command spans", () => {
        assert.deepEqual(shellWords(`npx qdb set --stack a b 'channel="2026"' x="a b"`), ["npx", "qdb", "set", "--stack", "a", "b", "channel=\"2026\"", "x=a b"]);
        assert.deepEqual(suggestedCommands("set `state: paused` (`npx qdb pause --stack a b`) and `channel`"), ["npx qdb pause --stack a b"]);
        assert.throws(() => suggestedCommands("Run `qdb list --stack a`"), /bare `qdb`/);
    });
});
