import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface CommandResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command to completion; a command that is not installed resolves with code null. */
export function runCommand(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CommandResult> {
    return new Promise((resolve) => {
        // No input: stdin is /dev/null, so a child that exits at once cannot make our write EPIPE.
        const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", (err) => resolve({ code: null, stdout, stderr: stderr + String(err) }));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        if (child.stdin) {
            // A child may exit without reading its input; its exit code tells what happened.
            child.stdin.on("error", () => undefined);
            child.stdin.end(options.input);
        }
    });
}

/** Runs a command and fails with its output unless it exits 0. */
export async function runChecked(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CommandResult> {
    const result = await runCommand(command, args, options);
    if (result.code !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
}

/**
 * Fails with the install step when a tool the tier needs is missing: a missing tool is an
 * error that says how to get it, never a skipped test.
 */
export async function requireCommand(command: string, versionArgs: readonly string[], installStep: string): Promise<string> {
    const result = await runCommand(command, versionArgs);
    if (result.code === null) {
        throw new Error(`the real-components tier needs \`${command}\`, which is not installed: run \`${installStep}\` (README "Tests")`);
    }
    return `${result.stdout}${result.stderr}`.trim();
}

/** A TCP port that is free on the loopback interface right now. */
/** Ports this process has handed out: the OS may offer a just-closed port again. */
const handedOut = new Set<number>();

/**
 * A loopback port no listener holds now and that this process has not handed out before: two
 * listeners of one server (seen: QuestDB's status and PG ports) must never get the same port.
 */
export async function freeLoopbackPort(): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
        const port = await ephemeralPort();
        if (!handedOut.has(port)) {
            handedOut.add(port);
            return port;
        }
    }
    throw new Error("no unused loopback port after 50 tries");
}

function ephemeralPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/**
 * Polls `check` until it returns a value, failing after `timeoutMs` with the last error, or at
 * once when `giveUp` returns a reason (a server that exited will never answer).
 */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, giveUp?: () => string | undefined): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
        const reason = giveUp?.();
        if (reason !== undefined) {
            throw new Error(`gave up waiting for ${what}: ${reason}`);
        }
        try {
            const value = await check();
            if (value !== undefined) {
                return value;
            }
        } catch (err) {
            last = err;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** A server the tier started, its output in a log file of its own. */
export interface LoggedServer {
    /** The directory of its log: scratch space for whatever belongs to this server. */
    readonly dir: string;
    /** Why it is no longer running ("exited with 1; log: ..."), or undefined while it runs. */
    exited(): string | undefined;
    /** SIGTERM (SIGKILL after 30 s), resolved once it has exited (at once if it already had). */
    stop(): Promise<void>;
}

/** Spawns a server with stdout and stderr in `<tmp>/qdb-e2e-<name>-XXXXXX/<name>.log`; its exit is recorded with the log. */
export function spawnLogged(name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): LoggedServer {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qdb-e2e-${name}-`));
    const log = path.join(dir, `${name}.log`);
    const out = fs.openSync(log, "w");
    const child = spawn(command, args, { stdio: ["ignore", out, out], env: env ?? process.env });
    // The child holds its own copy of the descriptor.
    fs.closeSync(out);
    let reason: string | undefined;
    child.on("exit", (code, signal) => (reason = `exited with ${code ?? signal}; log: ${fs.readFileSync(log, "utf8")}`));
    // A command that cannot start (not installed) is a reason, never an uncaught error event.
    child.on("error", (err) => (reason ??= `could not start ${command}: ${err.message}`));
    return {
        dir,
        exited: () => reason,
        stop: () => new Promise((resolve) => {
            if (reason !== undefined) {
                resolve();
                return;
            }
            const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
            child.once("exit", () => {
                clearTimeout(timer);
                resolve();
            });
            child.kill("SIGTERM");
        }),
    };
}
