/**
 * A render in a child process that, unlike render/child.ts, keeps the child's stdout and stderr:
 * the secrets test must prove that nothing leaks into logs either. Same contract as
 * render/child.ts (request on stdin, render JSON written to the file named in argv[2]).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Render, RenderRequest } from "../../render";
import { PROJECT_DIR } from "../support/stacks";

export interface LoggedRender {
    readonly render: Render;
    /** The render file exactly as the child wrote it: every input, option and output. */
    readonly renderText: string;
    readonly stdout: string;
    readonly stderr: string;
}

export function renderWithLogs(request: RenderRequest): Promise<LoggedRender> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-guardrails-"));
    const outFile = path.join(dir, "render.json");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "render", "cli.ts"), outFile], {
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
                    reject(new Error(`render exited with ${code}: ${stderr}`));
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
