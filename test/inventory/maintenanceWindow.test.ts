/** Maintenance windows (inventory/maintenanceWindow.ts): parsing, open-at, next opening, Karpenter budget form. Pure. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MaintenanceWindow, formatMaintenanceWindow, karpenterBudgetWindow, nextOpening, parseMaintenanceWindow, windowOpenAt } from "../../inventory/maintenanceWindow";

function parse(text: string): MaintenanceWindow {
    const parsed = parseMaintenanceWindow(text);
    assert.ok("window" in parsed, `${text}: ${"problem" in parsed ? parsed.problem : ""}`);
    return parsed.window;
}

test("a window parses to its day, start and length, crossing midnight too", () => {
    assert.deepEqual(parse("sun 02:00-04:00"), { day: "sun", startMinute: 120, durationMinutes: 120 });
    assert.deepEqual(parse("sat 23:00-01:30"), { day: "sat", startMinute: 23 * 60, durationMinutes: 150 });
    assert.deepEqual(parse("Mon 00:00-24:00"), { day: "mon", startMinute: 0, durationMinutes: 1440 });
});

test("a malformed window is a problem that shows the format with an example", () => {
    for (const bad of ["sunday 02:00-04:00", "sun 2:00-4:00", "sun 02:00", "sun 25:00-26:00", "sun 02:00-02:00", "sun 02:00-24:30", 7]) {
        const parsed = parseMaintenanceWindow(bad);
        assert.ok("problem" in parsed, String(bad));
        assert.match(parsed.problem, /e\.g\. "sun 02:00-04:00"/, String(bad));
    }
});

test("open from its start (inclusive) to its end (exclusive), in UTC, across midnight and the week's end", () => {
    const sunday = parse("sun 02:00-04:00");
    assert.equal(windowOpenAt(sunday, new Date("2026-12-06T02:00:00Z")), true); // a Sunday
    assert.equal(windowOpenAt(sunday, new Date("2026-12-06T03:59:59Z")), true);
    assert.equal(windowOpenAt(sunday, new Date("2026-12-06T04:00:00Z")), false);
    assert.equal(windowOpenAt(sunday, new Date("2026-12-06T01:59:00Z")), false);
    assert.equal(windowOpenAt(sunday, new Date("2026-12-07T02:30:00Z")), false); // Monday
    const saturdayNight = parse("sat 23:00-01:00");
    assert.equal(windowOpenAt(saturdayNight, new Date("2026-12-05T23:30:00Z")), true); // Saturday
    assert.equal(windowOpenAt(saturdayNight, new Date("2026-12-06T00:30:00Z")), true); // Sunday morning
    assert.equal(windowOpenAt(saturdayNight, new Date("2026-12-06T01:00:00Z")), false);
});

test("the next opening is the window's next start, or now when it is open", () => {
    const sunday = parse("sun 02:00-04:00");
    assert.equal(nextOpening(sunday, new Date("2026-12-01T22:50:30Z")).toISOString(), "2026-12-06T02:00:00.000Z");
    assert.equal(nextOpening(sunday, new Date("2026-12-06T04:00:00Z")).toISOString(), "2026-12-13T02:00:00.000Z");
    const open = new Date("2026-12-06T03:00:00Z");
    assert.equal(nextOpening(sunday, open), open);
});

test("as a Karpenter budget: cron minute hour * * weekday, and a duration in hours and minutes", () => {
    assert.deepEqual(karpenterBudgetWindow(parse("sun 02:00-04:00")), { schedule: "0 2 * * 0", duration: "2h" });
    assert.deepEqual(karpenterBudgetWindow(parse("sat 23:15-01:00")), { schedule: "15 23 * * 6", duration: "1h45m" });
    assert.deepEqual(karpenterBudgetWindow(parse("wed 10:00-10:30")), { schedule: "0 10 * * 3", duration: "30m" });
});

test("formatting gives back the normalised text; a whole day ends at 00:00", () => {
    assert.equal(formatMaintenanceWindow(parse("SUN 02:00-04:00")), "sun 02:00-04:00");
    assert.equal(formatMaintenanceWindow(parse("sat 23:00-01:30")), "sat 23:00-01:30");
    assert.equal(formatMaintenanceWindow(parse("mon 00:00-24:00")), "mon 00:00-00:00");
});
