/** Shared helpers of the qdb tests: temp copies of fixtures, an in-process runner, line checks. */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../tools/qdb/main";
import { changedRange } from "../../tools/qdb/textDiff";

export const FIXTURES = path.join(__dirname, "..", "fixtures", "qdb");

const tempDirs: string[] = [];
process.on("exit", () => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A temp project dir holding copies of the named fixtures (e.g. "fleet" for Pulumi.fleet.yaml). */
export function tempProject(...stacks: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-test-"));
    tempDirs.push(dir);
    for (const stack of stacks) {
        fs.copyFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    }
    return dir;
}

export function stackText(dir: string, stack: string): string {
    return fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8");
}

export interface Result {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

/** Runs qdb in-process against `dir`, never the impact renders (they have their own tests). */
export async function qdb(dir: string, ...argv: string[]): Promise<Result> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(["--project-dir", dir, "--no-impact", ...argv], { out: (t) => out.push(t), err: (t) => err.push(t) }, dir);
    return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Lines [start, end) of the list entry whose `- id:` is `id`, with the comment lines above it. */
export function entrySpan(text: string, id: string): { start: number; end: number } {
    const lines = text.split("\n");
    const first = lines.findIndex((l) => l.trim() === `- id: ${id}`);
    assert.ok(first >= 0, `fixture has no entry ${id}`);
    const indent = lines[first].indexOf("-");
    let start = first;
    while (start > 0 && lines[start - 1].trim().startsWith("#") && lines[start - 1].indexOf("#") === indent) {
        start--;
    }
    let end = first + 1;
    while (end < lines.length && lines[end].trim() !== "" && lines[end].search(/\S/) > indent) {
        end++;
    }
    return { start, end };
}

/**
 * Asserts that `after` equals `before` byte for byte except inside lines [start, end) of
 * `before`: the edit touched nothing outside that span.
 */
export function assertChangedOnlyWithin(before: string, after: string, span: { start: number; end: number }): void {
    const range = changedRange(before.split("\n"), after.split("\n"));
    assert.ok(range, "the file did not change");
    assert.ok(range.start >= span.start && range.aEnd <= span.end,
        `edit touched lines ${range.start + 1}-${range.aEnd} of the original, outside ${span.start + 1}-${span.end}`);
}
