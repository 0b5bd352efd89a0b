/** The fault files' pure helpers (e2e/faults): the CI summary line and what the writers' acknowledgements count. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acknowledgedIds, batchIds, rowsOf } from "../../e2e/faults/acknowledged";
import { formatFaultsSummary } from "../../e2e/faults/summary";

describe("formatFaultsSummary", () => {
    it("prints both halves in the issue's form", () => {
        assert.equal(formatFaultsSummary({ interruptedUps: 7, converged: 7, orphans: 0, acknowledgedRows: 12000, lostRows: 0 }),
            "faults: 7 interrupted ups, 7 converged, 0 orphaned objects; 12000 acknowledged rows, 0 lost");
    });

    it("prints a half a file does not measure as n/a, and keeps a real 0", () => {
        assert.equal(formatFaultsSummary({ acknowledgedRows: 12000, lostRows: 0 }),
            "faults: n/a interrupted ups, n/a converged, n/a orphaned objects; 12000 acknowledged rows, 0 lost");
        assert.equal(formatFaultsSummary({ interruptedUps: 3, converged: 2, orphans: 1 }),
            "faults: 3 interrupted ups, 2 converged, 1 orphaned objects; n/a acknowledged rows, n/a lost");
    });
});

describe("acknowledged rows", () => {
    it("numbers a batch's rows as writer.py does, the last batch short", () => {
        assert.deepEqual(batchIds(0, 250, 100).length, 100);
        assert.deepEqual(batchIds(2, 250, 100), Array.from({ length: 50 }, (_, i) => 200 + i));
    });

    it("counts each acknowledged batch once per table, ignoring errors and replays", () => {
        const acked = acknowledgedIds(["ack t_plain 0", "ack t_dedup 0", "error 1 ConnectionRefused", "replay t_plain 0", "ack t_plain 1", "ack t_plain 1", "done"], 150, 100);
        assert.equal(acked.get("t_plain")?.size, 150);
        assert.equal(acked.get("t_dedup")?.size, 100);
        assert.equal(acked.has("replay"), false);
    });

    it("tells rows from distinct ids", () => {
        const held = rowsOf([[1], [2], [2], [3]]);
        assert.equal(held.count, 4);
        assert.deepEqual([...held.distinct], [1, 2, 3]);
    });
});
