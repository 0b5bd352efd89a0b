/**
 * Generated valid fleets through the real program (a child process per render, ~2 s each, so a
 * handful of runs with a fixed seed): each renders, its names are unique and come from the ids
 * alone (a shuffled inventory registers the same resources with the same inputs), no two
 * databases share a node group, volume, namespace or DNS name, and the policy holds.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { validateInventory } from "../../inventory";
import { formatViolation, violationsOf } from "../../policy/offline";
import { Render } from "../../render";
import { TYPES, rawConfigOf, renderStackBody, resource } from "../support/stacks";
import { Entry, databasesArb, withDatabases } from "./arbitraries";

const SEED = 42;
const NUM_RUNS = 3;
const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

type Json = Record<string, any>;

/** The id-derived identities that must never be shared, per database. */
function identities(render: Render, id: string): Record<string, string> {
    const input = (type: string, part: string) => resource(render, type, `${id}-${part}`).inputs as Json;
    return {
        nodeGroup: input(TYPES.nodeGroup, "node").nodeGroupNamePrefix,
        volume: input(TYPES.volume, "volume").tags.Name,
        namespace: input(TYPES.namespace, "namespace").metadata.name,
        dns: input(TYPES.record, "dns").name,
    };
}

/** A fleet and a reordering of it that differs whenever the fleet has two databases or more. */
const fleetAndShuffle = databasesArb(4).chain((databases) =>
    fc.shuffledSubarray(databases, { minLength: databases.length, maxLength: databases.length }).map((shuffled) => {
        const same = shuffled.every((d, i) => d.id === databases[i].id);
        return { databases, shuffled: same ? [...databases].reverse() : shuffled };
    }));

describe("render fuzzing", () => {
    it("valid fleets validate, render, keep names under reordering, and share nothing", { timeout: 300_000 }, async () => {
        let largestFleet = 0;
        await fc.assert(fc.asyncProperty(fleetAndShuffle, async ({ databases, shuffled }: { databases: Entry[]; shuffled: Entry[] }) => {
            const ids = databases.map((d) => d.id as string);
            largestFleet = Math.max(largestFleet, ids.length);
            assert.equal(validateInventory(rawConfigOf(withDatabases(databases))).databases.length, ids.length);
            const [render, reordered] = await Promise.all([
                renderStackBody("fuzz", withDatabases(databases)),
                renderStackBody("fuzz", withDatabases(shuffled)),
            ]);

            const keys = render.resources.map(key);
            assert.equal(new Set(keys).size, keys.length, "every (type, name) is unique");
            assert.deepEqual(new Set(reordered.resources.map(key)), new Set(keys));
            const byKey = new Map(reordered.resources.map((r) => [key(r), r]));
            for (const r of render.resources) {
                assert.deepEqual(byKey.get(key(r))?.inputs, r.inputs, `${key(r)} keeps its inputs when reordered`);
            }

            const deployments = render.resources.filter((r) => r.type === TYPES.deployment).map((r) => r.name).sort();
            assert.deepEqual(deployments, [...ids].sort());
            const seen = new Map<string, string>();
            for (const id of ids) {
                for (const [what, value] of Object.entries(identities(render, id))) {
                    assert.ok(value, `${id} has a ${what}`);
                    const owner = seen.get(`${what}=${value}`);
                    assert.equal(owner, undefined, `${id} and ${owner} share ${what} ${value}`);
                    seen.set(`${what}=${value}`, id);
                }
            }
            assert.deepEqual(violationsOf(render.resources).map(formatViolation), []);
        }), { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true });
        // Sharing and reordering mean nothing with one database: the seed must reach a fleet.
        assert.ok(largestFleet >= 2, `the largest generated fleet had ${largestFleet} database(s)`);
    });
});
