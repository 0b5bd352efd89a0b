import assert from "node:assert/strict";
import * as net from "net";
import { requireCommand, runCommand } from "../support/process";

export const PSQL_INSTALL_STEP = "apt-get install -y postgresql-client";

export interface HttpAnswer {
    readonly status: number;
    readonly body: string;
}

/** The Authorization header value for HTTP basic auth. */
export function basicAuth(credentials: { user: string; password: string }): string {
    return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}`;
}

/** GET on a loopback port, with basic auth when credentials are given. */
export async function httpGet(port: number, pathAndQuery: string, credentials?: { user: string; password: string }): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (credentials) {
        headers.authorization = basicAuth(credentials);
    }
    const response = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, { headers });
    return { status: response.status, body: await response.text() };
}

/** Runs SQL through the REST API (/exec) and returns the answer's dataset. */
export async function execSql(port: number, sql: string, credentials: { user: string; password: string }): Promise<unknown[][]> {
    const answer = await httpGet(port, `/exec?query=${encodeURIComponent(sql)}`, credentials);
    if (answer.status !== 200) {
        throw new Error(`/exec ${sql} answered ${answer.status}: ${answer.body}`);
    }
    return (JSON.parse(answer.body) as { dataset?: unknown[][] }).dataset ?? [];
}

/** Runs SQL with Debian's psql over PostgreSQL wire; returns its unaligned, tuples-only output. */
export async function psql(port: number, user: string, password: string, sql: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    await requireCommand("psql", ["--version"], PSQL_INSTALL_STEP);
    return runCommand("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "qdb", "-w", "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql],
        { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" } });
}

/** Sends InfluxDB line protocol rows over TCP and closes the connection. */
export function sendIlp(port: number, lines: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.end(lines.map((l) => `${l}\n`).join("")));
        socket.on("error", reject);
        socket.on("close", (hadError) => (hadError ? undefined : resolve()));
    });
}

/** Metric names and types from a Prometheus text exposition (`# TYPE <name> <type>`). */
export function exposedMetrics(text: string): Map<string, string> {
    const metrics = new Map<string, string>();
    for (const line of text.split("\n")) {
        const type = /^# TYPE (\S+) (\S+)/.exec(line);
        if (type) {
            metrics.set(type[1], type[2]);
        } else if (/^[a-zA-Z_:]/.test(line)) {
            const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
            if (!metrics.has(name)) {
                metrics.set(name, "untyped");
            }
        }
    }
    return metrics;
}

/** A statement's outcome over QuestDB's /exec: ok unless HTTP or QuestDB reported an error. */
export async function execStatement(port: number, query: string, credentials: { user: string; password: string }): Promise<{ ok: boolean; body: string }> {
    const answer = await httpGet(port, `/exec?query=${encodeURIComponent(query)}`, credentials);
    return { ok: answer.status === 200 && !answer.body.includes('"error"'), body: answer.body };
}

/**
 * Asserts that no checkpoint is open: one is exactly when a new one cannot be created (QuestDB
 * refuses a second). The one created here is released again.
 */
export async function assertNoCheckpointOpen(port: number, credentials: { user: string; password: string }): Promise<void> {
    const created = await execStatement(port, "CHECKPOINT CREATE", credentials);
    assert.ok(created.ok, `a checkpoint is still open: ${created.body}`);
    assert.ok((await execStatement(port, "CHECKPOINT RELEASE", credentials)).ok);
}
