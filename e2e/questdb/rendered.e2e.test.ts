// A real QuestDB started from what the program renders: server.conf, credentials, probes, and the
// metrics that the rendered alert rules and dashboard read.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Render } from "../../render";
import { TYPES, databasesOf, resourcesOfDatabase, shippedStackBody, shippedStacks } from "../../test/support/stacks";
import { renderBodyForE2e, renderShippedForE2e } from "../support/render";
import { pollUntil } from "../support/process";
import { QuestDbLaunch, questDbLaunch } from "./fromRender";
import { configurationIssues, startQuestDb } from "./server";
import { execSql, exposedMetrics, httpGet, psql, sendIlp } from "./clients";
import { questdbMetricsOfDashboard, questdbMetricsOfRules } from "./renderedMetrics";
import { PORTS } from "../../inventory";
import { QUESTDB_METRIC_SINCE } from "../../components/monitoring/metrics";
import { compareReleases } from "./versions";

/** A stack no file ships: the dev stack with a database whose serverConf overrides many keys. */
function generatedStack(): unknown {
    const body = shippedStackBody("dev");
    const first = databasesOf(body)[0];
    databasesOf(body).push({
        id: "generated-tuned",
        availabilityZone: first.availabilityZone,
        questdbVersion: "9.0.3",
        serverConf: {
            "cairo.max.uncommitted.rows": 250000,
            "cairo.wal.enabled.default": true,
            "line.tcp.writer.worker.count": 2,
            "pg.select.cache.enabled": false,
            "cairo.commit.mode": "sync",
            "line.tcp.maintenance.job.interval": 2000,
            "shared.worker.count": 2,
        },
    });
    return body;
}

/** Active databases (a StatefulSet with one replica), one per distinct version and server.conf. */
function launchesOf(render: Render, seen: Set<string>): QuestDbLaunch[] {
    return render.resources
        .filter((r) => r.type === TYPES.deployment)
        .filter((d) => resourcesOfDatabase(render, d.name).some((r) => r.type === TYPES.statefulSet && (r.inputs as { spec: { replicas: number } }).spec.replicas === 1))
        .map((d) => questDbLaunch(render, d.name))
        .filter((l) => {
            const key = `${l.version}\n${l.serverConf}`;
            return seen.has(key) ? false : (seen.add(key), true);
        });
}

interface Case {
    readonly stack: string;
    readonly render: Render;
    readonly launch: QuestDbLaunch;
}

const cases: Case[] = [];

before(async () => {
    const renders = await Promise.all([
        ...shippedStacks().map(renderShippedForE2e),
        renderBodyForE2e("generated", generatedStack()),
    ]);
    const seen = new Set<string>();
    for (const render of renders) {
        cases.push(...launchesOf(render, seen).map((launch) => ({ stack: render.stack, render, launch })));
    }
    assert.ok(cases.some((c) => c.stack === "generated"), "the generated stack's tuned database is among the cases");
    console.log(`[e2e] QuestDB cases: ${cases.map((c) => `${c.stack}/${c.launch.id}@${c.launch.version}`).join(", ")}`);
});

describe("a real QuestDB runs what the program renders", () => {
    it("starts every distinct rendered configuration, and each serves what the program relies on", async (t) => {
        assert.ok(cases.length >= 4, `expected several databases, got ${cases.length}`);
        for (const c of cases) {
            await t.test(`${c.stack}/${c.launch.id} (QuestDB ${c.launch.version})`, async (t) => checkDatabase(t, c));
        }
    });
});

async function checkDatabase(t: import("node:test").TestContext, c: Case): Promise<void> {
    const { launch } = c;
    const server = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
    const http = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
    const pg = { user: launch.env.QDB_PG_USER, password: launch.env.QDB_PG_PASSWORD };
    try {
        await t.test("reads the rendered server.conf and reports no unknown, obsolete or invalid key", () => {
            assert.match(server.log(), new RegExp(`Server config: .*${launch.confPath.replace(/[.]/g, "\\.")}`));
            assert.deepEqual(configurationIssues(server.log()), []);
            for (const name of Object.keys(launch.env)) {
                assert.match(server.log(), new RegExp(`env config \\[key=${name}\\]`), `QuestDB read ${name}`);
            }
        });
        await t.test("/status on the status port answers without credentials", async () => {
            const answer = await httpGet(server.port(PORTS.status), "/status");
            assert.equal(answer.status, 200, answer.body);
        });
        await t.test("every probe of the rendered StatefulSet answers as a kubelet expects (2xx/3xx, no credentials)", async () => {
            assert.ok(launch.probes.length >= 3, "startup, readiness and liveness probes are rendered");
            for (const probe of launch.probes) {
                const answer = await httpGet(server.port(probe.port), probe.path);
                assert.ok(answer.status >= 200 && answer.status < 400, `${probe.kind} GET :${probe.port}${probe.path} answered ${answer.status}`);
            }
        });
        await t.test("port 9000 refuses a query without credentials, or with a wrong password, and serves one with them", async () => {
            const sql = "/exec?query=" + encodeURIComponent("SELECT 1");
            assert.equal((await httpGet(server.port(PORTS.http), sql)).status, 401);
            assert.equal((await httpGet(server.port(PORTS.http), sql, { user: http.user, password: `${http.password}x` })).status, 401);
            assert.deepEqual(await execSql(server.port(PORTS.http), "SELECT 1", http), [[1]]);
        });
        await t.test("PostgreSQL wire logs in with the rendered pg.user/pg.password (psql) and runs a query; a wrong password is refused", async () => {
            const ok = await psql(server.port(PORTS.pg), pg.user, pg.password, "SELECT 40 + 2");
            assert.equal(ok.code, 0, ok.stderr);
            assert.equal(ok.stdout.trim(), "42");
            const refused = await psql(server.port(PORTS.pg), pg.user, `${pg.password}x`, "SELECT 1");
            assert.notEqual(refused.code, 0);
        });
        await t.test("ILP ingests a row that a query then sees", async () => {
            const marker = Math.floor(Math.random() * 1e9);
            await sendIlp(server.port(PORTS.ilp), [`e2e_ilp,source=test value=${marker}i`]);
            const rows = await pollUntil("the ILP row to be visible", 60_000, async () => {
                const found = await execSql(server.port(PORTS.http), `SELECT value FROM e2e_ilp WHERE value = ${marker}`, http).catch(() => []);
                return found.length > 0 ? found : undefined;
            });
            assert.deepEqual(rows, [[marker]]);
        });
        await t.test("CHECKPOINT CREATE and CHECKPOINT RELEASE work over PostgreSQL wire", async () => {
            for (const sql of ["CHECKPOINT CREATE", "CHECKPOINT RELEASE"]) {
                const result = await psql(server.port(PORTS.pg), pg.user, pg.password, sql);
                assert.equal(result.code, 0, `${sql}: ${result.stderr}`);
            }
        });
        await t.test("after traffic, /metrics serves every questdb_* metric the rendered alert rules and dashboard use", async () => {
            await psql(server.port(PORTS.pg), pg.user, pg.password, "SELECT count() FROM e2e_ilp");
            const answer = await httpGet(server.port(PORTS.status), "/metrics");
            assert.equal(answer.status, 200);
            const served = exposedMetrics(answer.body);
            const used = new Set([...questdbMetricsOfRules(c.render, launch.id), ...questdbMetricsOfDashboard(c.render)]);
            assert.ok(used.size >= 3, `the render uses QuestDB metrics: ${[...used].join(", ")}`);
            const missing = [...used].filter((m) => !served.has(m) && !notYetServed(m, server.version));
            assert.deepEqual(missing, [], `QuestDB ${server.version} serves ${[...served.keys()].filter((m) => m.startsWith("questdb_")).join(" ")}`);
            // The catalogue's `since` stays true: a metric older releases lack is really absent there.
            const servedEarly = [...used].filter((m) => notYetServed(m, server.version) && served.has(m));
            assert.deepEqual(servedEarly, [], `QUESTDB_METRIC_SINCE in components/monitoring/metrics.ts is too late for QuestDB ${server.version}`);
        });
    } finally {
        await server.stop();
    }
}

/** A metric the program knows only later releases serve (components/monitoring/metrics.ts). */
function notYetServed(metric: string, version: string): boolean {
    const since = QUESTDB_METRIC_SINCE[metric];
    return since !== undefined && compareReleases(version, since) < 0;
}

