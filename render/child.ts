import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, entryArgs } from "./paths";
import { Render, RenderRequest } from "./types";

/**
 * Node's arguments for a render child running the module `modulePath` (relative to the project,
 * no extension), compiled or under tsx as this process runs (render/paths.ts). A render's garbage
 * is mostly short-lived (resource args, the SDK's promise chains); a 128 MiB young generation lets
 * it die there instead of being promoted into, and marked again and again in, a heap of up to
 * 3 GB. That made render time grow linearly with the inventory (figures in docs/offline-tools.md).
 */
export function renderChildArgs(modulePath: string, ...args: string[]): string[] {
    return ["--max-semi-space-size=128", ...entryArgs(modulePath), ...args];
}

export class RenderError extends Error {
    constructor(message: string, readonly configError: boolean) {
        super(message);
        this.name = "RenderError";
    }
}

/** A render with everything the child process printed, for checks that logs leak nothing. */
export interface LoggedRender {
    readonly render: Render;
    /** The render exactly as the child wrote it: every input, option and output. */
    readonly renderText: string;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Renders in a fresh process, since the mock runtime holds global state: one render per process.
 * The child (render/cli.ts) reads the request on stdin and writes the render to a file.
 */
export function renderInChildWithLogs(request: RenderRequest): Promise<LoggedRender> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-render-"));
    const outFile = path.join(dir, "render.json");
    const child = spawn(process.execPath, renderChildArgs("render/cli", outFile), {
        cwd: PROJECT_DIR,
        stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
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
                const renderText = fs.readFileSync(outFile, "utf8");
                resolve({ render: JSON.parse(renderText) as Render, renderText, stdout, stderr });
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
}

export async function renderInChild(request: RenderRequest): Promise<Render> {
    return (await renderInChildWithLogs(request)).render;
}
