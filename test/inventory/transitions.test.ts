import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { AWS_MANAGED_EBS_KEY, DeployedFacts, Inventory, InventoryError, assertSafeTransitions, checkTransitions, deployedFactsOf, parseDeployedFacts, validateInventory } from "../../inventory";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

const prod: Inventory = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod"));
const deployed = (): Record<string, DeployedFacts> => Object.fromEntries(prod.databases.map((d) => [d.id, deployedFactsOf(d, prod.region)]));

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

test("a new region KMS key is refused once, at the region, naming every database whose volume it would replace", () => {
    const rekeyed: Inventory = { ...prod, region: { ...prod.region, volumeKmsKeyId: "arn:aws:kms:us-east-1:444455556666:key/new" } };
    const problems = checkTransitions(deployed(), rekeyed);
    assert.equal(problems.length, 1);
    const [p] = problems;
    assert.deepEqual([p.where, p.field, p.value], ["region", "volumeKmsKeyId", "arn:aws:kms:us-east-1:444455556666:key/new"]);
    for (const { id } of prod.databases) {
        assert.match(p.reason, new RegExp(`\\b${id}\\b`), `${id} is missing from: ${p.reason}`);
    }
    assert.match(p.reason, new RegExp(`encrypted with ${prod.region.volumeKmsKeyId}`));
    assert.match(p.fix, new RegExp(`set volumeKmsKeyId back to ${prod.region.volumeKmsKeyId}`));
    assert.throws(() => assertSafeTransitions(deployed(), rekeyed), (err: unknown) => err instanceof InventoryError && /prod/.test(err.message) && /volumeKmsKeyId/.test(err.message));
});

test("naming a key where volumes use AWS's own key is refused too; the fix is to remove it", () => {
    const unkeyed: Inventory = { ...prod, region: { ...prod.region, volumeKmsKeyId: undefined } };
    const previous = Object.fromEntries(unkeyed.databases.map((d) => [d.id, deployedFactsOf(d, unkeyed.region)]));
    assert.equal(previous["acme-analytics"].volumeKmsKeyId, AWS_MANAGED_EBS_KEY);
    const [p, ...more] = checkTransitions(previous, prod);
    assert.deepEqual(more, []);
    assert.match(p.reason, /encrypted with alias\/aws\/ebs/);
    assert.match(p.fix, /^remove volumeKmsKeyId;/);
    assert.deepEqual(checkTransitions(previous, unkeyed), []);
    const [back] = checkTransitions(deployed(), unkeyed);
    assert.equal(back.value, `(unset: ${AWS_MANAGED_EBS_KEY})`);
});

test("the key check spares removed entries, new databases and facts recorded before keys were", () => {
    const rekeyed: Inventory = { ...prod, region: { ...prod.region, volumeKmsKeyId: "arn:aws:kms:us-east-1:444455556666:key/new" } };
    const previous = deployed();
    const [first, second, ...rest] = prod.databases.map((d) => d.id);
    previous[first] = { ...previous[first], state: "decommissioned" };
    delete previous[second];
    const { volumeKmsKeyId: _unrecorded, ...older } = previous[rest[0]];
    previous[rest[0]] = older;
    const withoutFirst: Inventory = { ...rekeyed, databases: rekeyed.databases.filter((d) => d.id !== first) };
    const [p] = checkTransitions(previous, withoutFirst);
    assert.deepEqual([first, second, rest[0]].filter((id) => new RegExp(`\\b${id}\\b`).test(p.reason)), []);
    assert.match(p.reason, new RegExp(`\\b${rest[1]}\\b`));
});

test("active -> decommissioned is refused with the pause-first fix; paused -> decommissioned and back to active are allowed", () => {
    const decommissioned = (id: string): Inventory => ({ ...prod, databases: prod.databases.map((d) => (d.id === id ? { ...d, state: "decommissioned" } : d)) });
    const [refused] = checkTransitions(deployed(), decommissioned("acme-analytics"));
    assert.deepEqual({ ...refused, reason: undefined }, {
        where: 'database "acme-analytics"', field: "state", value: "decommissioned", reason: undefined,
        fix: "set `state: paused` (`npx qdb pause --stack prod acme-analytics`) and deploy; then `npx qdb decommission --stack prod acme-analytics` in a later change",
    });
    assert.match(refused.reason, /goes to paused before it is decommissioned, so that its final snapshot is of a stopped database/);
    assert.equal(checkTransitions(deployed(), decommissioned("acme-analytics")).length, 1);
    assert.deepEqual(checkTransitions(deployed(), decommissioned("tyrell-sensors")), []);
    const reactivated: Inventory = { ...prod, databases: prod.databases.map((d) => (d.id === "oldcorp-archive" ? { ...d, state: "active" } : d)) };
    assert.deepEqual(checkTransitions(deployed(), reactivated), []);
});

test("impact's refusals (refusedTransitions) include decommissioning an active database, as preview prints it", async () => {
    const { parseStackFile, refusedTransitions, formatProblem } = await import("../../inventory");
    const { shippedStackFile } = await import("../support/stacks");
    const before = shippedStackFile("prod");
    const text = fs.readFileSync(before.path, "utf8").replace(/(- id: cyberdyne-logs\n\s+availabilityZone: us-east-1c\n)/, "$1      state: decommissioned\n");
    const after = parseStackFile(text, before.path, "prod");
    assert.deepEqual(refusedTransitions(before, after).map((p) => formatProblem("prod", p)), [
        'stack "prod", database "cyberdyne-logs": state = "decommissioned": an active database goes to paused before it is decommissioned, so that its final snapshot is of a stopped database (a snapshot of a running one is only crash-consistent). Fix: set `state: paused` (`npx qdb pause --stack prod cyberdyne-logs`) and deploy; then `npx qdb decommission --stack prod cyberdyne-logs` in a later change.',
    ]);
    const paused = parseStackFile(text.replace("state: decommissioned", "state: paused"), before.path, "prod");
    assert.deepEqual(refusedTransitions(before, paused), []);
    assert.deepEqual(refusedTransitions(paused, after), []);
});
