/** Runs a tool's CLI as the user would (`npm run <tool>` is `node tools/launch.js <tool>`), without npm's noise. */
import { spawn } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../support/stacks";

export interface ToolRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Node's arguments to run a tool as `npm run <tool>` does: the launcher, from the compiled copy. */
export function toolArgs(tool: string, args: readonly string[]): string[] {
    return [path.join(PROJECT_DIR, "tools", "launch.js"), tool, ...args];
}

/** Node's arguments to run a tool's TypeScript source under tsx, as the tests run everything else. */
export function sourceToolArgs(tool: string, args: readonly string[]): string[] {
    return ["--import", "tsx", path.join(PROJECT_DIR, "tools", `${tool}.ts`), ...args];
}

export function runTool(tool: string, args: readonly string[], nodeArgs = toolArgs(tool, args)): Promise<ToolRun> {
    const child = spawn(process.execPath, nodeArgs, {
        cwd: PROJECT_DIR,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}
