/**
 * Maintenance windows in the inventory (issue #24 items 1-2): the fields, the pending block, and
 * the program's transition rule against deployed facts. Pure: no render, no clock.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
    DatabaseSpec, DeployedFacts, Inventory, InventoryError, RawStackConfig, checkTransitions, deployedFactsOf, pendingReport, serverConfChecksum, validateInventory,
} from "../../inventory";
import { databasesOf, rawConfigOf, shippedStackBody } from "../support/stacks";

type Body = ReturnType<typeof shippedStackBody>;
type Entry = Record<string, unknown>;

function prodWith(edit: (body: Body) => void): RawStackConfig {
    const body = shippedStackBody("prod");
    edit(body);
    return rawConfigOf(body, "prod");
}
const entry = (body: Body, id: string): Entry => databasesOf(body).find((d) => d.id === id) as Entry;
const region = (body: Body) => body.config["questdb-cloud:region"] as Entry & { defaults: Entry; channels: Entry };
const facts = (inventory: Inventory): Record<string, DeployedFacts> => Object.fromEntries(inventory.databases.map((d) => [d.id, deployedFactsOf(d, inventory.region)]));
const spec = (inventory: Inventory, id: string): DatabaseSpec => inventory.databases.find((d) => d.id === id) as DatabaseSpec;

function problemsOf(raw: RawStackConfig): string[] {
    try {
        validateInventory(raw);
        return [];
    } catch (error) {
        assert.ok(error instanceof InventoryError);
        return error.problems.map((p) => `${p.where} ${p.field}: ${p.reason} | ${p.fix}`);
    }
}

/** The deployed facts of the unchanged prod stack with `windowed` given a window, then an edit of it. */
function transition(edit: (body: Body) => void, window = "sun 02:00-04:00") {
    const before = validateInventory(prodWith((b) => { entry(b, "wayne-finance").maintenanceWindow = window; }));
    const after = validateInventory(prodWith((b) => { entry(b, "wayne-finance").maintenanceWindow = window; edit(b); }));
    return checkTransitions(facts(before), after);
}

test("no window anywhere: every spec is as before windows existed (no maintenance key at all)", () => {
    const inventory = validateInventory(prodWith(() => undefined));
    for (const database of inventory.databases) {
        for (const key of ["maintenanceWindow", "pending", "maintenanceOverride", "promotedAt"]) {
            assert.equal(key in database, false, `${database.id} ${key}`);
        }
    }
    assert.equal("maintenanceWindow" in inventory.region.defaults, false);
    assert.deepEqual(pendingReport(inventory), {});
});

test("a database's window wins over the region's; the region's applies to every other database", () => {
    const inventory = validateInventory(prodWith((b) => {
        region(b).defaults.maintenanceWindow = "sat 23:00-01:00";
        entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-04:00";
    }));
    assert.deepEqual(spec(inventory, "wayne-finance").maintenanceWindow, { day: "sun", startMinute: 120, durationMinutes: 120 });
    assert.deepEqual(spec(inventory, "acme-analytics").maintenanceWindow, { day: "sat", startMinute: 23 * 60, durationMinutes: 120 });
});

test("a malformed or too short window is a problem with the field, the value and an example, the region's too; all at once", () => {
    const problems = problemsOf(prodWith((b) => {
        region(b).defaults.maintenanceWindow = "sunday 2am";
        entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-02:30";
        entry(b, "acme-analytics").maintenanceWindow = 7;
    }));
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems.find((p) => p.startsWith("region defaults.maintenanceWindow")) ?? "", /e\.g\. "sun 02:00-04:00"/);
    assert.match(problems.find((p) => p.startsWith('database "wayne-finance" maintenanceWindow')) ?? "", /30 minutes long, shorter than 60.*at least an hour/);
    assert.match(problems.find((p) => p.startsWith('database "acme-analytics" maintenanceWindow')) ?? "", /must be a string.*"sun 02:00-04:00"/);
});

test("a pending block is checked as the entry it becomes, its problems under pending.<field>", () => {
    const problems = problemsOf(prodWith((b) => {
        entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-04:00";
        entry(b, "wayne-finance").pending = { questdbVersion: "latest", instanceType: "m7g.nope" };
        entry(b, "stark-telemetry").pending = { nodeImage: "1.31.4-20250123" }; // no window
        entry(b, "globex-ticks").maintenanceWindow = "mon 01:00-03:00";
        entry(b, "globex-ticks").pending = { volume: { sizeGiB: 3000 } };
        entry(b, "hooli-events").maintenanceWindow = "mon 01:00-03:00";
        entry(b, "hooli-events").pending = {};
    }));
    const fields = problems.map((p) => p.split(":")[0]).sort();
    assert.deepEqual(fields, [
        'database "globex-ticks" pending', 'database "globex-ticks" pending.volume', 'database "hooli-events" pending',
        'database "stark-telemetry" pending', 'database "wayne-finance" pending.instanceType', 'database "wayne-finance" pending.questdbVersion',
    ], problems.join("\n"));
    assert.match(problems.find((p) => p.startsWith('database "stark-telemetry"')) ?? "", /no maintenanceWindow.*move these fields into the entry itself/);
    assert.match(problems.find((p) => p.startsWith('database "wayne-finance" pending.questdbVersion')) ?? "", /set pending\.questdbVersion to/);
});

test("a valid pending block renders nothing of itself and is reported with what it will change", () => {
    const inventory = validateInventory(prodWith((b) => {
        entry(b, "acme-analytics").maintenanceWindow = "sun 02:00-04:00";
        entry(b, "acme-analytics").pending = { questdbVersion: "8.2.4", serverConf: { "query.timeout.sec": 90 } };
    }));
    const acme = spec(inventory, "acme-analytics");
    assert.equal(acme.questdbVersion, "8.2.3");
    assert.equal(acme.channel, "stable");
    assert.deepEqual(acme.serverConf, {});
    assert.deepEqual(pendingReport(inventory), {
        "acme-analytics": {
            maintenanceWindow: "sun 02:00-04:00",
            changes: {
                questdbVersion: { live: "8.2.3", pending: "8.2.4" },
                serverConfChecksum: { live: serverConfChecksum({}), pending: serverConfChecksum({ "query.timeout.sec": "90" }) },
            },
        },
    });
});

test("a live disruptive edit of a database with a window is refused, naming the window and both fixes", () => {
    for (const [field, value] of [["questdbVersion", "8.2.4"], ["nodeImage", "1.31.4-20250123"], ["instanceType", "m7g.2xlarge"], ["nodeProvisioner", "karpenter"]] as const) {
        const problems = transition((b) => { entry(b, "wayne-finance")[field] = value; });
        assert.equal(problems.length, 1, `${field}: ${JSON.stringify(problems)}`);
        assert.equal(problems[0].where, 'database "wayne-finance"');
        assert.equal(problems[0].field, field);
        assert.equal(problems[0].value, value);
        assert.match(problems[0].reason, /maintenance window "sun 02:00-04:00" \(UTC\)/);
        assert.ok(problems[0].fix.includes(`\`git checkout -- Pulumi.prod.yaml\` restores the file`), problems[0].fix);
        assert.ok(problems[0].fix.includes(`then \`npx qdb set --stack prod wayne-finance ${field}=${value}\` writes the change under \`pending:\`, which \`npx qdb promote --stack prod\` applies`), problems[0].fix);
        assert.ok(problems[0].fix.endsWith('or, to apply it now, `npx qdb set --stack prod wayne-finance maintenanceOverride="<reason>"` (shown in impact)'), problems[0].fix);
    }
    const conf = transition((b) => { (entry(b, "wayne-finance").serverConf as Entry)["query.timeout.sec"] = 30; });
    assert.deepEqual(conf.map((p) => p.field), ["serverConf"]);
    // A server.conf edit has no one value to print: the wait is described, the override is a command.
    assert.doesNotMatch(conf[0].fix, /npx qdb set --stack prod wayne-finance serverConf/);
    assert.match(conf[0].fix, /`npx qdb set --stack prod wayne-finance maintenanceOverride="<reason>"`/);
});

test("the same change under pending:, or with a new maintenanceOverride, is allowed; a window alone changes nothing", () => {
    assert.deepEqual(transition((b) => { entry(b, "wayne-finance").pending = { questdbVersion: "8.2.4" }; }), []);
    assert.deepEqual(transition((b) => { Object.assign(entry(b, "wayne-finance"), { questdbVersion: "8.2.4", maintenanceOverride: "CVE fix, OPS-1" }); }), []);
    assert.deepEqual(transition(() => undefined), []);
});

test("an override counts once: a later disruptive edit under the same reason is refused", () => {
    const withOverride = (b: Body) => Object.assign(entry(b, "wayne-finance"), { maintenanceWindow: "sun 02:00-04:00", questdbVersion: "8.2.4", maintenanceOverride: "CVE fix, OPS-1" });
    const before = validateInventory(prodWith(withOverride));
    const after = validateInventory(prodWith((b) => { withOverride(b); entry(b, "wayne-finance").nodeImage = "1.31.4-20250123"; }));
    const problems = checkTransitions(facts(before), after);
    assert.equal(problems.length, 1);
    assert.match(problems[0].reason, /maintenanceOverride was already deployed and counts once/);
});

test("a promotion applies when its promotedAt is inside the window and new; outside it, or reused, it is refused", () => {
    const promoted = (at: string) => (b: Body) => Object.assign(entry(b, "wayne-finance"), { questdbVersion: "8.2.4", promotedAt: at });
    assert.deepEqual(transition(promoted("2026-12-06T02:15:00Z")), []); // a Sunday, 02:15
    const outside = transition(promoted("2026-12-06T04:15:00Z"));
    assert.equal(outside.length, 1);
    assert.match(outside[0].reason, /promotedAt 2026-12-06T04:15:00Z is outside the window/);
    const before = validateInventory(prodWith((b) => { entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-04:00"; entry(b, "wayne-finance").promotedAt = "2026-12-06T02:15:00Z"; }));
    const after = validateInventory(prodWith((b) => { entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-04:00"; promoted("2026-12-06T02:15:00Z")(b); }));
    assert.equal(checkTransitions(facts(before), after).length, 1);
});

test("without a window, paused, or not yet deployed: a disruptive edit applies at once", () => {
    const base = validateInventory(prodWith(() => undefined));
    const edited = validateInventory(prodWith((b) => { entry(b, "wayne-finance").questdbVersion = "8.2.4"; }));
    assert.deepEqual(checkTransitions(facts(base), edited), []);
    assert.deepEqual(transition((b) => { Object.assign(entry(b, "wayne-finance"), { state: "paused", questdbVersion: "8.2.4" }); }), []);
    const windowed = validateInventory(prodWith((b) => { Object.assign(entry(b, "wayne-finance"), { maintenanceWindow: "sun 02:00-04:00", questdbVersion: "8.2.4" }); }));
    const { "wayne-finance": _, ...others } = facts(base);
    assert.deepEqual(checkTransitions(others, windowed), []);
});

test("facts written before windows existed hold no version of the node: nothing is compared", () => {
    const problems = transition((b) => { entry(b, "wayne-finance").nodeImage = "1.31.4-20250123"; });
    assert.equal(problems.length, 1);
    const before = validateInventory(prodWith((b) => { entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-04:00"; }));
    const old = Object.fromEntries(Object.entries(facts(before)).map(([id, f]) => [id, { state: f.state, availabilityZone: f.availabilityZone, sizeGiB: f.sizeGiB, restoreFromSnapshot: f.restoreFromSnapshot }]));
    const after = validateInventory(prodWith((b) => { Object.assign(entry(b, "wayne-finance"), { maintenanceWindow: "sun 02:00-04:00", nodeImage: "1.31.4-20250123" }); }));
    assert.deepEqual(checkTransitions(old, after), []);
});

test("a region edit that would restart databases with windows is refused for each, saying where the value comes from", () => {
    const before = validateInventory(prodWith((b) => { region(b).defaults.maintenanceWindow = "sun 02:00-04:00"; }));
    const after = validateInventory(prodWith((b) => { region(b).defaults.maintenanceWindow = "sun 02:00-04:00"; region(b).channels.stable = "8.2.4"; region(b).defaults.nodeImage = "1.31.4-20250123"; }));
    const problems = checkTransitions(facts(before), after);
    const byId = Object.fromEntries(problems.map((p) => [p.where, p.reason]));
    assert.match(byId['database "acme-analytics"'], /questdbVersion 8\.2\.3 -> 8\.2\.4 \(from the region's channels\.stable\), nodeImage .* \(the value of the region's defaults\.nodeImage/);
    // initech pins its version, wayne its node image and version; tyrell is paused.
    assert.ok(!('database "tyrell-sensors"' in byId));
    assert.ok(!('database "wayne-finance"' in byId));
    assert.match(byId['database "initech-metrics"'], /nodeImage/);
    assert.doesNotMatch(byId['database "initech-metrics"'], /questdbVersion/);
});

test("on the Karpenter path a node image or instance type change waits in the NodePool's Drifted budget, so it is not refused", () => {
    const karpenter = (b: Body) => Object.assign(entry(b, "wayne-finance"), { nodeProvisioner: "karpenter" });
    const before = validateInventory(prodWith((b) => { karpenter(b); entry(b, "wayne-finance").maintenanceWindow = "sun 02:00-04:00"; }));
    const after = validateInventory(prodWith((b) => { karpenter(b); Object.assign(entry(b, "wayne-finance"), { maintenanceWindow: "sun 02:00-04:00", nodeImage: "1.31.4-20250123", instanceType: "m7g.2xlarge" }); }));
    assert.deepEqual(checkTransitions(facts(before), after), []);
    assert.deepEqual(spec(after, "wayne-finance").maintenanceWindow, { day: "sun", startMinute: 120, durationMinutes: 120 });
    const version = validateInventory(prodWith((b) => { karpenter(b); Object.assign(entry(b, "wayne-finance"), { maintenanceWindow: "sun 02:00-04:00", questdbVersion: "8.2.4" }); }));
    assert.equal(checkTransitions(facts(before), version).length, 1);
});
