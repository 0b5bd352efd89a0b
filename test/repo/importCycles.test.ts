/** Issue 26: no import circles among the project's TypeScript modules, so none can return unseen. */
import * as assert from "node:assert/strict";
import * as path from "path";
import { describe, it } from "node:test";
import { importCycles, importGraph, resolveImport, staticImports } from "./importGraph";

const ROOT = path.join(__dirname, "..", "..");

describe("issue 26: import circles", () => {
    it("reads every static import form, type-only and multi-line ones included, and no dynamic one", () => {
        const source = [
            `import * as fs from "fs";`,
            `import { a,`, `    type B } from "./a";`,
            `import type { C } from '../c';`,
            `import "./side-effect";`,
            `export { D } from "./d";`,
            `export * from "./e";`,
            `const later = await import("./late");`,
            `// import { x } from "./commented-mid-line" is not at a line start: ` + `y();`,
        ].join("\n");
        assert.deepEqual(staticImports(source), ["./a", "../c", "./side-effect", "./d", "./e"]);
    });

    it("resolves a specifier to a file or a folder's index.ts", () => {
        const files = new Set(["inventory/index.ts", "inventory/types.ts", "components/x.ts"]);
        assert.equal(resolveImport("components/x.ts", "../inventory", files), "inventory/index.ts");
        assert.equal(resolveImport("inventory/index.ts", "./types", files), "inventory/types.ts");
        assert.equal(resolveImport("components/x.ts", "./missing", files), undefined);
    });

    it("finds a cycle, a self-import and a longer ring, and nothing in a tree", () => {
        const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["d"]], ["e", ["a", "f"]], ["f", []]]);
        assert.deepEqual(importCycles(graph), [["a", "b", "c", "a"], ["d", "d"]]);
        assert.deepEqual(importCycles(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), []);
    });

    it("the project has none", () => {
        const graph = importGraph(ROOT);
        assert.ok(graph.get("inventory/transitions.ts")?.includes("inventory/validate.ts"), "the graph holds the project's imports");
        assert.deepEqual(importCycles(graph).map((cycle) => cycle.join(" -> ")), []);
    });
});
