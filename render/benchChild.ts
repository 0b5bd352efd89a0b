// Child-process entry of `npm run bench`: reads a BenchJob on stdin, renders once under mocks and
// prints one JSON line (a BenchSample). A config error exits 2 with the message on stderr (as
// render/cli.ts does).
import { createHook } from "async_hooks";
import * as fs from "fs";
import { InventoryError, QUESTDB_DEPLOYMENT_TYPE } from "../inventory";
import { registerDummies } from "./dummyFloor";
import { MAIN_PROGRAM, Program, renderInProcess } from "./inProcess";
import { replayResources } from "./replay";
import { Render, RenderRequest } from "./types";

/** What to render: the real program, or one of the two floors it is compared with. */
export type BenchProgram =
    /** The real program. */
    | { readonly kind: "real" }
    /** The resources of a saved render, replayed through the providers' classes (render/replay.ts). */
    | { readonly kind: "replay"; readonly renderFile: string }
    /** `resources` trivial resources (render/dummyFloor.ts). */
    | { readonly kind: "dummy"; readonly resources: number };

export interface BenchJob {
    readonly program: BenchProgram;
    readonly request: RenderRequest;
    /** Where to write the render once timed: the real one feeds the replay floor, and tests read both. */
    readonly saveRenderTo?: string;
    /**
     * Count the promises the render creates: a measure of work that, unlike time, does not move
     * with this machine's load or the GC's timing. The counting hook slows the render, so a
     * counting job's time is not a sample. Default false.
     */
    readonly countPromises?: boolean;
}

export interface BenchSample {
    /** Wall time of the render, from the mocks' setup to the last registration. */
    readonly ms: number;
    /** Wall time to load the program's modules before the render (real program only; a fixed cost). */
    readonly loadMs: number;
    readonly resources: number;
    /** Resources per type of the first database: its component and the component's children. */
    readonly perType: Record<string, number>;
    /** process.resourceUsage().maxRSS: peak resident set of this process, in KiB. */
    readonly maxRssKiB: number;
    /** Promises created during the render; only when the job asked for `countPromises`. */
    readonly promises?: number;
}

const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

/** The program to time, prepared outside the timed render: modules loaded, saved render parsed. */
function prepare(program: BenchProgram): { run: Program; loadMs: number } {
    if (program.kind === "dummy") {
        return { run: () => registerDummies(program.resources), loadMs: 0 };
    }
    if (program.kind === "replay") {
        const { resources } = JSON.parse(fs.readFileSync(program.renderFile, "utf8")) as Render;
        return { run: () => replayResources(resources), loadMs: 0 };
    }
    const started = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(MAIN_PROGRAM);
    return { run: MAIN_PROGRAM, loadMs: elapsedMs(started) };
}

function perTypeOfFirstDatabase(render: Render): Record<string, number> {
    const perType: Record<string, number> = {};
    const first = render.resources.find((r) => r.type === QUESTDB_DEPLOYMENT_TYPE)?.name;
    render.resources.filter((r) => first !== undefined && (r.name === first || r.parent === first))
        .forEach((r) => (perType[r.type] = (perType[r.type] ?? 0) + 1));
    return perType;
}

/** Counts the promises created until stopped (every `new Promise`, `then` and `async` call). */
function promiseCounter(): { stop: () => number } {
    let created = 0;
    const hook = createHook({ init: (_id, type) => { created += type === "PROMISE" ? 1 : 0; } }).enable();
    return { stop: () => (hook.disable(), created) };
}

async function main(): Promise<void> {
    const { program, request, saveRenderTo, countPromises } = JSON.parse(fs.readFileSync(0, "utf8")) as BenchJob;
    const { run, loadMs } = prepare(program);
    const counter = countPromises ? promiseCounter() : undefined;
    const started = process.hrtime.bigint();
    const render = await renderInProcess(request, run);
    const ms = elapsedMs(started);
    const promises = counter?.stop();
    if (saveRenderTo) {
        fs.writeFileSync(saveRenderTo, JSON.stringify(render));
    }
    const sample: BenchSample = {
        ms, loadMs, resources: render.resources.length, perType: perTypeOfFirstDatabase(render), maxRssKiB: process.resourceUsage().maxRSS, promises,
    };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof InventoryError ? 2 : 1);
});
