// A real Prometheus (Debian's, the package that brings promtool) scrapes a real QuestDB the way
// the rendered ServiceMonitor says, and the rendered dashboard's QuestDB queries return data.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { Render } from "../../render";
import { PORTS } from "../../inventory";
import { OBS_TYPES } from "../../test/observability/support";
import { parsePromql } from "../../test/observability/promql";
import { resourcesOfDatabase } from "../../test/support/stacks";
import { renderBodyForE2e } from "../support/render";
import { GENERATED_STACK, generatedStackBody } from "../support/stacks";
import { freeLoopbackPort, pollUntil } from "../support/process";
import { ensurePromtool } from "./install";
import { dashboardExpressions } from "../questdb/renderedMetrics";
import { questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { execSql, httpGet } from "../questdb/clients";

const ID = "generated-tuned";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-prometheus-"));
let render: Render;
let questdb: QuestDb | undefined;
let prometheus: ChildProcess | undefined;
let prometheusPort: number;

interface Endpoint { port: string; path: string; scheme: string }

/** The rendered ServiceMonitor's one endpoint and namespace. */
function serviceMonitor(): { namespace: string; endpoint: Endpoint } {
    const monitor = resourcesOfDatabase(render, ID).find((r) => r.type === OBS_TYPES.serviceMonitor)!;
    const inputs = monitor.inputs as { metadata: { namespace: string }; spec: { endpoints: Endpoint[] } };
    assert.equal(inputs.spec.endpoints.length, 1);
    return { namespace: inputs.metadata.namespace, endpoint: inputs.spec.endpoints[0] };
}

async function query(expr: string): Promise<unknown[]> {
    const answer = await httpGet(prometheusPort, `/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = JSON.parse(answer.body) as { status: string; error?: string; data?: { result: unknown[] } };
    assert.equal(body.status, "success", `${expr}: ${body.error}`);
    return body.data!.result;
}

before(async () => {
    await ensurePromtool();
    render = await renderBodyForE2e(GENERATED_STACK, generatedStackBody());
    const launch = questDbLaunch(render, ID);
    questdb = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
    const { namespace, endpoint } = serviceMonitor();
    // The Service names the status port "status"; the ServiceMonitor scrapes that name.
    assert.equal(endpoint.port, "status");
    prometheusPort = await freeLoopbackPort();
    const config = path.join(work, "prometheus.yml");
    fs.writeFileSync(config, stringify({
        global: { scrape_interval: "1s", evaluation_interval: "1s" },
        scrape_configs: [{
            // A ServiceMonitor's job is its Service's name, and the operator adds namespace.
            job_name: "questdb",
            metrics_path: endpoint.path,
            scheme: endpoint.scheme,
            static_configs: [{ targets: [`127.0.0.1:${questdb.port(PORTS.status)}`], labels: { namespace } }],
        }],
    }));
    prometheus = spawn("prometheus", [`--config.file=${config}`, `--storage.tsdb.path=${path.join(work, "data")}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`], { stdio: "ignore" });
    const http = { user: launch.env.QDB_HTTP_USER, password: launch.env.QDB_HTTP_PASSWORD };
    await execSql(questdb.port(PORTS.http), "CREATE TABLE IF NOT EXISTS e2e_scrape (v INT, ts TIMESTAMP) TIMESTAMP(ts) PARTITION BY DAY WAL", http);
    // Traffic over a few scrapes, so that rate() has two samples that differ.
    for (let i = 0; i < 6; i++) {
        await execSql(questdb.port(PORTS.http), `INSERT INTO e2e_scrape VALUES (${i}, now())`, http);
        await new Promise((r) => setTimeout(r, 700));
    }
    await pollUntil("Prometheus to scrape QuestDB", 60_000, async () => ((await query('up{job="questdb"} == 1')).length > 0 ? true : undefined));
});

after(async () => {
    prometheus?.kill("SIGTERM");
    await questdb?.stop();
    fs.rmSync(work, { recursive: true, force: true });
});

describe("a real Prometheus scrapes the real QuestDB as the ServiceMonitor says", () => {
    it("every dashboard query over QuestDB's metrics and `up` returns data for the database", async () => {
        const database = ID;
        // QuestDB's own metrics only: questdb_cloud_* come from the backup scripts through the
        // Pushgateway (e2e/backup/snapshot.e2e.test.ts serves those from a real one).
        const own = (m: string) => m.startsWith("questdb_") && !m.startsWith("questdb_cloud_");
        const checkable = dashboardExpressions(render).filter((e) => parsePromql(e).metrics.every((m) => m === "up" || own(m)));
        assert.ok(checkable.length >= 4, `dashboard queries over QuestDB metrics: ${checkable.join(" | ")}`);
        const empty: string[] = [];
        for (const expr of checkable) {
            const concrete = expr.replace(/\$database/g, database);
            const result = await pollUntil(`data for ${concrete}`, 30_000, async () => {
                const r = await query(concrete);
                return r.length > 0 ? r : undefined;
            }).catch(() => undefined);
            if (!result) {
                empty.push(concrete);
            }
        }
        assert.deepEqual(empty, []);
    });
});
