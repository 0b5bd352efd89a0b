import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./inProcess";
import { Render, RenderRequest } from "./types";

export class RenderError extends Error {
    constructor(message: string, readonly configError: boolean) {
        super(message);
        this.name = "RenderError";
    }
}

/** Renders in a fresh process, since the mock runtime holds global state: one render per process. */
export function renderInChild(request: RenderRequest): Promise<Render> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-render-"));
    const outFile = path.join(dir, "render.json");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "render", "cli.ts"), outFile], {
        cwd: PROJECT_DIR,
        stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(JSON.stringify(request));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => {
            try {
                if (code !== 0) {
                    reject(new RenderError(stderr.trim() || `render exited with ${code}`, code === 2));
                    return;
                }
                resolve(JSON.parse(fs.readFileSync(outFile, "utf8")) as Render);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
}
