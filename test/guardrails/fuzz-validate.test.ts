/**
 * The validator under fuzzing (pure, so thousands of runs are cheap): whatever the config holds,
 * it either returns an inventory or throws an InventoryError that lists at least one problem;
 * every valid fleet validates; one bad field is reported against that field and that database.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InventoryError, RawStackConfig, formatProblem, validateInventory } from "../../inventory";
import { rawConfigOf } from "../support/stacks";
import { baseBody, databasesArb, entryArb, withDatabases } from "./arbitraries";
import { INVALID_VALUES, duplicateIdArb, mutationArb, whereOf } from "./mutations";

const SEED = 42;

/** Runs the validator; returns the InventoryError, undefined on success; rethrows anything else. */
function validationError(raw: RawStackConfig): InventoryError | undefined {
    try {
        validateInventory(raw);
        return undefined;
    } catch (err) {
        if (err instanceof InventoryError) return err;
        throw new Error(`validateInventory threw a ${(err as Error)?.name ?? typeof err}, not an InventoryError: ${String(err)}`);
    }
}

function assertWellFormed(err: InventoryError | undefined): void {
    if (err === undefined) return;
    assert.ok(err.message.trim().length > 0);
    assert.ok(err.problems.length > 0);
    for (const p of err.problems) {
        // field may be "" when the config's key itself is the empty string; the message quotes it.
        assert.ok(p.where && typeof p.field === "string" && p.reason && p.fix, formatProblem(err.stack, p));
    }
}

/**
 * Config arrives as JSON, but the validator is shared with tools that build configs in code, so
 * garbage is anything: odd objects, BigInts, sparse arrays (all once found to break the report).
 */
const garbage = fc.anything({ withNullPrototype: true, withDate: true, withMap: true, withSet: true, withBigInt: true, withSparseArray: true });
const fields = fc.constantFrom(...Object.keys(INVALID_VALUES), "volume", "serverConf", "__proto__", "constructor");
const garbageEntry = fc.oneof(garbage, fc.dictionary(fields, garbage), entryArb().chain((e) => fc.record({ ...Object.fromEntries(Object.keys(e).map((k) => [k, fc.constant(e[k])])), volume: garbage })));

describe("validator fuzzing", () => {
    it("throws nothing but a well-formed InventoryError, whatever the region and databases hold", () => {
        fc.assert(fc.property(garbage, garbage, garbage, fc.boolean(), (awsRegion, region, databases, hasCredentialsSeed) => {
            assertWellFormed(validationError({ stack: "fuzz", awsRegion, region, databases, hasCredentialsSeed }));
        }), { seed: SEED, numRuns: 500 });
    });

    it("throws nothing but a well-formed InventoryError for garbage entries in a valid region", () => {
        fc.assert(fc.property(fc.oneof(garbage, fc.array(garbageEntry, { maxLength: 4 })), (databases) => {
            const raw = rawConfigOf(withDatabases([]));
            assertWellFormed(validationError({ ...raw, databases }));
        }), { seed: SEED, numRuns: 500 });
    });

    it("validates every fleet built from valid pieces, keeping ids and order", () => {
        fc.assert(fc.property(databasesArb(), (databases) => {
            const inventory = validateInventory(rawConfigOf(withDatabases(databases)));
            assert.deepEqual(inventory.databases.map((d) => d.id), databases.map((d) => d.id));
        }), { seed: SEED, numRuns: 300 });
    });

    it("names the field and the database of one invalid field", () => {
        const check = ({ databases, index, field }: { databases: Record<string, unknown>[]; index: number; field: string }) => {
            const err = validationError(rawConfigOf(withDatabases(databases)));
            assert.ok(err, `${field} = ${JSON.stringify(databases[index][field])} was accepted`);
            assertWellFormed(err);
            const where = whereOf(databases[index], index);
            const named = err.problems.some((p) => p.where === where && (p.field === field || p.field.startsWith(`${field}.`)));
            assert.ok(named, `no problem names ${where} ${field}:\n${err.message}`);
        };
        fc.assert(fc.property(mutationArb(databasesArb()), check), { seed: SEED, numRuns: 300 });
        fc.assert(fc.property(duplicateIdArb(databasesArb()), check), { seed: SEED, numRuns: 50 });
    });

    it("the base region is valid on its own, so every failure above comes from the databases", () => {
        assert.deepEqual(validateInventory(rawConfigOf(baseBody())).databases, []);
    });
});
