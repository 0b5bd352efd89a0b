// How the tools start (tools/build.js, tools/launch.js, render/child.ts): the compiled copy is
// rebuilt when a source changes, runs the same program with the same result as the sources, and
// a change that validation or a transition check refuses is never rendered. Behaviour only:
// tests never time anything (figures: `npm run bench -- --interactive`).
import assert from "node:assert/strict";
import childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, mock, test } from "node:test";
import { parseStackFile } from "../../inventory";
import { ensureBuilt, outputOf, sourceFiles } from "../../tools/build";
import { computeImpact } from "../../tools/impact/report";
import { run as qdb } from "../../tools/qdb/main";
import { FIXTURES } from "../qdb/helpers";
import { PROJECT_DIR } from "../support/stacks";
import { runTool, sourceToolArgs } from "./run";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "startup-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => mock.restoreAll());

/** A throwaway project: the real tsconfig.json and two modules, one importing the other. */
function miniProject(): string {
    const dir = fs.mkdtempSync(path.join(tmp, "project-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.mkdirSync(path.join(dir, "render"));
    fs.mkdirSync(path.join(dir, "tools"));
    fs.writeFileSync(path.join(dir, "render", "greeting.ts"), 'export const greeting: string = "hello";\n');
    fs.writeFileSync(path.join(dir, "tools", "hello.ts"),
        'import { greeting } from "../render/greeting";\nprocess.stdout.write(`${greeting} from the build`);\n');
    return dir;
}

const runBuilt = (buildDir: string, rel: string) =>
    childProcess.execFileSync(process.execPath, [outputOf(buildDir, rel)], { encoding: "utf8" });

/** Moves a file's mtime, as an editor saving it does, so that the check sees it without waiting a tick. */
function touch(file: string, secondsLater: number): void {
    const when = new Date(fs.statSync(file).mtimeMs + secondsLater * 1000);
    fs.utimesSync(file, when, when);
}

test("the build compiles every source once, then only what changed; a deleted source loses its output", () => {
    const dir = miniProject();
    assert.deepEqual(sourceFiles(dir), ["render/greeting.ts", "tools/hello.ts"]);
    const first = ensureBuilt(dir);
    assert.equal(first.buildDir, path.join(dir, ".build"));
    assert.deepEqual(first.compiled, ["render/greeting.ts", "tools/hello.ts"]);
    assert.equal(runBuilt(first.buildDir, "tools/hello.ts"), "hello from the build");
    assert.deepEqual(ensureBuilt(dir).compiled, [], "a fresh build compiles nothing");

    const greeting = path.join(dir, "render", "greeting.ts");
    fs.writeFileSync(greeting, 'export const greeting: string = "goodbye";\n');
    touch(greeting, 2);
    assert.deepEqual(ensureBuilt(dir).compiled, ["render/greeting.ts"]);
    assert.equal(runBuilt(first.buildDir, "tools/hello.ts"), "goodbye from the build");

    // A save without a change (a checkout, `touch`) moves the mtime only: compared by content, not recompiled.
    touch(greeting, 4);
    assert.deepEqual(ensureBuilt(dir).compiled, []);

    fs.writeFileSync(path.join(dir, "tools", "extra.ts"), "export const extra = 1;\n");
    assert.deepEqual(ensureBuilt(dir).compiled, ["tools/extra.ts"]);
    fs.rmSync(path.join(dir, "tools", "extra.ts"));
    assert.deepEqual(ensureBuilt(dir).compiled, []);
    assert.equal(fs.existsSync(outputOf(first.buildDir, "tools/extra.ts")), false, "the output of a deleted source is gone");
});

test("a new compiler option rebuilds everything; a lost output is compiled again", () => {
    const dir = miniProject();
    const { buildDir } = ensureBuilt(dir);
    const tsconfig = path.join(dir, "tsconfig.json");
    fs.writeFileSync(tsconfig, fs.readFileSync(tsconfig, "utf8").replace('"strict": true', '"strict": true, "alwaysStrict": true'));
    assert.deepEqual(ensureBuilt(dir).compiled, ["render/greeting.ts", "tools/hello.ts"]);
    fs.rmSync(outputOf(buildDir, "render/greeting.ts"));
    touch(path.join(dir, "render", "greeting.ts"), 2);
    assert.deepEqual(ensureBuilt(dir).compiled, ["render/greeting.ts"]);
});

test("synth run from the build prints exactly what the sources under tsx print: same program, same mocks", async () => {
    const args = (out: string) => ["--stack", "prod", "--json", "--out", path.join(tmp, out)];
    const [built, source] = await Promise.all([runTool("synth", args("built")), runTool("synth", args("source"), sourceToolArgs("synth", args("source")))]);
    assert.equal(built.code, 0, built.stderr);
    assert.equal(source.code, 0, source.stderr);
    const render = JSON.parse(built.stdout) as { resources: unknown[] };
    assert.ok(render.resources.length > 100, `prod rendered only ${render.resources.length} resources`);
    assert.equal(built.stdout, source.stdout);
    const files = (out: string) => fs.readdirSync(path.join(tmp, out), { recursive: true }).map(String).sort();
    assert.deepEqual(files("built"), files("source"));
    for (const file of files("built").filter((f) => f.endsWith(".yaml"))) {
        assert.equal(fs.readFileSync(path.join(tmp, "built", file), "utf8"), fs.readFileSync(path.join(tmp, "source", file), "utf8"), file);
    }
    // The launcher left the build fresh: nothing to compile now.
    assert.deepEqual(ensureBuilt(PROJECT_DIR).compiled, []);
});

/** Counts the render child processes started (render/child.ts spawns render/cli). */
function countRenders(): () => number {
    const spawn = mock.method(childProcess, "spawn");
    return () => spawn.mock.calls.filter((c) => (c.arguments[1] as readonly string[] | undefined)?.some((a) => /render[/\\]cli\.(ts|js)$/.test(a))).length;
}

const fleetText = fs.readFileSync(path.join(FIXTURES, "Pulumi.fleet.yaml"), "utf8");
const fleet = (text: string) => parseStackFile(text, "Pulumi.fleet.yaml", "fleet");

test("impact renders both sides of an accepted change, and neither side of a refused or invalid one", async () => {
    const renders = countRenders();
    const grown = await computeImpact(fleet(fleetText), fleet(fleetText.replace("sizeGiB: 200    # do not shrink", "sizeGiB: 300")));
    assert.equal(renders(), 2, "the positive control: an accepted change renders before and after");
    assert.deepEqual(grown.databases.map((d) => [d.id, d.kind]), [["alpha-metrics", "volume-change"]]);

    const shrunk = await computeImpact(fleet(fleetText), fleet(fleetText.replace("sizeGiB: 200    # do not shrink", "sizeGiB: 100")));
    assert.match(shrunk.refusals.join("\n"), /alpha-metrics/);
    // Refused: named per database, with no resource rows, because nothing was rendered.
    assert.deepEqual(shrunk.databases.map((d) => [d.id, d.kind, d.resources.length]), [["alpha-metrics", "refused", 0]]);
    assert.equal(shrunk.previewWillFail, true);
    await assert.rejects(computeImpact(fleet(fleetText), fleet(fleetText.replace("maxDatabases: 5", "maxDatabases: -1"))),
        (err: Error & { configError?: boolean }) => err.configError === true && /^after \(Pulumi\.fleet\.yaml\): .*maxDatabases/s.test(err.message));
    assert.equal(renders(), 2, "no render for the refused or the invalid change");
});

test("qdb renders the impact of an edit it writes, and nothing for an edit it refuses", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "qdb-"));
    const file = path.join(dir, "Pulumi.fleet.yaml");
    fs.writeFileSync(file, fleetText);
    const io = { out: () => undefined, err: () => undefined };
    const renders = countRenders();
    assert.equal(await qdb(["set", "--config-file", file, "alpha-metrics", "volume.sizeGiB=300"], io, dir), 0);
    assert.equal(renders(), 2, "the positive control: a written edit's impact renders before and after");
    const written = fs.readFileSync(file, "utf8");
    assert.notEqual(await qdb(["set", "--config-file", file, "alpha-metrics", "volume.sizeGiB=100"], io, dir), 0);
    assert.notEqual(await qdb(["set", "--config-file", file, "alpha-metrics", "instanceType=no.such"], io, dir), 0);
    assert.equal(renders(), 2, "no render for a refused edit");
    assert.equal(fs.readFileSync(file, "utf8"), written);
});

test("the build reads the scripts the program ships (scripts/) from the sources, so an edited script is what a tool renders", () => {
    const dir = miniProject();
    fs.mkdirSync(path.join(dir, "scripts", "backup"), { recursive: true });
    fs.writeFileSync(path.join(dir, "scripts", "backup", "job.sh"), "echo one\n");
    fs.writeFileSync(path.join(dir, "render", "script.ts"),
        'import * as fs from "fs";\nimport * as path from "path";\nprocess.stdout.write(fs.readFileSync(path.join(__dirname, "..", "scripts", "backup", "job.sh"), "utf8"));\n');
    const { buildDir } = ensureBuilt(dir);
    assert.equal(runBuilt(buildDir, "render/script.ts"), "echo one\n");
    fs.writeFileSync(path.join(dir, "scripts", "backup", "job.sh"), "echo two\n");
    assert.equal(runBuilt(ensureBuilt(dir).buildDir, "render/script.ts"), "echo two\n");
});
