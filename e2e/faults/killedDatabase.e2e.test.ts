// A killed database (issue 25, item 5): a real QuestDB (Maven Central's jar, from the rendered
// server.conf and credentials) takes rows from QuestDB's official Python ILP client over HTTP and
// from psycopg over PostgreSQL wire while the test SIGKILLs its JVM at several kill points, chosen
// by the number of acknowledged rows, and restarts it on the same root and ports, as the
// StatefulSet restarts the pod on the same volume. Every acknowledged row must be there after the
// last restart (lost 0); the clients' retries make duplicates, which only the DEDUP tables absorb.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import { after, before, describe, it } from "node:test";
import { PORTS } from "../../inventory";
import { PSYCOPG, QUESTDB_PY, pythonSite } from "../endpoints/clients";
import { execSql } from "../questdb/clients";
import { QuestDbLaunch, questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { pollUntil } from "../support/process";
import { renderShippedForE2e } from "../support/render";
import { formatFaultsSummary } from "./summary";
import { acknowledgedIds, rowsOf } from "./acknowledged";

const ID = "acme-analytics";
/** Rows each writer writes into each of its two tables, in batches (one request per batch and table kind). */
const ROWS = 3000;
const BATCH = 100;
/**
 * Kill points: the JVM is SIGKILLed when the acknowledged rows of all writers and tables first
 * reach each number (4 tables x ROWS = 12000 in all), then restarted on the same root.
 */
const KILL_POINTS = [1500, 5000, 9000];
const WRITER = path.join(__dirname, "writer.py");

let launch: QuestDbLaunch;
let server: QuestDb;
let credentials: { user: string; password: string };
let pythonPath: string;

before(async () => {
    launch = questDbLaunch(await renderShippedForE2e("prod"), ID);
    credentials = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
    pythonPath = [await pythonSite("questdb-py", QUESTDB_PY, `questdb==${QUESTDB_PY}`),
        await pythonSite("psycopg", PSYCOPG, `psycopg[binary]==${PSYCOPG}`)].join(path.delimiter);
    server = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
});

after(async () => {
    await server?.stop();
});

const sql = (query: string) => execSql(server.port(PORTS.http), query, credentials);

interface Writer {
    readonly name: string;
    readonly lines: string[];
    readonly exited: Promise<number | null>;
    readonly child: ChildProcess;
}

function startWriter(protocol: "ilp" | "pg", port: number, user: string, password: string, onLine: () => void): Writer {
    const child = spawn("python3", ["-W", "ignore", WRITER, protocol, String(port), `kill_${protocol}`, String(ROWS), String(BATCH)], {
        env: { ...process.env, PYTHONPATH: pythonPath, QDB_W_USER: user, QDB_W_PASSWORD: password }, stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
        lines.push(line);
        onLine();
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => {
        if (code !== 0) {
            console.log(`[faults] writer ${protocol} exited ${code}: ${stderr}`);
        }
        resolve(code);
    }));
    return { name: protocol, lines, exited, child };
}

describe("a killed database keeps every acknowledged row", () => {
    it(`SIGKILL at ${KILL_POINTS.length} kill points under ILP/HTTP and PG wire writes, restarted on the same root: lost 0, duplicates only without DEDUP`, async () => {
        for (const protocol of ["ilp", "pg"]) {
            for (const kind of ["plain", "dedup"]) {
                const dedup = kind === "dedup" ? " DEDUP UPSERT KEYS(ts, id)" : "";
                await sql(`CREATE TABLE kill_${protocol}_${kind} (id LONG, b LONG, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY WAL${dedup}`);
            }
        }
        const ports = server.ports;
        const root = server.root;
        let acknowledged = () => 0;
        let nextKill = 0;
        let killing: Promise<void> | undefined;
        const kills: { atRows: number; restartSeconds: number }[] = [];
        const killAndRestart = async (atRows: number) => {
            await server.kill();
            const started = Date.now();
            server = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath, root, ports });
            kills.push({ atRows, restartSeconds: (Date.now() - started) / 1000 });
        };
        const check = () => {
            const rows = acknowledged();
            if (killing === undefined && nextKill < KILL_POINTS.length && rows >= KILL_POINTS[nextKill]) {
                nextKill++;
                killing = killAndRestart(rows).finally(() => (killing = undefined));
            }
        };
        const writers = [
            startWriter("ilp", ports.get(PORTS.http)!, credentials.user, credentials.password, check),
            startWriter("pg", ports.get(PORTS.pg)!, launch.env.QDB_PG_USER, launch.env.QDB_PG_PASSWORD, check),
        ];
        acknowledged = () => writers.reduce((n, w) => n + [...acknowledgedIds(w.lines, ROWS, BATCH).values()].reduce((m, s) => m + s.size, 0), 0);
        const codes = await Promise.all(writers.map((w) => w.exited));
        while (killing) {
            await killing;
        }
        assert.deepEqual(codes, [0, 0], "both writers finish once the database is back");
        assert.equal(kills.length, KILL_POINTS.length, `every kill point was reached: ${JSON.stringify(kills)}`);

        const tables = writers.flatMap((w) => [`kill_${w.name}_plain`, `kill_${w.name}_dedup`]);
        await pollUntil("every WAL transaction applied", 120_000, async () => {
            const wal = await sql(`SELECT name, suspended, writerTxn, sequencerTxn FROM wal_tables()`);
            const mine = wal.filter((r) => tables.includes(String(r[0])));
            assert.ok(mine.every((r) => r[1] === false), `a table is suspended after the kills: ${JSON.stringify(mine)}`);
            return mine.length === tables.length && mine.every((r) => r[2] === r[3]) ? true : undefined;
        });
        let acked = 0;
        let lost = 0;
        const figures: Record<string, { acknowledged: number; lost: number; duplicates: number; errors: number; replays: number }> = {};
        for (const w of writers) {
            const ackedIds = acknowledgedIds(w.lines, ROWS, BATCH);
            for (const table of [`kill_${w.name}_plain`, `kill_${w.name}_dedup`]) {
                const present = rowsOf(await sql(`SELECT id FROM ${table}`));
                const want = ackedIds.get(table) ?? new Set<number>();
                const missing = [...want].filter((id) => !present.distinct.has(id)).length;
                figures[table] = {
                    acknowledged: want.size, lost: missing, duplicates: present.count - present.distinct.size,
                    errors: w.lines.filter((l) => l.startsWith("error ")).length, replays: w.lines.filter((l) => l.startsWith(`replay ${table} `)).length,
                };
                acked += want.size;
                lost += missing;
            }
        }
        console.log(`[faults] kills (acknowledged rows at the kill, restart time): ${JSON.stringify(kills)}`);
        console.log(`[faults] per table: ${JSON.stringify(figures)}`);
        console.log(formatFaultsSummary({ acknowledgedRows: acked, lostRows: lost }));
        assert.equal(acked, 4 * ROWS, "every row was acknowledged in the end");
        assert.equal(lost, 0, `acknowledged rows are missing: ${JSON.stringify(figures)}`);
        for (const [table, f] of Object.entries(figures)) {
            if (table.endsWith("_dedup")) {
                assert.equal(f.duplicates, 0, `${table} has duplicates despite DEDUP UPSERT KEYS(ts, id)`);
            } else {
                // The replays after each reconnect make duplicates certain without DEDUP.
                assert.ok(f.replays > 0 && f.duplicates > 0, `${table}: no retry was replayed, so the DEDUP check proves nothing: ${JSON.stringify(f)}`);
            }
        }
    });
});
