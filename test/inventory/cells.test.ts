/** Cell roles and the checks across stack files (inventory/cells.ts, inventory/cellChecks.ts). */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { InventoryError, offlineInventoryOf, parseStackFile, readStackFile } from "../../inventory";
import { cellRole, cellScopedName, drillNamespaceOf } from "../../inventory/cells";
import { cellProblems } from "../../inventory/cellChecks";

const CELLS = path.join(__dirname, "..", "fixtures", "cells");
const file = (stack: string) => readStackFile(path.join(CELLS, `Pulumi.${stack}.yaml`));
const edited = (stack: string, from: string, to: string, as = stack) => {
    const f = file(stack);
    const text = require("fs").readFileSync(f.path, "utf8").replace(from, to);
    return parseStackFile(text, path.join(CELLS, `Pulumi.${as}.yaml`), as);
};

describe("cell roles", () => {
    it("solo without the field, owner naming itself, cell naming another", () => {
        assert.equal(cellRole({ stack: "a" }), "solo");
        assert.equal(cellRole({ stack: "a", sharedClusterOwner: "a" }), "owner");
        assert.equal(cellRole({ stack: "b", sharedClusterOwner: "a" }), "cell");
        assert.equal(drillNamespaceOf({ stack: "b", sharedClusterOwner: "a" }), "questdb-drills-b");
        assert.equal(drillNamespaceOf({ stack: "a", sharedClusterOwner: "a" }), "questdb-drills");
        assert.equal(cellScopedName("x", { stack: "a" }), "x");
    });

    it("the fixtures validate and carry the field", () => {
        assert.equal(offlineInventoryOf(file("eu-cell-b")).region.sharedClusterOwner, "eu-cell-a");
    });

    it("a cell's stack name must fit its drills namespace", () => {
        const long = "c".repeat(49);
        assert.throws(() => offlineInventoryOf(edited("eu-cell-b", "x", "x", long)), (e: unknown) =>
            e instanceof InventoryError && /sharedClusterOwner/.test(e.message) && /at most 48 characters/.test(e.message));
    });
});

describe("checks across the stack files of a cluster", () => {
    it("the fixtures have none", () => {
        assert.deepEqual(cellProblems([file("eu-cell-a"), file("eu-cell-b")]), []);
    });

    it("a duplicate id names both files", () => {
        const problems = cellProblems([file("eu-cell-a"), edited("eu-cell-b", "- id: echo", "- id: alpha")]);
        assert.equal(problems.length, 1);
        assert.deepEqual(problems[0].files.map((f) => path.basename(f)), ["Pulumi.eu-cell-a.yaml", "Pulumi.eu-cell-b.yaml"]);
    });

    it("two stacks without sharedClusterOwner on one cluster are refused", () => {
        const problems = cellProblems([edited("eu-cell-a", "    sharedClusterOwner: eu-cell-a\n", ""), edited("eu-cell-b", "    sharedClusterOwner: eu-cell-a\n", "")]);
        assert.ok(problems.some((p) => /set no sharedClusterOwner/.test(p.message)), JSON.stringify(problems));
    });

    it("an owner that is no stack of the cluster is refused", () => {
        const problems = cellProblems([file("eu-cell-a"), edited("eu-cell-b", "sharedClusterOwner: eu-cell-a", "sharedClusterOwner: eu-cell-z")]);
        assert.ok(problems.some((p) => /no stack file beside it is eu-cell-z/.test(p.message)), JSON.stringify(problems));
        assert.ok(problems.some((p) => /different owners/.test(p.message)));
    });

    it("another cluster's ids do not count", () => {
        const duplicate = (text: string) => edited("eu-cell-b", "clusterName: qdb-cells-eu-west-1\n    sharedClusterOwner: eu-cell-a", text);
        const elsewhere = duplicate("clusterName: qdb-other").raw;
        const other = parseStackFile(require("yaml").stringify({ config: {
            "aws:region": elsewhere.awsRegion, "questdb-cloud:region": elsewhere.region,
            "questdb-cloud:databases": [...(elsewhere.databases as object[]), { id: "alpha", availabilityZone: "eu-west-1a" }] } }), path.join(CELLS, "Pulumi.other.yaml"));
        assert.deepEqual(cellProblems([file("eu-cell-a"), other]), []);
        // The same file on the owner's cluster is refused: the test can fail.
        const same = parseStackFile(require("yaml").stringify({ config: {
            "aws:region": elsewhere.awsRegion, "questdb-cloud:region": { ...(elsewhere.region as object), clusterName: "qdb-cells-eu-west-1", sharedClusterOwner: "eu-cell-a" },
            "questdb-cloud:databases": [...(elsewhere.databases as object[]), { id: "alpha", availabilityZone: "eu-west-1a" }] } }), path.join(CELLS, "Pulumi.other.yaml"));
        assert.ok(cellProblems([file("eu-cell-a"), same]).some((p) => /id "alpha"/.test(p.message)));
    });
});

describe("names a cell uses from the owner", () => {
    it("a cell whose gateway or monitoring namespace differs from the owner's is refused", () => {
        const problems = cellProblems([file("eu-cell-a"), edited("eu-cell-b", "      name: questdb\n", "      name: other\n      namespace: edge\n")]);
        assert.deepEqual(problems.map((p) => p.message.split(" in ")[0]), ['region.gateway.name is "other"', 'region.gateway.namespace is "edge"']);
        assert.match(problems[0].message, /set region\.gateway\.name in .*Pulumi\.eu-cell-b\.yaml to the owner's value/);
    });
});

describe("the shipped stack files", () => {
    it("have no problem across the stacks of any cluster", () => {
        const { shippedStacks, shippedStackFile } = require("../support/stacks");
        const files = (shippedStacks() as string[]).map((s) => shippedStackFile(s));
        assert.ok(files.length >= 2);
        assert.deepEqual(cellProblems(files), []);
    });
});
