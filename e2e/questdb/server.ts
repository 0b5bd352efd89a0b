import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { freeLoopbackPort, pollUntil } from "../support/process";
import { PORTS } from "../../inventory";
import { installQuestDb } from "./install";

export interface QuestDbOptions {
    /** The QuestDB version to run (an image tag); the nearest Maven Central release stands in. */
    readonly version: string;
    /** server.conf as rendered. Every `*.bind.to` address is moved to a free loopback port. */
    readonly serverConf: string;
    /** The container's environment (QDB_* settings, credentials). @default {} */
    readonly env?: Readonly<Record<string, string>>;
    /** Where server.conf goes under the root directory. @default "conf/server.conf" */
    readonly confPath?: string;
    /** How long to wait for /status to answer. @default 120000 */
    readonly startTimeoutMs?: number;
    /**
     * Bind every listener at this address on its rendered port, where a pod with this IP listens
     * (the endpoints tier routes to it through the cluster's EndpointSlices).
     * @default each listener on a free loopback port
     */
    readonly podIp?: string;
    /** Start on this existing root directory (a restored copy) instead of a fresh one; removed on stop like a fresh one. @default a new temp directory */
    readonly root?: string;
    /** Bind each rendered port at this local port, as a restarted pod keeps its Service's (a previous run's `ports`). @default free loopback ports */
    readonly ports?: ReadonlyMap<number, number>;
}

export interface QuestDb {
    /** The release actually running. */
    readonly version: string;
    /** The root directory (`-d`), the pod's data volume. */
    readonly root: string;
    /** The local port that stands for each rendered port, e.g. `ports.get(9000)` (itself with `podIp`). */
    readonly ports: ReadonlyMap<number, number>;
    /** The local port for a rendered port; fails for a port the config does not bind. */
    port(rendered: number): number;
    /** Everything the server printed so far. */
    log(): string;
    /** SIGTERM, then SIGKILL after 30 s; removes the root directory. Safe to call twice. */
    stop(): Promise<void>;
    /** SIGKILL at once, as an OOM kill or a lost pod does; keeps the root directory for a restart on it. */
    kill(): Promise<void>;
    /**
     * SIGTERM and wait (SIGKILL after 30 s), keeping the root directory: the kubelet stopping the
     * old pod of a StatefulSet update, whose volume the new pod then mounts.
     */
    terminate(): Promise<void>;
}

/** Servers still running: killed when the test process exits, whatever ended it. */
const running = new Set<ChildProcess>();
process.on("exit", () => running.forEach((child) => child.kill("SIGKILL")));

const BIND_KEY = /^([a-z0-9.]+\.bind\.to)=(.*):(\d+)$/;

/**
 * server.conf with every listener moved to 127.0.0.1 on a free port: the rendered file binds
 * 0.0.0.0 on fixed ports, which a test machine shared with other runs cannot give it. With
 * `podIp`, every listener keeps its rendered port at that one address instead, as in a pod.
 */
export async function loopbackServerConf(serverConf: string, podIp?: string, reuse?: ReadonlyMap<number, number>): Promise<{ text: string; ports: Map<number, number> }> {
    const ports = new Map<number, number>(reuse ?? []);
    const lines: string[] = [];
    for (const line of serverConf.split("\n")) {
        const bind = BIND_KEY.exec(line.trim());
        if (bind) {
            const rendered = Number(bind[3]);
            const local = podIp ? rendered : ports.get(rendered) ?? await freeLoopbackPort();
            ports.set(rendered, local);
            lines.push(`${bind[1]}=${podIp ?? "127.0.0.1"}:${local}`);
        } else {
            lines.push(line);
        }
    }
    return { text: lines.join("\n"), ports };
}

/** The variables of this process that reach QuestDB: none of QDB_*, which QuestDB reads as config. */
function baseEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QDB_")));
}

/** The "Configuration issues:" block QuestDB logs at start (unknown, obsolete or invalid keys). */
export function configurationIssues(log: string): string[] {
    const issues: string[] = [];
    const lines = log.split("\n");
    for (let i = 0; i < lines.length; i++) {
        if (/Configuration issues:/.test(lines[i])) {
            for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j]); j++) {
                issues.push(lines[j].trim());
            }
        }
        if (/invalid (configuration|config)|unknown (property|configuration)/i.test(lines[i])) {
            issues.push(lines[i].trim());
        }
    }
    return issues;
}

/** The end of a log without the lines about unpacking the web console. */
export function logTail(log: string, lines = 40): string {
    return log.split("\n").filter((l) => !l.includes(" extracted [")).slice(-lines).join("\n");
}

/**
 * Fails when a rendered port is taken at `podIp`: QuestDB would exit, or worse another server (a
 * second run of the endpoints file on this machine) would answer in its place.
 */
async function requireFreeAt(podIp: string, ports: Iterable<number>): Promise<void> {
    for (const port of ports) {
        const taken = await new Promise<string | undefined>((resolve) => {
            const probe = net.createServer();
            probe.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
            probe.listen(port, podIp, () => probe.close(() => resolve(undefined)));
        });
        if (taken) {
            throw new Error(`port ${port} at ${podIp} is not free (${taken}): QuestDB binds its rendered ports there as a pod would; stop what holds it (another endpoints run?) and retry`);
        }
    }
}

async function statusAnswers(host: string, port: number): Promise<true | undefined> {
    const response = await fetch(`http://${host}:${port}/status`);
    return response.ok ? true : undefined;
}

/**
 * Starts a real QuestDB (Maven Central's org.questdb:questdb on Java) from a rendered server.conf
 * and environment, in its own root directory, on loopback only (or at `podIp`), and waits until /status answers.
 */
export async function startQuestDb(options: QuestDbOptions): Promise<QuestDb> {
    const installed = await installQuestDb(options.version);
    const root = options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-root-"));
    const conf = await loopbackServerConf(options.serverConf, options.podIp, options.ports);
    const host = options.podIp ?? "127.0.0.1";
    if (options.podIp) {
        await requireFreeAt(options.podIp, conf.ports.values());
    }
    const confFile = path.join(root, options.confPath ?? "conf/server.conf");
    fs.mkdirSync(path.dirname(confFile), { recursive: true });
    fs.writeFileSync(confFile, conf.text);
    const statusPort = conf.ports.get(PORTS.status) ?? [...conf.ports.values()][0];
    if (statusPort === undefined) {
        throw new Error("server.conf binds no listener (no *.bind.to key): nothing to test");
    }
    let output = "";
    const child: ChildProcess = spawn("java", [
        "-Xms128m", "-Xmx768m", "-XX:+UseParallelGC",
        "--add-exports", "java.base/jdk.internal.math=io.questdb",
        "-p", installed.jar, "-m", "io.questdb/io.questdb.ServerMain", "-d", root,
    ], { env: { ...baseEnv(), ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    let exited = false;
    const exit = new Promise<void>((resolve) => child.on("exit", () => {
        exited = true;
        running.delete(child);
        resolve();
    }));
    let stopped = false;
    const sigterm = async () => {
        if (!exited) {
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
            await exit;
            clearTimeout(timer);
        }
    };
    const stop = async () => {
        if (!stopped) {
            stopped = true;
            await sigterm();
            fs.rmSync(root, { recursive: true, force: true });
        }
    };
    // The root now belongs to whatever starts on it next: a later stop() leaves it.
    const terminate = async () => {
        stopped = true;
        await sigterm();
    };
    const kill = async () => {
        stopped = true;
        if (!exited) {
            child.kill("SIGKILL");
            await exit;
        }
    };
    const started = Date.now();
    try {
        await pollUntil(`QuestDB ${installed.version} /status on ${host}:${statusPort}`, options.startTimeoutMs ?? 120_000,
            () => statusAnswers(host, statusPort),
            () => (exited ? `QuestDB exited during start:\n${logTail(output)}` : undefined));
    } catch (err) {
        await stop();
        throw err;
    }
    console.log(`[e2e] QuestDB ${installed.version} answered on ${host}:${statusPort} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
        version: installed.version,
        root,
        ports: conf.ports,
        port(rendered: number): number {
            const local = conf.ports.get(rendered);
            if (local === undefined) {
                throw new Error(`the rendered server.conf binds no listener on port ${rendered} (it binds ${[...conf.ports.keys()].join(", ")})`);
            }
            return local;
        },
        log: () => output,
        stop,
        kill,
        terminate,
    };
}
