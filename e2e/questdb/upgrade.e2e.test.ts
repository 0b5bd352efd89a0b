// Issue 24.6, the data half: a database's rows survive an upgrade from QuestDB 8.2 to 9.3.4 done
// the way the StatefulSet does it. A real QuestDB 8.2 (the release that stands in for the shipped
// 8.2.3, docs/testing.md) writes WAL and non-WAL tables, partitioned by day, with a symbol column and
// a designated timestamp, into its root. It is stopped with SIGTERM, as the kubelet stops the old
// pod, and QuestDB 9.3.4 starts on the same root, with the same rendered server.conf and
// credentials. Every row then reads back over HTTP and PostgreSQL wire, and the tables still take
// writes. The pre-upgrade snapshot and the downgrade refusal (the rest of 24.6) are not here.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PORTS } from "../../inventory";
import { execSql, psql } from "./clients";
import { QuestDbLaunch, questDbLaunch } from "./fromRender";
import { QuestDb, startQuestDb } from "./server";
import { pollUntil } from "../support/process";
import { renderShippedForE2e } from "../support/render";

const ID = "acme-analytics";
const TARGET = "9.3.4";
const ROWS = 480;
/** Both storage kinds a customer's tables can have. */
const TABLES = { trades_wal: "WAL", trades_direct: "BYPASS WAL" } as const;

let launch: QuestDbLaunch;
let server: QuestDb | undefined;
let credentials: { user: string; password: string };

/** Rows with known values: 480 hours from 2026-11-01, so 20 daily partitions, three symbols. */
function fill(table: string, from: number): string {
    return `INSERT INTO ${table} SELECT timestamp_sequence(to_timestamp('2026-11-01', 'yyyy-MM-dd') + ${from - 1} * 3600000000L, 3600000000L) ts, ` +
        `CASE WHEN x % 3 = 0 THEN 'AAPL' WHEN x % 3 = 1 THEN 'MSFT' ELSE 'GOOG' END sym, (x + ${from - 1}) * 1.5 price, x + ${from - 1} qty FROM long_sequence(${ROWS})`;
}

const everyRow = (table: string) => `SELECT ts, sym, price, qty FROM ${table} ORDER BY ts`;

async function rowCount(table: string): Promise<number> {
    return Number((await execSql(server!.port(PORTS.http), `SELECT count() FROM ${table}`, credentials))[0][0]);
}

/** WAL tables apply their rows asynchronously: wait until all of them are visible. */
async function appliedRows(table: string, expected: number): Promise<void> {
    await pollUntil(`${table} has ${expected} rows`, 60_000, async () => ((await rowCount(table)) === expected ? true : undefined));
}

before(async () => {
    launch = questDbLaunch(await renderShippedForE2e("prod"), ID);
    credentials = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
});

after(async () => {
    await server?.stop();
});

describe(`an upgrade to QuestDB ${TARGET} keeps every row (issue 24.6)`, { timeout: 15 * 60_000 }, () => {
    it(`rows written by 8.2 read back after ${TARGET} starts on the same root, over HTTP and PostgreSQL wire`, async () => {
        const old = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
        server = old;
        assert.match(old.version, /^8\.2\./, "the shipped 8.2 line is what runs before the upgrade");
        const http = () => server!.port(PORTS.http);
        for (const [table, storage] of Object.entries(TABLES)) {
            await execSql(http(), `CREATE TABLE ${table} (ts TIMESTAMP, sym SYMBOL, price DOUBLE, qty LONG) TIMESTAMP(ts) PARTITION BY DAY ${storage}`, credentials);
            await execSql(http(), fill(table, 1), credentials);
            await appliedRows(table, ROWS);
        }
        const before = Object.fromEntries(await Promise.all(Object.keys(TABLES).map(async (t) => [t, await execSql(http(), everyRow(t), credentials)] as const)));
        const walBefore = await execSql(http(), "SELECT name, suspended FROM wal_tables()", credentials);
        assert.deepEqual(walBefore, [["trades_wal", false]]);

        await old.terminate();
        server = await startQuestDb({ version: TARGET, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath, root: old.root, ports: old.ports });
        assert.equal(server.version, TARGET);

        for (const table of Object.keys(TABLES)) {
            assert.deepEqual(await execSql(http(), everyRow(table), credentials), before[table], `${table}: every row, as written, over HTTP`);
            const partitions = await execSql(http(), `SELECT count() FROM table_partitions('${table}')`, credentials);
            assert.equal(Number(partitions[0][0]), ROWS / 24, `${table}: its daily partitions`);
            const pg = await psql(server.port(PORTS.pg), launch.env.QDB_PG_USER, launch.env.QDB_PG_PASSWORD,
                `SELECT count(), sum(qty), count_distinct(sym), min(ts), max(ts) FROM ${table}`);
            assert.equal(pg.code, 0, pg.stderr);
            assert.match(pg.stdout.trim(), new RegExp(`^${ROWS}\\|${(ROWS * (ROWS + 1)) / 2}\\|3\\|2026-11-01 00:00:00(\\.0+)?\\|2026-11-20 23:00:00(\\.0+)?$`), `${table} over PostgreSQL wire`);
        }
        for (const table of Object.keys(TABLES)) {
            await execSql(http(), fill(table, ROWS + 1), credentials);
            await appliedRows(table, 2 * ROWS);
        }
        assert.deepEqual(await execSql(http(), "SELECT name, suspended FROM wal_tables()", credentials), [["trades_wal", false]], "the WAL table applies on the new release");
    });
});
