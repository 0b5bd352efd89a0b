/** `qdb move` between cells (tools/qdb/move.ts): both files, the printed state move, the refusals and their exit codes. */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { qdb, stackText, tempProject } from "./helpers";
import { shellWords } from "./shellWords";
import { run } from "../../tools/qdb/main";
import { EXIT_CODES } from "../../tools/exitCodes";
import { USAGE_EXIT } from "../../tools/qdb/errors";
import { offlineInventoryOf, parseStackOutputs, readStackFile } from "../../inventory";
import { stackStatus } from "../../tools/qdb/status";
import { renderInChild, requestFromStackFile } from "../../render";
import { computeImpact, deployedOutputsOf } from "../../tools/impact/report";
import { groupsOf } from "../../tools/impact/group";

const CELLS = path.join(__dirname, "..", "fixtures", "cells");
const [A, B] = ["eu-cell-a", "eu-cell-b"];

/** The two cells; echo pins the drill schedule it inherits in eu-cell-b, which eu-cell-a defaults differently. */
function cellsProject(...extra: string[]): string {
    const dir = rawCellsProject(...extra);
    const file = path.join(dir, `Pulumi.${B}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(ECHO, `${ECHO}${ECHO_DRILL}`));
    return dir;
}

function rawCellsProject(...extra: string[]): string {
    const dir = tempProject(...extra);
    for (const stack of [A, B]) {
        fs.copyFileSync(path.join(CELLS, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    }
    return dir;
}

const ECHO = "    - id: echo\n      availabilityZone: eu-west-1a\n      state: paused\n";
const ECHO_DRILL = "      backup:\n        drill:\n          schedule: \"cron(0 6 ? * SUN *)\"\n";

const entriesOf = (dir: string, stack: string) => (parse(stackText(dir, stack)).config["questdb-cloud:databases"] as Record<string, unknown>[]);
const entry = (dir: string, stack: string, id: string) => entriesOf(dir, stack).find((d) => d.id === id);
const commandsIn = (out: string) => out.split("\n").map((l) => l.trim()).filter((l) => /^(pulumi|npx qdb) /.test(l));

describe("qdb move", () => {
    it("edits both files: a marker in the source, the entry with originStack in the destination", async () => {
        const dir = cellsProject();
        const echo = entry(dir, B, "echo");
        const result = await qdb(dir, "move", "echo", "--from", B, "--to", A);
        assert.equal(result.code, 0, result.err);
        assert.deepEqual(entry(dir, B, "echo"), { id: "echo", movedTo: A });
        assert.deepEqual(entry(dir, A, "echo"), { ...echo, originStack: B });
        // The marker stands where the entry stood; the other entries keep their place and bytes.
        assert.deepEqual(entriesOf(dir, B).map((d) => d.id), ["charlie", "delta", "echo"]);
        assert.ok(stackText(dir, A).startsWith(fs.readFileSync(path.join(CELLS, `Pulumi.${A}.yaml`), "utf8").trimEnd()), "the destination only gains lines");
        const validated = await qdb(dir, "validate", "--all");
        assert.equal(validated.code, 0, validated.err);
    });

    it("prints one state move naming every resource of the database, from the program's names, and its way back", async () => {
        const dir = cellsProject();
        const source = readStackFile(path.join(dir, `Pulumi.${B}.yaml`));
        const result = await qdb(dir, "move", "echo", "--from", B, "--to", A);
        assert.equal(result.code, 0, result.err);
        const [move, previewB, previewA, back, qdbBack] = commandsIn(result.out);
        const words = shellWords(move);
        assert.deepEqual(words.slice(0, 7), ["pulumi", "state", "move", "--source", B, "--dest", A]);
        assert.equal(words[7], "--yes");
        const urns = words.slice(8);
        const render = await renderInChild({ ...requestFromStackFile(source, false), previousOutputs: deployedOutputsOf(source) });
        const groups = groupsOf(render);
        const echoNames = render.resources.filter((r) => groups.get(r.name) === "echo").map((r) => r.name);
        assert.deepEqual(urns.map((u) => u.split("::").pop()).sort(), [...echoNames].sort(), "every resource of echo, nothing else");
        assert.ok(urns.includes(`urn:pulumi:${B}::questdb-cloud::questdb-cloud:index:QuestDbDeployment::echo`));
        assert.ok(urns.includes(`urn:pulumi:${B}::questdb-cloud::questdb-cloud:index:QuestDbDeployment$aws:ebs/volume:Volume::echo-volume`));
        assert.ok(urns.every((u) => u.startsWith(`urn:pulumi:${B}::questdb-cloud::`)));
        assert.deepEqual([previewB, previewA], [`pulumi preview --stack ${B}`, `pulumi preview --stack ${A}`]);
        assert.deepEqual(shellWords(back).slice(8), urns.map((u) => u.replace(`urn:pulumi:${B}::`, `urn:pulumi:${A}::`)));
        assert.equal(qdbBack, `npx qdb move echo --from ${A} --to ${B} --no-impact`);
    });

    it("the printed way back restores the files: the destination's marker becomes the entry again, without originStack", async () => {
        const dir = cellsProject();
        const original = stackText(dir, B);
        assert.equal((await qdb(dir, "move", "echo", "--from", B, "--to", A)).code, 0);
        const back = await qdb(dir, "move", "echo", "--from", A, "--to", B);
        assert.equal(back.code, 0, back.err);
        assert.deepEqual(parse(stackText(dir, B)), parse(original));
        assert.deepEqual(entry(dir, A, "echo"), { id: "echo", movedTo: B });
    });

    it("refuses a move to a cell on another cluster: a migration, not a move; exit 1, nothing written", async () => {
        const dir = cellsProject("fleet");
        const before = [stackText(dir, B), stackText(dir, "fleet")];
        const result = await qdb(dir, "move", "echo", "--from", B, "--to", "fleet");
        assert.equal(result.code, EXIT_CODES.failed);
        assert.match(result.err, /is on cluster eu-west-1\/qdb-cells-eu-west-1 and .*Pulumi\.fleet\.yaml on cluster /);
        assert.match(result.err, /`pulumi state move` keeps each moved resource's provider/);
        assert.match(result.err, /A move between clusters is a migration, not a move/);
        assert.deepEqual([stackText(dir, B), stackText(dir, "fleet")], before);
    });

    it("refuses what the destination would render differently or what has nothing to move, with the reason", async () => {
        const dir = cellsProject();
        const cases: [string, string, RegExp][] = [
            [B, "delta", /runs on Karpenter: its NodePool names its cell's EC2NodeClass/],
            [B, "charlie", /has a restore drill \(backup.drill\): its drill CronJob lives in its cell's drills namespace/],
            [A, "nope", /has no database "nope"/],
        ];
        for (const [from, id, reason] of cases) {
            const result = await qdb(dir, "move", id, "--from", from, "--to", from === A ? B : A);
            assert.equal(result.code, EXIT_CODES.failed, `${id}: ${result.out}`);
            assert.match(result.err, reason);
            assert.match(result.err, /nothing was changed/);
        }
        assert.equal(stackText(dir, B), fs.readFileSync(path.join(CELLS, `Pulumi.${B}.yaml`), "utf8").replace(ECHO, `${ECHO}${ECHO_DRILL}`));
    });

    it("refuses a setting the destination's defaults would change, with the qdb set that pins it; following it, the move goes through", async () => {
        const dir = rawCellsProject();
        const refused = await qdb(dir, "move", "echo", "--from", B, "--to", A);
        assert.equal(refused.code, EXIT_CODES.failed);
        assert.match(refused.err, /backup\.drill\.schedule is "cron\(0 6 \? \* SUN \*\)" in eu-cell-b but would be "cron\(0 5 \? \* SUN \*\)" in eu-cell-a \(the entry inherits it from its region\)/);
        const [fix] = [...refused.err.matchAll(/`(npx qdb [^`]+)`/g)].map((m) => m[1]);
        assert.equal(fix, "npx qdb set --stack eu-cell-b echo 'backup.drill.schedule=cron(0 6 ? * SUN *)'");
        assert.equal((await qdb(dir, ...shellWords(fix).slice(2))).code, 0);
        const moved = await qdb(dir, "move", "echo", "--from", B, "--to", A);
        assert.equal(moved.code, 0, moved.err);
        assert.deepEqual((entry(dir, A, "echo")?.backup as { drill: unknown }).drill, { schedule: "cron(0 6 ? * SUN *)" });
    });

    it("impact of the destination alone finds the move in the sibling's marker", async () => {
        const dir = cellsProject();
        const before = readStackFile(path.join(dir, `Pulumi.${A}.yaml`));
        assert.equal((await qdb(dir, "move", "echo", "--from", B, "--to", A)).code, 0);
        const report = await computeImpact(before, readStackFile(path.join(dir, `Pulumi.${A}.yaml`)));
        const echo = report.databases.find((d) => d.id === "echo");
        assert.deepEqual([echo?.kind, echo?.lifecycle, echo?.resources.length], ["moved-in", "moved from eu-cell-b", 0]);
        assert.equal(report.dataAtRisk, false);
    });

    it("refuses a second move of a marker, a move onto an entry of the same id, and a decommissioned database", async () => {
        const dir = cellsProject();
        const clash = cellsProject();
        const clashFile = path.join(clash, `Pulumi.${B}.yaml`);
        fs.writeFileSync(clashFile, `${fs.readFileSync(clashFile, "utf8").trimEnd()}\n    - id: alpha\n      availabilityZone: eu-west-1b\n`);
        const onto = await qdb(clash, "move", "alpha", "--from", A, "--to", B);
        assert.equal(onto.code, EXIT_CODES.failed);
        assert.match(onto.err, /Pulumi\.eu-cell-b\.yaml already has a database "alpha"/);
        assert.equal((await qdb(dir, "move", "echo", "--from", B, "--to", A)).code, 0);
        const again = await qdb(dir, "move", "echo", "--from", B, "--to", A);
        assert.equal(again.code, EXIT_CODES.failed);
        assert.match(again.err, /already moved from eu-cell-b to eu-cell-a/);
        assert.equal((await qdb(dir, "decommission", "--stack", A, "echo")).code, 0);
        const gone = await qdb(dir, "move", "echo", "--from", A, "--to", B);
        assert.equal(gone.code, EXIT_CODES.failed);
        assert.match(gone.err, /is decommissioned: .*`npx qdb remove --stack eu-cell-a echo`/);
    });

    it("usage errors exit 2; --dry-run prints both diffs and writes nothing", async () => {
        const dir = cellsProject();
        assert.equal((await qdb(dir, "move", "echo", "--from", B)).code, USAGE_EXIT);
        assert.equal((await qdb(dir, "move", "--from", B, "--to", A)).code, USAGE_EXIT);
        assert.equal((await qdb(dir, "move", "echo", "--from", B, "--to", B)).code, USAGE_EXIT);
        const before = [stackText(dir, A), stackText(dir, B)];
        const dry = await qdb(dir, "move", "echo", "--from", B, "--to", A, "--dry-run");
        assert.equal(dry.code, 0, dry.err);
        assert.match(dry.out, /\+ {6}movedTo: eu-cell-a/);
        assert.match(dry.out, /\+ {6}originStack: eu-cell-b/);
        assert.deepEqual([stackText(dir, A), stackText(dir, B)], before);
    });

    it("its impact: moved out of the source, moved in to the destination, nothing at risk", async () => {
        const dir = cellsProject();
        const out: string[] = [];
        const code = await run(["--project-dir", dir, "move", "echo", "--from", B, "--to", A], { out: (t) => out.push(t), err: (t) => out.push(t) }, dir);
        assert.equal(code, 0, out.join("\n"));
        const text = out.join("\n");
        assert.match(text, /^eu-cell-b: .*\n(.*\n)*? {2}echo +moved-out +downtime: none/m);
        assert.match(text, /^eu-cell-a: .*\n(.*\n)*? {2}echo +moved-in +downtime: none/m);
        assert.match(text, /Moved in \(echo\): its resources come from eu-cell-b's state by pulumi state move; none of them changes here/);
        assert.doesNotMatch(text, /data-at-risk|New database "echo"/);
    });

    it("list and status name the marker as a move, not a database or a deletion", async () => {
        const dir = cellsProject();
        const deployed = readStackFile(path.join(dir, `Pulumi.${B}.yaml`));
        assert.equal((await qdb(dir, "move", "echo", "--from", B, "--to", A)).code, 0);
        const listed = await qdb(dir, "list", "--stack", B);
        assert.equal(listed.code, 0, listed.err);
        assert.match(listed.out, /^Moved to other cells: echo \(to eu-cell-a\)$/m);
        assert.doesNotMatch(listed.out, /^echo\s/m);
        const status = stackStatus(parseStackOutputs(deployedOutputsOf(deployed)), offlineInventoryOf(readStackFile(path.join(dir, `Pulumi.${B}.yaml`))));
        assert.deepEqual(status.databases.find((d) => d.id === "echo")?.pending, ["moved to eu-cell-a (its resources leave by `pulumi state move`; nothing is deleted)"]);
        assert.deepEqual(status.refusals, []);
    });
});
