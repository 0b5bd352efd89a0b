/**
 * Helpers of the `qdb rollout` tests: a stack history as `pulumi stack history --json` prints it,
 * built from snapshots of the stack file, and a stand-in Prometheus that answers /api/v1/alerts.
 * The real Prometheus over our real rules is e2e/promtool/rolloutGates.e2e.test.ts.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { parse } from "yaml";
import { parseStackFile } from "../../inventory";
import { stackText } from "./helpers";

export const STACK = "rollout";

/** One update of the history: the file as it was deployed, and when the update ended. */
export interface HistoryEntry {
    readonly text: string;
    readonly endTime: string;
    readonly result?: "succeeded" | "failed" | "in-progress";
    readonly kind?: string;
}

/** The JSON list `pulumi stack history --json` prints, newest first, each update with the config it ran. */
export function historyJson(entries: readonly HistoryEntry[]): unknown[] {
    return entries.map((e, i) => {
        const file = parseStackFile(e.text, `Pulumi.${STACK}.yaml`, STACK);
        const config = Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, { value: file.secretKeys.includes(k) ? "[secret]" : v, secret: file.secretKeys.includes(k) }]));
        return {
            version: i + 1, kind: e.kind ?? "update", startTime: e.endTime, message: "", environment: {}, config,
            result: e.result ?? "succeeded", endTime: e.endTime, resourceChanges: { same: 10 },
        };
    }).reverse();
}

/** Writes the history file into the project and returns its path. */
export function writeHistory(dir: string, entries: readonly HistoryEntry[]): string {
    const file = path.join(dir, "history.json");
    fs.writeFileSync(file, JSON.stringify(historyJson(entries)));
    return file;
}

/** A database entry of the file, as YAML reads it. */
export function entryOf(text: string, id: string): Record<string, any> {
    return parse(text).config["questdb-cloud:databases"].find((d: { id: string }) => d.id === id);
}

export function regionOf(text: string): Record<string, any> {
    return parse(text).config["questdb-cloud:region"];
}

/** The stack file's current text. */
export const current = (dir: string) => stackText(dir, STACK);

export interface FakeAlert {
    readonly alertname: string;
    readonly database: string;
    readonly stack?: string;
    readonly state: "pending" | "firing" | "inactive";
}

/** A stand-in for Prometheus's /api/v1/alerts under /prometheus, recording the Authorization header it saw. */
export async function fakePrometheus(alerts: () => readonly FakeAlert[]): Promise<{ url: string; auth: string[]; close(): Promise<void> }> {
    const auth: string[] = [];
    const server = http.createServer((req, res) => {
        auth.push(String(req.headers.authorization ?? ""));
        if (req.url !== "/prometheus/api/v1/alerts") {
            res.writeHead(404).end();
            return;
        }
        const body = {
            status: "success",
            data: { alerts: alerts().map((a) => ({ labels: { alertname: a.alertname, database: a.database, stack: a.stack ?? STACK, severity: "critical" }, annotations: {}, state: a.state, activeAt: "2026-12-05T10:00:00Z", value: "1e+00" })) },
        };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/prometheus`, auth, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
