/**
 * A real Traefik, configured as docs/runbook.md ("Cluster preconditions of the gateway path")
 * asks of a region's: the Kubernetes Gateway and CRD providers, and the entry points the program's
 * routes name. It runs outside the cluster against the tier's API server, on loopback ports; the
 * Gateway's listener port is the websecure entry point's port, as Traefik matches them by port.
 * No NLB stands in front, so no PROXY protocol: the allowlists see the socket's peer address,
 * which in production the NLB's PROXY header supplies.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Cluster } from "../engine/cluster";
import { logTail } from "../questdb/server";

export interface TraefikOptions {
    readonly binary: string;
    readonly cluster: Cluster;
    /** Entry point name to loopback port, e.g. `{ websecure: 41234, postgres: 41235, ilp: 41236 }`. */
    readonly entryPoints: Readonly<Record<string, number>>;
    /** At least the longest HTTP route timeout of the region (runbook). */
    readonly readTimeoutSeconds: number;
    readonly dir: string;
}

export interface Traefik {
    log(): string;
    /** Whether the process has ended (a Traefik that exited will never serve a route). */
    exited(): boolean;
    stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => running.forEach((child) => child.kill("SIGKILL")));

function traefikArgs(options: TraefikOptions, caFile: string, tokenFile: string): string[] {
    const kube = (provider: string) => [
        `--providers.${provider}.endpoint=${options.cluster.server}`,
        `--providers.${provider}.token=${tokenFile}`,
        `--providers.${provider}.certAuthFilePath=${caFile}`,
        `--providers.${provider}.throttleDuration=0s`,
    ];
    return [
        "--log.level=DEBUG", "--log.noColor=true", "--accessLog=true",
        ...Object.entries(options.entryPoints).flatMap(([name, port]) => [
            `--entryPoints.${name}.address=127.0.0.1:${port}`,
            `--entryPoints.${name}.transport.respondingTimeouts.readTimeout=${options.readTimeoutSeconds}s`,
            `--entryPoints.${name}.transport.respondingTimeouts.writeTimeout=${options.readTimeoutSeconds}s`,
        ]),
        "--providers.kubernetesGateway=true", ...kube("kubernetesGateway"),
        "--providers.kubernetesCRD=true", ...kube("kubernetesCRD"),
    ];
}

export function startTraefik(options: TraefikOptions): Traefik {
    fs.mkdirSync(options.dir, { recursive: true });
    const caFile = path.join(options.dir, "apiserver-ca.crt");
    fs.writeFileSync(caFile, options.cluster.caPem);
    // A file, not the value: an argument would show in every process listing.
    const tokenFile = path.join(options.dir, "apiserver-token");
    fs.writeFileSync(tokenFile, options.cluster.token, { mode: 0o600 });
    let output = "";
    const child = spawn(options.binary, traefikArgs(options, caFile, tokenFile), { stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    // Also on disk, for a run that had to be killed: <dir>/traefik.log.
    const logFile = fs.createWriteStream(path.join(options.dir, "traefik.log"));
    const record = (c: Buffer) => {
        output += c.toString();
        logFile.write(c);
    };
    child.stdout!.on("data", record);
    child.stderr!.on("data", record);
    let exited = false;
    const exit = new Promise<void>((resolve) => child.on("exit", () => {
        exited = true;
        running.delete(child);
        resolve();
    }));
    return {
        log: () => output,
        exited: () => exited,
        stop: async () => {
            if (!exited) {
                child.kill("SIGTERM");
                const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
                await exit;
                clearTimeout(timer);
            }
        },
    };
}

/** The end of Traefik's log, for a failure message. */
export function traefikLogTail(traefik: Traefik): string {
    return logTail(traefik.log(), 60);
}
