import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render } from "../../render";
import { STORAGE_CLASSES } from "../../inventory";
import { editedProd, entry } from "../support/lifecycle";
import { TYPES, renderShippedStack, renderStackBody, resource, resourcesOfType, shippedStackBody } from "../support/stacks";

/** The outputs of a deployment made before #12: no database recorded a StorageClass. */
function outputsBeforeTheFix(render: Render): Record<string, unknown> {
    const databases = Object.fromEntries(Object.entries(render.outputs.databases as Record<string, Record<string, unknown>>)
        .map(([id, facts]) => [id, Object.fromEntries(Object.entries(facts).filter(([k]) => k !== "storageClassName"))]));
    return { databases };
}

function classesOf(render: Render): Record<string, unknown> {
    return Object.fromEntries(resourcesOfType(render, TYPES.storageClass).map((c) => [c.name, (c.inputs as any).volumeBindingMode]));
}

function bindingClassOf(render: Render, id: string): [unknown, unknown] {
    return [(resource(render, TYPES.persistentVolume, `${id}-pv`).inputs.spec as any).storageClassName,
        (resource(render, TYPES.claim, `${id}-pvc`).inputs.spec as any).storageClassName];
}

let base: Render;
let upgraded: Render;
before(async () => {
    base = await renderShippedStack("prod");
    const withNew = editedProd((dbs) => dbs.push({ id: "newco-metrics", availabilityZone: "us-east-1a" }));
    upgraded = await renderStackBody("prod", withNew, false, outputsBeforeTheFix(base));
});

test("a new database binds through an Immediate class, which the PV and PVC wait for: the claim's create await ends at Bound", () => {
    assert.deepEqual(classesOf(base), { "questdb-storage-class-immediate": "Immediate" });
    assert.deepEqual(bindingClassOf(base, "acme-analytics"), [STORAGE_CLASSES.current, STORAGE_CLASSES.current]);
    assert.ok(resource(base, TYPES.persistentVolume, "acme-analytics-pv").options.dependsOn?.includes("questdb-storage-class-immediate"));
    assert.ok(resource(base, TYPES.claim, "acme-analytics-pvc").options.dependsOn?.includes("questdb-storage-class-immediate"));
    assert.equal((base.outputs.databases as any)["acme-analytics"].storageClassName, STORAGE_CLASSES.current);
});

test("a region deployed before keeps its legacy class untouched for existing volumes, and new databases get the new class", () => {
    // The legacy class keeps its logical name and inputs, so the engine leaves it alone.
    assert.deepEqual(classesOf(upgraded), { "questdb-storage-class": "WaitForFirstConsumer", "questdb-storage-class-immediate": "Immediate" });
    assert.deepEqual(bindingClassOf(upgraded, "acme-analytics"), [STORAGE_CLASSES.legacy, STORAGE_CLASSES.legacy]);
    assert.deepEqual(bindingClassOf(upgraded, "newco-metrics"), [STORAGE_CLASSES.current, STORAGE_CLASSES.current]);
    const outputs = upgraded.outputs.databases as any;
    assert.equal(outputs["acme-analytics"].storageClassName, STORAGE_CLASSES.legacy);
    assert.equal(outputs["newco-metrics"].storageClassName, STORAGE_CLASSES.current);
    assert.equal(outputs["oldcorp-archive"].storageClassName, undefined);
});

test("every claim, in either class, is awaited until Bound with its own size, so a grow of a legacy-class claim cannot wait for Pending forever", () => {
    for (const id of ["acme-analytics", "newco-metrics"]) {
        const claim = resource(upgraded, TYPES.claim, `${id}-pvc`);
        const size = (claim.inputs.spec as any).resources.requests.storage;
        assert.match(size, /^\d+Gi$/);
        assert.deepEqual(JSON.parse((claim.inputs.metadata as any).annotations["pulumi.com/waitFor"]),
            ["jsonpath={.status.phase}=Bound", `jsonpath={.spec.resources.requests.storage}=${size}`], id);
        assert.notEqual((claim.inputs.metadata as any).annotations["pulumi.com/skipAwait"], "true", `${id}: the binding is still checked`);
    }
});

test("the legacy class leaves the program once no database's PV names it", async () => {
    const body = structuredClone(shippedStackBody("prod"));
    const legacyOnly: Record<string, any> = { databases: {} };
    const previous = outputsBeforeTheFix(base).databases as Record<string, any>;
    // Only hooli-events was deployed before the fix, and it was paused since; it is now decommissioned.
    legacyOnly.databases = Object.fromEntries(Object.entries(previous).map(([id, facts]) =>
        [id, id === "hooli-events" ? { ...facts, state: "paused" } : { ...facts, storageClassName: STORAGE_CLASSES.current }]));
    const keep = await renderStackBody("prod", body, false, legacyOnly);
    assert.ok("questdb-storage-class" in classesOf(keep));
    const decommissioned = editedProd((dbs) => (entry(dbs, "hooli-events").state = "decommissioned"));
    const gone = await renderStackBody("prod", decommissioned, false, legacyOnly);
    assert.deepEqual(classesOf(gone), { "questdb-storage-class-immediate": "Immediate" });
});
