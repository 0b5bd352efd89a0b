import assert from "node:assert/strict";
import { test } from "node:test";
import { diffRenders } from "../../render";
import { databasesOf, renderStackBody, shippedStackBody } from "../support/stacks";

test("reordering the inventory changes no resource name and no input", async () => {
    const body = shippedStackBody("prod");
    const reordered = structuredClone(body);
    const entries = databasesOf(reordered);
    entries.reverse();
    entries.push(entries.shift()!);
    assert.notDeepEqual(databasesOf(reordered).map((d) => d.id), databasesOf(body).map((d) => d.id));

    const [original, shuffled] = await Promise.all([renderStackBody("prod", body), renderStackBody("prod", reordered)]);
    assert.ok(original.resources.length > 100);
    assert.deepEqual(diffRenders(original, shuffled), []);
});

test("renaming one database renames only that database's resources", async () => {
    const body = shippedStackBody("prod");
    const renamed = structuredClone(body);
    databasesOf(renamed)[0].id = "acme-renamed";
    const [before, after] = await Promise.all([renderStackBody("prod", body), renderStackBody("prod", renamed)]);
    const touched = new Set(diffRenders(before, after).map((c) => c.parent ?? c.name));
    // And the drills' list of tenant volumes (components/drillAdmission.ts), which is keyed by id.
    assert.deepEqual([...touched].sort(), ["acme-analytics", "acme-renamed", "questdb-drills"]);
});
