/**
 * docs/qdb.md's examples run as written (issue 26, "docs/qdb.md documents the new commands with
 * examples that run"): every `npx qdb` line of its sh blocks, in order, on a copy of the project
 * (Pulumi.yaml and the shipped stack files, committed in a git repository of their own), each
 * with the exit code its comment states (`exit N`), else 0. Writes get `--no-impact`; the impact
 * report has its own tests. outputs.json is the shipped prod stack's outputs as the program
 * renders them under mocks, standing in for `pulumi stack output --json`; history.json is one
 * succeeded update of the shipped prod file, standing in for `pulumi stack history --json`.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { parseStackFile } from "../../inventory";
import { PROJECT_DIR, renderShippedStack, shippedStacks } from "../support/stacks";
import { tempProject } from "./helpers";
import { shellWords } from "./shellWords";
import { spawnQdb } from "./spawn";

const DOC = path.join(PROJECT_DIR, "docs", "qdb.md");

export interface Example {
    readonly line: number;
    readonly command: string;
    readonly exit: number;
}

/** The `npx qdb` lines of a Markdown text's sh blocks, with the exit code each one's comment states. */
export function examplesOf(markdown: string): Example[] {
    const examples: Example[] = [];
    let inSh = false;
    markdown.split("\n").forEach((text, i) => {
        if (/^```/.test(text)) {
            inSh = !inSh && text.trim() === "```sh";
            return;
        }
        if (!inSh || !text.startsWith("npx qdb ")) {
            return;
        }
        const comment = text.indexOf("   #");
        const command = (comment >= 0 ? text.slice(0, comment) : text).trim();
        const exit = /#.*\bexit (\d+)/.exec(text);
        examples.push({ line: i + 1, command, exit: exit ? Number(exit[1]) : 0 });
    });
    return examples;
}

const WRITES = ["add", "set", "unset", "pause", "resume", "decommission", "remove", "promote", "rollout"];

describe("docs/qdb.md's examples", () => {
    let dir: string;
    before(async () => {
        dir = tempProject();
        for (const file of ["Pulumi.yaml", ...shippedStacks().map((s) => `Pulumi.${s}.yaml`)]) {
            fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
        }
        fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify((await renderShippedStack("prod")).outputs));
        const prod = parseStackFile(fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8"), "Pulumi.prod.yaml", "prod");
        const config = Object.fromEntries(Object.entries(prod.config).map(([k, v]) => [k, { value: prod.secretKeys.includes(k) ? "[secret]" : v, secret: prod.secretKeys.includes(k) }]));
        fs.writeFileSync(path.join(dir, "history.json"), JSON.stringify([{ version: 1, kind: "update", result: "succeeded", startTime: "2026-12-01T00:00:00Z", endTime: "2026-12-01T00:10:00Z", config }]));
        for (const args of [["init", "-q"], ["add", "."], ["commit", "-qm", "shipped stacks"]]) {
            const r = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
        }
    });

    it("cover every command of the table, reads and writes", () => {
        const verbs = new Set(examplesOf(fs.readFileSync(DOC, "utf8")).map((e) => shellWords(e.command)[2]));
        for (const verb of ["list", "status", "backups", "validate", ...WRITES.filter((v) => v !== "resume")]) {
            assert.ok(verbs.has(verb), `docs/qdb.md has no example of qdb ${verb}`);
        }
    });

    it("each runs as written, in order, with the exit code it states", () => {
        const examples = examplesOf(fs.readFileSync(DOC, "utf8"));
        for (const example of examples) {
            const words = shellWords(example.command).slice(2);
            const result = spawnQdb(dir, WRITES.includes(words[0]) ? [...words, "--no-impact"] : words);
            assert.equal(result.code, example.exit, `docs/qdb.md:${example.line}: ${example.command}\n${result.out}\n${result.err}`);
        }
        // Where the session ends: the customer added, then retired; the windowed change pending or promoted.
        const prod = parse(fs.readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8")).config;
        const ids = (prod["questdb-cloud:databases"] as { id: string }[]).map((d) => d.id);
        assert.ok(!ids.includes("acme-reporting"));
        assert.ok((prod["questdb-cloud:region"].retiredIds as string[]).includes("acme-reporting"));
        assert.equal(prod["questdb-cloud:region"].channels.canary, "9.4.1");
        const stark = (prod["questdb-cloud:databases"] as Record<string, unknown>[]).find((d) => d.id === "stark-telemetry");
        assert.equal(stark?.questdbVersion, "9.3.4", "promoted in its window");
        assert.equal(stark?.promotedAt, "2026-12-06T02:15:00Z");
    });

    it("finds sh lines and their stated exit codes, and nothing outside sh blocks", () => {
        const md = "npx qdb list --stack a\n```sh\nnpx qdb list --stack a\nnpx qdb remove --stack a b   # exit 1: refused\nnpm ci\n```\n```json\nnpx qdb x\n```\n";
        assert.deepEqual(examplesOf(md), [
            { line: 3, command: "npx qdb list --stack a", exit: 0 },
            { line: 4, command: "npx qdb remove --stack a b", exit: 1 },
        ]);
    });
});
