// Child-process entry of render/child.ts: reads a RenderRequest on stdin, writes the Render as
// JSON to the file named in argv[2]. A config error exits 2 with the message on stderr.
import * as fs from "fs";
import { InventoryError } from "../inventory";
import { renderInProcess } from "./inProcess";
import { RenderRequest } from "./types";

async function main(): Promise<void> {
    const request = JSON.parse(fs.readFileSync(0, "utf8")) as RenderRequest;
    const render = await renderInProcess(request);
    fs.writeFileSync(process.argv[2], JSON.stringify(render));
}

/** A program bug, unlike a config error, needs its stack; renders keep none unless asked (render/inProcess.ts). */
const STACKS_HINT = "(a failure of the program itself: rerun with QDB_RENDER_STACKS=1 for its full stack trace)";

main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof InventoryError) {
        process.stderr.write(`${message}\n`);
        process.exit(2);
    }
    const trace = process.env.QDB_RENDER_STACKS === "1" && err instanceof Error ? err.stack : undefined;
    process.stderr.write(`${trace ?? `${message}\n${STACKS_HINT}`}\n`);
    process.exit(1);
});
