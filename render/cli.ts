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

main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof InventoryError ? 2 : 1);
});
