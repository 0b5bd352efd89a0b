import assert from "node:assert/strict";
import { test } from "node:test";
import { DeployedFacts, Inventory, checkTransitions, deployedFactsOf, parseDeployedFacts, validateInventory } from "../../inventory";
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

test("outputs of older deployments, or none, parse without inventing facts", () => {
    assert.deepEqual(parseDeployedFacts(undefined), {});
    assert.deepEqual(parseDeployedFacts({ a: { state: "active" }, b: "junk", c: { endpoint: "x" } }), { a: { state: "active" } });
    assert.deepEqual(checkTransitions(parseDeployedFacts({ "acme-analytics": { state: "active" } }), prod), []);
});
