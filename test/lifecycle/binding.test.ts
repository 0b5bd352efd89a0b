import assert from "node:assert/strict";
import { before, test } from "node:test";
import { BINDING_MAY_CHANGE, checkTransitions, deployedFactsOf, validateInventory } from "../../inventory";
import { Render, diffRenders } from "../../render";
import { StackBody, editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, rawConfigOf, renderShippedStack, resource, shippedStackBody } from "../support/stacks";

let base: Render;
before(async () => {
    base = await renderShippedStack("prod");
});

test("the PV ignores the fields controllers own: claimRef (the PV controller adds the uid) and capacity (the resizer)", () => {
    const pv = resource(base, TYPES.persistentVolume, "acme-analytics-pv");
    assert.deepEqual(pv.options.ignoreChanges, ["spec.capacity", "spec.claimRef"]);
    // Still pre-bound at creation: no other claim can take the volume.
    assert.deepEqual((pv.inputs.spec as any).claimRef, { namespace: "qdb-acme-analytics", name: "questdb-data" });
});

const allowed = (type: string, path: string) => (BINDING_MAY_CHANGE[type] ?? []).some((p) => path === p || path.startsWith(`${p}.`));
const BINDING_TYPES = Object.keys(BINDING_MAY_CHANGE);

/** Edits that the program accepts on a deployed database. */
const ACCEPTED: Record<string, (body: StackBody) => void> = {
    "instance type": (b) => (entry(dbsOf(b), "acme-analytics").instanceType = "m7g.xlarge"),
    "node image": (b) => ((b.config["questdb-cloud:region"] as any).defaults.nodeImage = "1.31.5-20250301"),
    "QuestDB version": (b) => ((b.config["questdb-cloud:region"] as any).channels.stable = "8.3.0"),
    "volume growth": (b) => (entry(dbsOf(b), "acme-analytics").volume = { sizeGiB: 900 }),
    "pause": (b) => (entry(dbsOf(b), "acme-analytics").state = "paused"),
    // From paused, as the program requires (tyrell-sensors is paused in prod).
    "decommission": (b) => (entry(dbsOf(b), "tyrell-sensors").state = "decommissioned"),
};

function dbsOf(body: StackBody): any[] {
    return body.config["questdb-cloud:databases"] as any[];
}

for (const [what, edit] of Object.entries(ACCEPTED)) {
    test(`${what}: no PV, PVC or StorageClass field outside the mutable list changes`, async () => {
        const after = await renderAfter(base, editedProd((_, __, body) => edit(body)));
        for (const change of diffRenders(base, after).filter((c) => BINDING_TYPES.includes(c.type))) {
            // Deleting the PV and PVC at decommission is the documented step; the volume stays.
            if (change.kind === "delete") {
                assert.equal(what, "decommission", `${change.name} deleted by ${what}`);
                continue;
            }
            assert.equal(change.kind, "update", `${change.kind} ${change.name} by ${what}`);
            for (const path of change.inputPaths) {
                assert.ok(allowed(change.type, path), `${what} changes ${change.name} ${path}, an immutable field`);
            }
        }
    });
}

test("every edit that would change an immutable binding field is refused before preview, naming the fix", () => {
    const deployed = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
    const facts = Object.fromEntries(deployed.databases.map((d) => [d.id, deployedFactsOf(d, deployed.region)]));
    const refused = (edit: (body: StackBody) => void) =>
        checkTransitions(facts, validateInventory(rawConfigOf(editedProd((_, __, body) => edit(body)), "prod"))).map((p) => `${p.where} ${p.field}`);
    // The PV's node affinity (AZ), its volume handle (a new volume), and its removal.
    assert.deepEqual(refused((b) => (entry(dbsOf(b), "acme-analytics").availabilityZone = "us-east-1b")), ['database "acme-analytics" availabilityZone']);
    assert.deepEqual(refused((b) => (entry(dbsOf(b), "acme-analytics").restoreFromSnapshot = "snap-0123456789abcdef0")), ['database "acme-analytics" restoreFromSnapshot']);
    assert.deepEqual(refused((b) => ((b.config["questdb-cloud:region"] as any).volumeKmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/x")), ["region volumeKmsKeyId"]);
    assert.deepEqual(refused((b) => dbsOf(b).splice(0, 1)), ['database "acme-analytics" (entry)']);
});
