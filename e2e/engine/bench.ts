/**
 * `npm run bench:engine [-- --sizes 10,30,60,100]`: wall times of the real engine on the
 * real-engine tier (docs/e2e-engine.md) per stack size (10, 30 and 60 databases by default): the
 * `up` that creates them, a no-change `preview`, a one-database edit's `preview` and `up`, the
 * state file's size, and the growth exponent of each time between consecutive sizes. Figures to
 * watch, not pass/fail; the machine's load moves them, so the load average is printed with them.
 * Kept out of CI (docs/decisions.md, "Cell size").
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { QUOTA_TYPE, readWorld, writeWorld } from "../fakeaws/provider";
import { EngineStack } from "./stack";
import { devStackYaml, newStack, startTier, zonesOf } from "./tier";
import { changedSteps } from "./steps";

const DEFAULT_SIZES = "10,30,60";

/** `--sizes a,b,c` or QDB_BENCH_ENGINE_SIZES, ascending and distinct. */
export function benchSizes(argv: readonly string[], env: NodeJS.ProcessEnv): number[] {
    const flag = argv.indexOf("--sizes");
    const text = flag >= 0 ? argv[flag + 1] : env.QDB_BENCH_ENGINE_SIZES ?? DEFAULT_SIZES;
    const sizes = (text ?? "").split(",").map((s) => Number(s.trim()));
    if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new Error(`bench:engine: --sizes wants positive whole numbers separated by commas, got "${text}" (e.g. npm run bench:engine -- --sizes 10,30,60,100)`);
    }
    return [...new Set(sizes)].sort((a, b) => a - b);
}

/** k in t ~ n^k between two sizes: how much faster than the fleet a cost grows. */
export function growthExponent(n1: number, t1: number, n2: number, t2: number): number {
    return Math.log(t2 / t1) / Math.log(n2 / n1);
}

interface Row {
    readonly size: number;
    readonly upCreate: number;
    readonly noChange: number;
    readonly editPreview: number;
    readonly editUp: number;
    readonly editSteps: number;
    readonly stateBytes: number;
    readonly load: number;
}

/** The file backend's checkpoint of the stack (`.pulumi/stacks/<project>/<stack>.json`). */
function stateFileBytes(stack: EngineStack): number {
    const root = path.join(fileURLToPath(stack.env.PULUMI_BACKEND_URL.replace(/\?.*$/, "")), ".pulumi", "stacks");
    const found = fs.readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => path.basename(f) === `${stack.stackName}.json`);
    if (found.length !== 1) {
        throw new Error(`bench:engine: expected one checkpoint named ${stack.stackName}.json under ${root}, found ${found.length}`);
    }
    return fs.statSync(path.join(root, found[0])).size;
}

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

/**
 * The managed node group quota raised for the stack, as an operator would ask AWS before a region
 * outgrows the default 30: the program's preflight refuses a stack that needs more than its quota.
 */
function raiseNodeGroupQuota(stack: EngineStack, value: number): void {
    const world = readWorld(stack.worldFile);
    world["quota:eks/L-6D54EA21"] = { type: QUOTA_TYPE, inputs: {}, outputs: { value } };
    writeWorld(stack.worldFile, world);
}

async function measure(stack: EngineStack, size: number, zones: readonly string[]): Promise<Row> {
    raiseNodeGroupQuota(stack, size + 10);
    // Ids of its own per size: the sizes do not see each other.
    const databases = Array.from({ length: size }, (_, i) => ({ id: `b${size}-${String(i).padStart(3, "0")}`, availabilityZone: zones[i % zones.length] }));
    stack.setDatabases(databases);
    const [, upCreate] = await timed(() => stack.up());
    const [, noChange] = await timed(() => stack.preview());
    stack.setDatabases(databases.map((d, i) => (i === 0 ? { ...d, volume: { sizeGiB: 20 + size } } : d)));
    const [, editPreview] = await timed(() => stack.preview());
    const [edit, editUp] = await timed(() => stack.up());
    return { size, upCreate, noChange, editPreview, editUp, editSteps: changedSteps(edit.steps).length, stateBytes: stateFileBytes(stack), load: os.loadavg()[0] };
}

const seconds = (s: number) => `${s.toFixed(1)} s`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function table(rows: readonly Row[]): string[][] {
    const header = ["databases", "up (create)", "preview, no change", "preview, one-db edit", "up, one-db edit", "steps of the edit", "state file", "state per db", "load (1 min)"];
    return [header, ...rows.map((r) => [String(r.size), seconds(r.upCreate), seconds(r.noChange), seconds(r.editPreview), seconds(r.editUp),
        String(r.editSteps), kib(r.stateBytes), kib(r.stateBytes / r.size), r.load.toFixed(1)])];
}

function exponents(rows: readonly Row[]): string[][] {
    const header = ["sizes", "up (create)", "preview, no change", "preview, one-db edit", "up, one-db edit", "state file"];
    const pairs = rows.slice(1).map((r, i) => [rows[i], r] as const);
    return [header, ...pairs.map(([a, b]) => [`${a.size} -> ${b.size}`,
        ...(["upCreate", "noChange", "editPreview", "editUp", "stateBytes"] as const).map((k) => `n^${growthExponent(a.size, a[k], b.size, b[k]).toFixed(2)}`)])];
}

function print(rows: readonly string[][]): void {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const row of rows) {
        console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  "));
    }
}

async function main(): Promise<void> {
    const sizes = benchSizes(process.argv.slice(2), process.env);
    const yaml = benchStackYaml(Math.max(...sizes));
    const zones = zonesOf(yaml);
    const tier = await startTier(zones);
    const rows: Row[] = [];
    try {
        for (const size of sizes) {
            // A stack and backend per size.
            rows.push(await measure(await newStack(tier, "dev", yaml), size, zones));
            // Each size's figures as soon as they exist: a later size that fails keeps them.
            console.log(`[bench:engine] ${table(rows.slice(-1))[1].join(", ")}`);
        }
    } finally {
        await tier.stop();
    }
    print(table(rows));
    if (rows.length > 1) {
        console.log("");
        print(exponents(rows));
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
