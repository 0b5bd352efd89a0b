/** qdb's checks across the stack files of one cluster (inventory/cellChecks.ts): ids unique, errors naming both files. */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { qdb, stackText, tempProject } from "./helpers";
import { EXIT_CODES } from "../../tools/exitCodes";

const CELLS = path.join(__dirname, "..", "fixtures", "cells");

function cellsProject(...extra: string[]): string {
    const dir = tempProject(...extra);
    for (const stack of ["eu-cell-a", "eu-cell-b"]) {
        fs.copyFileSync(path.join(CELLS, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    }
    return dir;
}

describe("qdb across cells", () => {
    it("validate --all passes when ids are unique across the cluster's stacks", async () => {
        const result = await qdb(cellsProject(), "validate", "--all");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /ok: stack "eu-cell-b"/);
    });

    it("add refuses an id another cell of the cluster uses, naming both files, and writes nothing", async () => {
        const dir = cellsProject();
        const before = stackText(dir, "eu-cell-b");
        const result = await qdb(dir, "add", "--stack", "eu-cell-b", "alpha");
        assert.equal(result.code, 1);
        assert.match(result.err, /id "alpha" is a database in .*Pulumi\.eu-cell-a\.yaml and a database in .*Pulumi\.eu-cell-b\.yaml/);
        assert.match(result.err, /give the newer of the two databases another id/);
        assert.equal(stackText(dir, "eu-cell-b"), before);
    });

    it("add refuses an id another cell retired", async () => {
        const result = await qdb(cellsProject(), "add", "--stack", "eu-cell-b", "old-a");
        assert.equal(result.code, 1);
        assert.match(result.err, /id "old-a" is a retired id in .*Pulumi\.eu-cell-a\.yaml and a database in .*Pulumi\.eu-cell-b\.yaml/);
    });

    it("add accepts an id no stack of the cluster uses", async () => {
        const dir = cellsProject();
        const result = await qdb(dir, "add", "--stack", "eu-cell-b", "foxtrot");
        assert.equal(result.code, 0, result.err);
        assert.match(stackText(dir, "eu-cell-b"), /- id: foxtrot/);
    });

    it("validate names both files of a hand-made duplicate", async () => {
        const dir = cellsProject();
        const file = path.join(dir, "Pulumi.eu-cell-b.yaml");
        fs.writeFileSync(file, stackText(dir, "eu-cell-b").replace("- id: charlie", "- id: bravo"));
        const result = await qdb(dir, "validate", "--stack", "eu-cell-b");
        assert.equal(result.code, EXIT_CODES.config);
        assert.match(result.err, /across the stacks of its cluster/);
        assert.match(result.err, /id "bravo" is a database in .*Pulumi\.eu-cell-a\.yaml and a database in .*Pulumi\.eu-cell-b\.yaml/);
    });

    it("the same id on another cluster is no clash", async () => {
        const dir = cellsProject("fleet");
        const result = await qdb(dir, "add", "--stack", "eu-cell-b", "alpha-metrics");
        assert.equal(result.code, 0, result.err);
    });

    it("validate refuses a cell whose owner does not name itself", async () => {
        const dir = cellsProject();
        const file = path.join(dir, "Pulumi.eu-cell-a.yaml");
        fs.writeFileSync(file, stackText(dir, "eu-cell-a").replace("    sharedClusterOwner: eu-cell-a\n", ""));
        const result = await qdb(dir, "validate", "--stack", "eu-cell-b");
        assert.equal(result.code, EXIT_CODES.config);
        assert.match(result.err, /set sharedClusterOwner: eu-cell-a in .*Pulumi\.eu-cell-a\.yaml/);
    });
});
