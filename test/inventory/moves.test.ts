/** Moves between cells in the inventory (inventory/moves.ts): the marker, originStack, and how checks honour them. */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { InventoryError, checkTransitions, deployedFactsOf, offlineInventoryOf, parseStackFile, readStackFile, retainedVolumeIdsAfter, retiredIdsAfter } from "../../inventory";
import { cellProblems } from "../../inventory/cellChecks";

const CELLS = path.join(__dirname, "..", "fixtures", "cells");
const text = (stack: string) => fs.readFileSync(path.join(CELLS, `Pulumi.${stack}.yaml`), "utf8");
const as = (stack: string, body: string) => parseStackFile(body, path.join(CELLS, `Pulumi.${stack}.yaml`), stack);
/** eu-cell-b with echo moved to eu-cell-a, and eu-cell-a holding it. */
const ECHO = "    - id: echo\n      availabilityZone: eu-west-1a\n      state: paused\n";
const movedB = (marker = "    - id: echo\n      movedTo: eu-cell-a\n") => as("eu-cell-b", text("eu-cell-b").replace(ECHO, marker));
const movedA = (extra = "      originStack: eu-cell-b\n") => as("eu-cell-a", `${text("eu-cell-a").trimEnd()}\n${ECHO}${extra}`);

function problemsOf(file: ReturnType<typeof as>): string {
    try {
        offlineInventoryOf(file);
        return "";
    } catch (error) {
        assert.ok(error instanceof InventoryError);
        return error.message;
    }
}

describe("the movedTo marker and originStack", () => {
    it("a marker is a move out, not a database; the destination's entry keeps its origin", () => {
        const source = offlineInventoryOf(movedB());
        assert.deepEqual(source.movedOut, [{ id: "echo", to: "eu-cell-a" }]);
        assert.deepEqual(source.databases.map((d) => d.id), ["charlie", "delta"]);
        assert.equal(offlineInventoryOf(movedA()).databases.find((d) => d.id === "echo")?.originStack, "eu-cell-b");
    });

    it("refuses, all at once, a marker with settings, one naming its own stack, and originStack naming its own stack; each names stack, id, field, value, fix", () => {
        const message = problemsOf(movedB("    - id: echo\n      movedTo: eu-cell-b\n      state: paused\n    - id: foxtrot\n      availabilityZone: eu-west-1a\n      originStack: eu-cell-b\n"));
        assert.match(message, /3 problems/);
        assert.match(message, /stack "eu-cell-b", database "echo": movedTo = "eu-cell-b": marks the database as moved, but the entry also sets state: .* Fix: leave only id and movedTo/);
        assert.match(message, /database "echo": movedTo = "eu-cell-b": names this stack itself: .* Fix: put the database's full entry back/);
        assert.match(message, /database "foxtrot": originStack = "eu-cell-b": names this stack itself: .* Fix: remove originStack/);
    });

    it("refuses a marker on a stack that shares no cluster", () => {
        const solo = as("eu-cell-b", text("eu-cell-b").replace("    sharedClusterOwner: eu-cell-a\n", "").replace(ECHO, "    - id: echo\n      movedTo: eu-cell-a\n"));
        assert.match(problemsOf(solo), /movedTo = "eu-cell-a": needs a cluster shared with the destination stack, but this region sets no sharedClusterOwner/);
    });

    it("a marker holds no node group (maxDatabases) but still clashes with an entry of the same id", () => {
        const capped = (body: string) => as("eu-cell-b", body.replace("maxDatabases: 10", "maxDatabases: 2"));
        assert.match(problemsOf(capped(text("eu-cell-b"))), /lists 3 databases that hold a node group, more than maxDatabases allows/);
        assert.equal(problemsOf(capped(text("eu-cell-b").replace(ECHO, "    - id: echo\n      movedTo: eu-cell-a\n"))), "");
        assert.match(problemsOf(movedB(`    - id: echo\n      movedTo: eu-cell-a\n${ECHO}`)), /database "echo": id = "echo": appears more than once/);
    });
});

describe("checks that honour a move", () => {
    const previous = Object.fromEntries(offlineInventoryOf(readStackFile(path.join(CELLS, "Pulumi.eu-cell-b.yaml"))).databases.map((d) => [d.id, deployedFactsOf(d, {})]));

    it("the source does not refuse the entry's disappearance, nor retire its id, and keeps its volume on the drills' deny list", () => {
        const inventory = offlineInventoryOf(movedB());
        assert.deepEqual(checkTransitions(previous, inventory), []);
        assert.ok(!retiredIdsAfter(previous, [], inventory).includes("echo"));
        assert.deepEqual(retainedVolumeIdsAfter({ echo: "vol-0123456789abcdef0" }, {}, inventory), { echo: "vol-0123456789abcdef0" });
    });

    it("a database still bound with the legacy StorageClass may not move: the destination would replace its PV and claim", () => {
        const legacy = { ...previous, echo: { ...previous.echo, storageClassName: undefined } };
        const problems = checkTransitions(legacy, offlineInventoryOf(movedB()));
        assert.equal(problems.length, 1);
        assert.match(JSON.stringify(problems[0]), /legacy StorageClass questdb-ebs-static/);
        assert.match(problems[0].fix, /`npx qdb move echo --from eu-cell-a --to eu-cell-b` puts the entry back/);
    });

    it("the same entry simply deleted is refused as a removal of a paused database", () => {
        const deleted = offlineInventoryOf(movedB(""));
        assert.match(JSON.stringify(checkTransitions(previous, deleted)), /the entry was removed while the database is paused/);
    });

    it("dropping the marker later is safe once the source deployed it, and refused before", () => {
        const cleaned = offlineInventoryOf(movedB(""));
        const afterMarker = Object.fromEntries(Object.entries(previous).filter(([id]) => id !== "echo"));
        assert.deepEqual(checkTransitions(afterMarker, cleaned), []);
        assert.ok(!retiredIdsAfter(afterMarker, [], cleaned).includes("echo"));
        assert.notDeepEqual(checkTransitions(previous, cleaned), []);
    });

    it("across files: the marker is no second claim; it must point at a file of the cluster that holds the entry", () => {
        assert.deepEqual(cellProblems([movedA(), movedB()]), []);
        const orphan = cellProblems([as("eu-cell-a", text("eu-cell-a")), movedB()]).map((p) => p.message);
        assert.equal(orphan.length, 1);
        assert.match(orphan[0], /database "echo" in .*Pulumi\.eu-cell-b\.yaml is marked movedTo: eu-cell-a, but .*Pulumi\.eu-cell-a\.yaml has no entry "echo"/);
        const nowhere = cellProblems([as("eu-cell-a", text("eu-cell-a")), movedB("    - id: echo\n      movedTo: eu-cell-z\n")]).map((p) => p.message);
        assert.match(nowhere.join("\n"), /marked movedTo: eu-cell-z, but no stack file beside it is eu-cell-z on cluster eu-west-1\/qdb-cells-eu-west-1/);
    });
});
