/**
 * `npm run bench:engine`: wall times of the real engine on the real-engine tier (docs/e2e-engine.md)
 * for 10 and 30 databases: the `up` that creates them, a no-change `preview`, and a one-database
 * edit's `preview` and `up`. Figures to watch, not pass/fail; the machine's load moves them.
 */
import { parseDocument } from "yaml";
import { devStackYaml, newStack, startTier, zonesOf } from "./tier";
import { changedSteps } from "./steps";

const SIZES = (process.env.QDB_BENCH_ENGINE_SIZES ?? "10,30").split(",").map(Number);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
    const started = process.hrtime.bigint();
    const value = await fn();
    return [value, Number(process.hrtime.bigint() - started) / 1e9];
}

function benchStackYaml(maxDatabases: number): string {
    const doc = parseDocument(devStackYaml());
    doc.setIn(["config", "questdb-cloud:region", "maxDatabases"], maxDatabases);
    return doc.toString();
}

async function main(): Promise<void> {
    const yaml = benchStackYaml(Math.max(...SIZES));
    const zones = zonesOf(yaml);
    const tier = await startTier(zones);
    const rows: string[][] = [["databases", "up (create)", "preview, no change", "preview, one-db edit", "up, one-db edit", "steps of the edit"]];
    try {
        for (const size of SIZES) {
            // A stack (and backend) per size, and ids of its own: the sizes do not see each other.
            const stack = await newStack(tier, "dev", yaml);
            const databases = Array.from({ length: size }, (_, i) => ({ id: `b${size}-${String(i).padStart(3, "0")}`, availabilityZone: zones[i % zones.length] }));
            stack.setDatabases(databases);
            const [, upCreate] = await timed(() => stack.up());
            const [, noChange] = await timed(() => stack.preview());
            stack.setDatabases(databases.map((d, i) => (i === 0 ? { ...d, volume: { sizeGiB: 20 + size } } : d)));
            const [, editPreview] = await timed(() => stack.preview());
            const [edit, editUp] = await timed(() => stack.up());
            rows.push([String(size), upCreate, noChange, editPreview, editUp].map((v) => (typeof v === "number" ? `${v.toFixed(1)} s` : v))
                .concat(String(changedSteps(edit.steps).length)));
            console.log(`[bench:engine] ${size} databases done`);
        }
    } finally {
        await tier.stop();
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const row of rows) {
        console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
    }
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
