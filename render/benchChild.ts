// Child-process entry of `npm run bench`: reads {program: "real" | "floor", request} on stdin,
// renders once under mocks and prints one JSON line: wall time, resource counts and peak RSS.
// A config error exits 2 with the message on stderr (as render/cli.ts does).
import * as fs from "fs";
import * as path from "path";
import { InventoryError, QUESTDB_DEPLOYMENT_TYPE } from "../inventory";
import { renderInProcess } from "./inProcess";
import { RenderRequest } from "./types";

export interface BenchSample {
    readonly ms: number;
    readonly resources: number;
    /** Resources per type of the first database: its component and the component's children. */
    readonly perType: Record<string, number>;
    /** process.resourceUsage().maxRSS: peak resident set of this process, in KiB. */
    readonly maxRssKiB: number;
}

async function main(): Promise<void> {
    const { program, request } = JSON.parse(fs.readFileSync(0, "utf8")) as { program: "real" | "floor"; request: RenderRequest };
    const started = process.hrtime.bigint();
    const render = program === "floor"
        ? await renderInProcess(request, path.join(__dirname, "floorProgram.ts"))
        : await renderInProcess(request);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const perType: Record<string, number> = {};
    const first = render.resources.find((r) => r.type === QUESTDB_DEPLOYMENT_TYPE)?.name;
    render.resources.filter((r) => first !== undefined && (r.name === first || r.parent === first))
        .forEach((r) => (perType[r.type] = (perType[r.type] ?? 0) + 1));
    const sample: BenchSample = { ms, resources: render.resources.length, perType, maxRssKiB: process.resourceUsage().maxRSS };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof InventoryError ? 2 : 1);
});
