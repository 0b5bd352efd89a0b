import assert from "node:assert/strict";
import { test } from "node:test";
import { DeployedFacts, Inventory, InventoryError, checkTransitions, deployedFactsOf, parseDeployedFacts, validateInventory } from "../../inventory";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

const prod: Inventory = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
const deployed = (): Record<string, DeployedFacts> => Object.fromEntries(prod.databases.map((d) => [d.id, deployedFactsOf(d)]));

test("a first deployment, or an unchanged one, has nothing to contradict", () => {
    assert.deepEqual(checkTransitions({}, prod), []);
    assert.deepEqual(checkTransitions(deployed(), prod), []);
});

test("growth and upgrades are allowed; shrink, AZ moves and live removals are not", () => {
    const previous = deployed();
    previous["acme-analytics"] = { ...previous["acme-analytics"], sizeGiB: 50, questdbVersion: "8.0.0" };
    assert.deepEqual(checkTransitions(previous, prod), []);

    previous["globex-ticks"] = { ...previous["globex-ticks"], sizeGiB: 3000, availabilityZone: "us-east-1a" };
    previous["gone-db"] = { state: "active", availabilityZone: "us-east-1a", sizeGiB: 10 };
    previous["retired-db"] = { state: "decommissioned", availabilityZone: "us-east-1a", sizeGiB: 10 };
    const fields = checkTransitions(previous, prod).map((p) => `${p.where} ${p.field}`);
    assert.deepEqual(fields, ['database "globex-ticks" availabilityZone', 'database "globex-ticks" volume.sizeGiB', 'database "gone-db" (entry)']);
});

test("no output means a first deployment; facts without sizes check only what they hold", () => {
    assert.deepEqual(parseDeployedFacts(undefined), {});
    assert.deepEqual(checkTransitions(parseDeployedFacts({ "acme-analytics": { state: "active" } }), prod), []);
});

test("an output it cannot read fails closed, naming the entry", () => {
    assert.throws(() => parseDeployedFacts("junk", "prod"), /databases output of the last deployment = "junk": cannot be read/);
    assert.throws(() => parseDeployedFacts({ a: { state: "active" }, b: { endpoint: "x" } }, "prod"),
        (err: unknown) => err instanceof InventoryError && /last deployment, "b"/.test(err.message));
});
