/**
 * The waves `qdb rollout` moves a version or a node image through (docs/decisions.md, "Rollout
 * waves and gates"). Pure and derived from ids and AZs alone, never from list position, so every
 * run of the tool (and `qdb rollout status`, and impact) computes the same plan from the same file.
 */
import type { DatabaseSpec, Inventory } from "./types";

/** The fields a rollout moves: each restarts or moves a database, so each goes under `pending:` where a window applies. */
export const ROLLOUT_FIELDS = ["questdbVersion", "nodeImage"] as const;
export type RolloutField = (typeof ROLLOUT_FIELDS)[number];

/**
 * Wave sizes: one canary, then doubling (1, 2, 4, 8, ...). A fault that shows on one database is
 * caught at one restart; each passed wave doubles the evidence for the next, so a fleet of n
 * takes about log2(n) waves, and 30 databases (the default capacity) five.
 */
export const WAVE_SIZES = { first: 1, growth: 2 } as const;

export interface Wave {
    /** 0 is the canary wave. */
    readonly index: number;
    readonly ids: readonly string[];
}

type Placed = Pick<DatabaseSpec, "id" | "availabilityZone" | "state">;

/**
 * The plan over every database that has a node to restart (decommissioned ones have none).
 * A wave before the last never holds every database of an AZ (it takes at most all but one of
 * them), so an AZ-wide fault during a wave never meets an AZ that is wholly new; a wave is filled
 * round-robin over the AZs (sorted by name), each AZ's databases by id. The one exception is the
 * canary of a fleet with one database in every AZ (dev's two sandboxes): without it the whole
 * fleet would be one wave, and one database restarting first is worth more than the AZ rule.
 */
export function planWaves(databases: readonly Placed[]): Wave[] {
    const candidates = databases.filter((d) => d.state !== "decommissioned").sort((a, b) => a.id.localeCompare(b.id));
    const azTotal = countBy(candidates.map((d) => d.availabilityZone));
    let remaining = candidates;
    const waves: Wave[] = [];
    for (let size: number = WAVE_SIZES.first; remaining.length > 0; size *= WAVE_SIZES.growth) {
        const ids = remaining.length <= size ? remaining.map((d) => d.id) : fillWave(remaining, size, azTotal);
        // No database can join without emptying an AZ (every AZ has one left): the rest is the last
        // wave. Except the canary: a fleet of one database per AZ still restarts one database first.
        const canaryOnly = waves.length === 0 && ids.length === 0;
        const wave = ids.length > 0 ? ids : canaryOnly ? [remaining[0].id] : remaining.map((d) => d.id);
        waves.push({ index: waves.length, ids: wave });
        remaining = remaining.filter((d) => !wave.includes(d.id));
    }
    return waves;
}

function countBy(keys: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const key of keys) {
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
}

/** Up to `size` ids, one AZ at a time in turn, each AZ keeping at least one of its databases out of the wave. */
function fillWave(remaining: readonly Placed[], size: number, azTotal: ReadonlyMap<string, number>): string[] {
    const byAz = new Map<string, Placed[]>();
    for (const d of remaining) {
        byAz.set(d.availabilityZone, [...(byAz.get(d.availabilityZone) ?? []), d]);
    }
    const zones = [...byAz.keys()].sort();
    const taken = new Map<string, number>();
    const ids: string[] = [];
    for (let progress = true; progress && ids.length < size;) {
        progress = false;
        for (const zone of zones) {
            const next = byAz.get(zone)?.[taken.get(zone) ?? 0];
            const count = taken.get(zone) ?? 0;
            if (ids.length < size && next && count + 1 < (azTotal.get(zone) ?? 0)) {
                ids.push(next.id);
                taken.set(zone, count + 1);
                progress = true;
            }
        }
    }
    return ids;
}

/** What the file asks a database to run: the live field (resolved through channel and default). */
export function liveValueOf(database: DatabaseSpec, field: RolloutField): string {
    return database[field];
}

/** What its `pending:` block will make it run, when it has one. */
export function pendingValueOf(database: DatabaseSpec, field: RolloutField): string | undefined {
    return database.pending?.promoted[field];
}

/** The wave is written for this database: its live field or its pending block has the target. */
export function isWritten(database: DatabaseSpec, field: RolloutField, target: string): boolean {
    return liveValueOf(database, field) === target || pendingValueOf(database, field) === target;
}

export interface RolloutProgress {
    readonly waves: readonly Wave[];
    /** The first wave with a database not written yet; undefined when every wave is written. */
    readonly next?: Wave;
    /** The highest wave with a database written: the one the bake is timed for and a revert undoes. */
    readonly last?: Wave;
    /**
     * Every database written, in any wave: the ones the alert gate watches. Usually the waves
     * before `next`; when the plan shifted under the rollout (a database added whose id sorts
     * first), a written database may sit in a later wave, and it is still watched.
     */
    readonly previousIds: readonly string[];
}

export function rolloutProgress(inventory: Inventory, field: RolloutField, target: string): RolloutProgress {
    const waves = planWaves(inventory.databases);
    const byId = new Map(inventory.databases.map((d) => [d.id, d]));
    const written = (id: string) => isWritten(byId.get(id) as DatabaseSpec, field, target);
    const next = waves.find((w) => w.ids.some((id) => !written(id)));
    const last = [...waves].reverse().find((w) => w.ids.some(written));
    return { waves, next, last, previousIds: waves.flatMap((w) => w.ids).filter(written).sort() };
}

/** How many databases of a wave restart at once, in total and per AZ: what impact and the tool print. */
export function restartsPerAz(databases: readonly Placed[]): { total: number; perAz: Record<string, number> } {
    const perAz = Object.fromEntries([...countBy(databases.map((d) => d.availabilityZone))].sort(([a], [b]) => a.localeCompare(b)));
    return { total: databases.length, perAz };
}
