import assert from "node:assert/strict";
import { test } from "node:test";
import { InventoryError, parseSchedule, validateInventory } from "../../inventory";
import { rawConfigOf, shippedStackBody } from "../support/stacks";

const HOUR = 3600;
const DAY = 24 * HOUR;

test("DLM cron converts to Kubernetes cron, days of the week shifted from 1-7 to 0-6", () => {
    assert.deepEqual(parseSchedule("cron(0 3 * * ? *)"), { kubernetes: "0 3 * * *", intervalSeconds: DAY });
    assert.deepEqual(parseSchedule("cron(0 5 ? * SUN *)"), { kubernetes: "0 5 * * SUN", intervalSeconds: 7 * DAY });
    assert.deepEqual(parseSchedule("cron(30 2 ? * 2-6 *)"), { kubernetes: "30 2 * * 1-5", intervalSeconds: 3 * DAY });
    assert.deepEqual(parseSchedule("cron(0 1 ? * 1,7 *)"), { kubernetes: "0 1 * * 0,6", intervalSeconds: 6 * DAY });
    assert.deepEqual(parseSchedule("cron(0 */6 * * ? *)"), { kubernetes: "0 */6 * * *", intervalSeconds: 6 * HOUR });
    assert.deepEqual(parseSchedule("cron(15 0,12 * * ? *)"), { kubernetes: "15 0,12 * * *", intervalSeconds: 12 * HOUR });
    // Monthly: the longest gap is between 31 and 31+... days; twice it is what "stale" means.
    assert.deepEqual(parseSchedule("cron(0 4 1 * ? *)"), { kubernetes: "0 4 1 * *", intervalSeconds: 31 * DAY });
    // Mondays of January and July: the longest gap runs from the last Monday of January to the first of July.
    const halfYearly = parseSchedule("cron(0 4 ? JAN,JUL MON *)") as { kubernetes: string; intervalSeconds: number };
    assert.equal(halfYearly.kubernetes, "0 4 * JAN,JUL MON");
    assert.ok(halfYearly.intervalSeconds > 150 * DAY && halfYearly.intervalSeconds <= 161 * DAY, String(halfYearly.intervalSeconds / DAY));
});

test("what a CronJob cannot run, or what runs more than hourly, is refused with the reason", () => {
    assert.equal(parseSchedule("cron(0/5 * * * ? *)"), "it runs every 5 minutes; a checkpointed snapshot may run at most hourly");
    assert.equal(parseSchedule("cron(0 3 * * ? 2027)"), 'its year field "2027" cannot be expressed by a Kubernetes CronJob');
    assert.equal(parseSchedule("cron(0 3 L * ? *)"), "L, W and # have no Kubernetes cron equivalent");
    assert.equal(parseSchedule("cron(0 3 ? * 2#1 *)"), "L, W and # have no Kubernetes cron equivalent");
    assert.equal(parseSchedule("cron(0 3 * * MON *)"), 'exactly one of day-of-month and day-of-week must be "?", as in DLM');
    assert.equal(parseSchedule("cron(0 25 * * ? *)"), 'the hours field has "25", outside 0-23');
    assert.equal(parseSchedule("rate(1 day)"), "it is not of the form cron(minutes hours day-of-month month day-of-week year)");
    assert.equal(parseSchedule("cron(0 3 30 2 ? *)"), "it runs less than twice in two years");
    // Names containing L or W (JUL, WED) are names, not DLM's L and W.
    assert.equal(typeof parseSchedule("cron(0 3 ? JUL WED *)"), "object");
});

test("backup.drill is validated with every problem listed; region defaults carry it to every database", () => {
    const body = shippedStackBody("prod");
    const dbs = body.config["questdb-cloud:databases"] as Record<string, unknown>[];
    dbs[0].backup = { drill: { schedule: "cron(0 5 ? * 9 *)" } };
    dbs[1].backup = { drill: { when: "sunday" } };
    dbs[2].backup = { drill: "weekly" };
    try {
        validateInventory(rawConfigOf(body, "prod"));
        assert.fail("expected an InventoryError");
    } catch (err) {
        assert.ok(err instanceof InventoryError);
        const lines = err.problems.map((p) => `${p.where} ${p.field}: ${p.reason}`);
        assert.deepEqual(lines, [
            'database "acme-analytics" backup.drill.schedule: cannot be scheduled: the day-of-week field has "9", outside 1-7',
            'database "globex-ticks" backup.drill.when: is not a known field',
            'database "globex-ticks" backup.drill.schedule: this field is required',
            'database "initech-metrics" backup.drill: expected an object',
        ]);
    }
    const withDefault = shippedStackBody("prod");
    ((withDefault.config["questdb-cloud:region"] as any).defaults.backup).drill = { schedule: "cron(0 6 ? * SAT *)" };
    const inventory = validateInventory(rawConfigOf(withDefault, "prod"));
    assert.deepEqual(inventory.databases.find((d) => d.id === "acme-analytics")?.backup, { schedule: "cron(0 3 * * ? *)", retainDays: 7, drill: { schedule: "cron(0 6 ? * SAT *)" } });
    // wayne-finance's own drill wins over the region's.
    assert.deepEqual(inventory.databases.find((d) => d.id === "wayne-finance")?.backup.drill, { schedule: "cron(0 5 ? * SUN *)" });
});
