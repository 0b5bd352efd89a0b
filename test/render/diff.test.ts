import assert from "node:assert/strict";
import { test } from "node:test";
import { changedPaths, diffRenders } from "../../render/diff";
import { Render, RenderedResource } from "../../render/types";

function res(name: string, inputs: Record<string, unknown>, options = {}): RenderedResource {
    return { type: "t:index:R", name, parent: "db", custom: true, inputs, options };
}

function render(...resources: RenderedResource[]): Render {
    return { stack: "s", preview: false, resources, outputs: {}, invokes: {} };
}

test("changedPaths finds the leaves that differ, and nothing else", () => {
    assert.deepEqual(changedPaths({ a: 1, b: { c: 2, d: [1, 2] } }, { a: 1, b: { c: 3, d: [1, 5] } }), ["b.c", "b.d.1"]);
    assert.deepEqual(changedPaths({ a: 1 }, { a: 1 }), []);
    assert.deepEqual(changedPaths({ a: 1 }, {}), ["a"]);
});

test("diffRenders reports creates, deletes and updates, ignoring order", () => {
    const before = render(res("x", { size: 1 }), res("y", { keep: true }), res("gone", {}));
    const after = render(res("new", {}), res("y", { keep: true }), res("x", { size: 2 }, { protect: true }));
    const changes = diffRenders(before, after).map((c) => [c.kind, c.name, c.inputPaths, c.optionPaths]);
    assert.deepEqual(changes, [
        ["delete", "gone", [], []],
        ["create", "new", [], []],
        ["update", "x", ["size"], ["protect"]],
    ]);
});

test("issue 17.5: changedLeaves keeps dotted keys whole; describeLeaf shows real values, server.conf keys, and masks secrets", async () => {
    const { changedLeaves, describeLeaf } = await import("../../render/diff");
    const tags = changedLeaves({ tags: { "questdb.cloud/state": "active" } }, { tags: { "questdb.cloud/state": "decommissioned" } });
    assert.deepEqual(tags.map((l) => [l.path, l.keys]), [["tags.questdb.cloud/state", ["tags", "questdb.cloud/state"]]]);
    assert.deepEqual(tags.flatMap(describeLeaf), ['tags.questdb.cloud/state: "active" -> "decommissioned"']);
    const conf = changedLeaves({ data: { "server.conf": "a.b=1\nkeep=1\nold.key=x\n" } }, { data: { "server.conf": "a.b=2\nkeep=1\nnew.key=y\n" } });
    assert.deepEqual(conf.flatMap(describeLeaf), [
        'server.conf a.b: "1" -> "2"', 'server.conf new.key: unset -> "y"', 'server.conf old.key: "x" -> unset',
    ]);
    const secret = changedLeaves({ stringData: "[secret]" }, { stringData: { a: "[secret]" } });
    assert.deepEqual(secret.flatMap(describeLeaf), ["stringData: changed (secret, not shown)"]);
});

test("a path under the new ignoreChanges is not a change: Pulumi never sends it", () => {
    const pv = (size: string, uid?: string) => res("pv", { spec: { capacity: { storage: size }, claimRef: { name: "c", ...(uid ? { uid } : {}) }, csi: { h: "v" } } },
        { ignoreChanges: ["spec.capacity", "spec.claimRef"] });
    assert.deepEqual(diffRenders(render(pv("1Gi")), render(pv("2Gi", "u1"))), []);
    const moved = res("pv", { spec: { capacity: { storage: "2Gi" }, claimRef: { name: "c" }, csi: { h: "w" } } }, { ignoreChanges: ["spec.capacity", "spec.claimRef"] });
    assert.deepEqual(diffRenders(render(pv("1Gi")), render(moved)).map((c) => c.inputPaths), [["spec.csi.h"]]);
    // "*" ignores every input (an import taken as it is); option changes still show.
    const all = (v: number, options = {}) => res("x", { a: v, b: { c: v } }, { ignoreChanges: ["*"], ...options });
    assert.deepEqual(diffRenders(render(all(1)), render(all(2))), []);
    assert.deepEqual(diffRenders(render(all(1)), render(all(2, { protect: true }))).map((c) => [c.inputPaths, c.optionPaths]), [[[], ["protect"]]]);
});

test("a change of dependsOn alone is no change: the engine records it without an update step", () => {
    const a = res("x", { v: 1 }, { dependsOn: ["a"] });
    const b = res("x", { v: 1 }, { dependsOn: ["b", "c"] });
    assert.deepEqual(diffRenders(render(a), render(b)), []);
});
