/** Issue 17.13: `impact --base <ref>` on a region file the ref does not have treats the base as empty. */
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { test } from "node:test";
import { parseStackFile } from "../../inventory";
import { ImpactReport } from "../../tools/impact/report";
import { shippedStackFile } from "../support/stacks";
import { runTool } from "./run";

const repo = fs.mkdtempSync(path.join(os.tmpdir(), "impact-base-"));
const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" });
git("init", "-q");
fs.writeFileSync(path.join(repo, "README"), "x\n");
git("add", "README");
git("commit", "-qm", "first");
const file = path.join(repo, "Pulumi.newregion.yaml");
const text = fs.readFileSync(shippedStackFile("dev").path, "utf8");
fs.writeFileSync(file, text);
const ids = (parseStackFile(text, file).raw.databases as { id: string }[]).map((d) => d.id).sort();

test("an uncommitted region file: every database is new, and the report says why; no advice to fetch", async () => {
    const run = await runTool("impact", ["--config-file", file, "--base", "HEAD", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /fetch/i);
    const report = JSON.parse(run.stdout) as ImpactReport;
    assert.deepEqual(report.databases.filter((d) => d.database).map((d) => [d.id, d.kind, d.lifecycle]).sort(),
        ids.map((id) => [id, "created", "absent -> active"]));
    assert.deepEqual(report.refusals, []);
    assert.match(report.notes.join("\n"), /Pulumi\.newregion\.yaml does not exist at HEAD: the base is an empty stack/);
    const markdown = await runTool("impact", ["--config-file", file, "--base", "HEAD"]);
    assert.match(markdown.stdout, /Note: Pulumi\.newregion\.yaml does not exist at HEAD/);
});

test("a revision that does not exist still says to fetch it", async () => {
    const run = await runTool("impact", ["--config-file", file, "--base", "origin/nope"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Fetch the base first/);
});
