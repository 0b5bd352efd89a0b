// The project targets Node 22 (@pulumi/pulumi declares node >= 22): the devDependency `node@22`
// puts a Node 22 first on npm scripts' PATH, so tests and every child they spawn run on it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";

const major = (version: string) => Number(version.replace(/^v/, "").split(".")[0]);

describe("the suite runs on Node 22 or newer", () => {
    it("this test process does", () => {
        assert.ok(major(process.versions.node) >= 22, `running on Node ${process.versions.node}: run tests through npm (npm test), which puts node_modules/.bin/node first`);
    });
    it("a child spawned as `node` from PATH (as tsx's bin and tools do) does too", () => {
        assert.ok(major(execFileSync("node", ["--version"]).toString()) >= 22);
    });
});
