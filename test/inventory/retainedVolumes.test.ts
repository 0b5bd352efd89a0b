import assert from "node:assert/strict";
import { test } from "node:test";
import { InventoryError, parseRetainedVolumeIds, retainedVolumeIdsAfter, volumeIdsOf } from "../../inventory";
import type { Inventory } from "../../inventory";

const inventoryOf = (ids: string[]) => ({ region: {}, databases: ids.map((id) => ({ id })) }) as unknown as Inventory;

test("a removal adds the removed database's volume to what was retained before; kept databases add nothing", () => {
    const previous = volumeIdsOf({ a: { state: "active", volumeId: "vol-a" }, b: { state: "decommissioned", volumeId: "vol-b" } });
    assert.deepEqual(previous, { a: "vol-a", b: "vol-b" });
    assert.deepEqual(retainedVolumeIdsAfter(previous, { old: "vol-old" }, inventoryOf(["a"])), { b: "vol-b", old: "vol-old" });
    assert.deepEqual(retainedVolumeIdsAfter(previous, {}, inventoryOf(["a", "b"])), {});
});

test("an entry without a readable volume id in the last databases output is skipped, not guessed", () => {
    assert.deepEqual(volumeIdsOf({ a: { state: "active" }, b: "x", c: { volumeId: 7 } }), {});
    assert.deepEqual(volumeIdsOf(undefined), {});
});

test("the retainedVolumeIds output: absent before it existed, read as is, refused when unreadable", () => {
    assert.deepEqual(parseRetainedVolumeIds(undefined), {});
    assert.deepEqual(parseRetainedVolumeIds({ a: "vol-a" }), { a: "vol-a" });
    for (const bad of [["vol-a"], { a: 1 }, "vol-a"]) {
        assert.throws(() => parseRetainedVolumeIds(bad, "prod"), (err: unknown) => err instanceof InventoryError
            && /stack "prod", region: retainedVolumeIds output of the last deployment .*pulumi stack output retainedVolumeIds --json --stack prod/s.test(err.message));
    }
});
