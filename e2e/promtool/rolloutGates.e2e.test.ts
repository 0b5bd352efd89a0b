// `qdb rollout`'s alert gate against a real Prometheus (Debian's) evaluating our real rendered
// alert rules (every PrometheusRule of the render, every database) over a real QuestDB started
// from the render (issue 24.4). Rules are evaluated every second, and QuestDbDown is pending as
// soon as its expression holds (its `for` is 5 minutes), so the whole file takes seconds:
//   1. the canary's QuestDB is up, so no alert of ours is active for it, while QuestDbDown is
//      pending for the databases of later waves (no scrape target): the gates pass and qdb
//      writes wave 1;
//   2. the canary's QuestDB stops: QuestDbDown turns pending for it, and qdb refuses and writes
//      the revert of the canary wave, with the halt.
// Nothing here is skipped: a missing Prometheus, Java or QuestDB fails the file.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { PORTS, parseStackFile } from "../../inventory";
import { SCRAPE_JOB } from "../../components/monitoring";
import { Render, renderInChild, requestFromStackFile } from "../../render";
import { OBS_TYPES } from "../../test/observability/support";
import { resourcesOfDatabase, resourcesOfType } from "../../test/support/stacks";
import { FIXTURES, qdb } from "../../test/qdb/helpers";
import { STACK, current, entryOf, regionOf, writeHistory } from "../../test/qdb/rolloutSupport";
import { LoggedServer, freeLoopbackPort, pollUntil, spawnLogged } from "../support/process";
import { ensurePromtool } from "./install";
import { questDbLaunch } from "../questdb/fromRender";
import { QuestDb, startQuestDb } from "../questdb/server";
import { httpGet } from "../questdb/clients";

const CANARY = "alpha";
const ROLL = "questdbVersion=9.3.4";
const started = Date.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-rollout-"));
let prometheus: LoggedServer | undefined;
let questdb: QuestDb | undefined;
let prometheusPort: number;
let base: string;
let canary: string;
let history: string;

interface Alert { labels: Record<string, string>; state: string }

async function activeAlerts(): Promise<Alert[]> {
    const answer = await httpGet(prometheusPort, "/api/v1/alerts");
    const body = JSON.parse(answer.body) as { status: string; data: { alerts: Alert[] } };
    assert.equal(body.status, "success");
    return body.data.alerts;
}

const alertsFor = (alerts: Alert[], id: string) => alerts.filter((a) => a.labels.database === id && a.labels.stack === STACK);

/** Every rendered PrometheusRule's groups, as one rules file: what the Prometheus Operator would load. */
function ruleFile(render: Render): string {
    const groups = resourcesOfType(render, OBS_TYPES.prometheusRule).flatMap((r) => (r.inputs as { spec: { groups: unknown[] } }).spec.groups);
    assert.ok(groups.length >= 6, `a rule group per database: ${groups.length}`);
    return stringify({ groups });
}

/** The rendered ServiceMonitor's namespace and its one endpoint's path and scheme. */
function monitorOf(render: Render, id: string): { namespace: string; path: string; scheme: string } {
    const monitor = resourcesOfDatabase(render, id).find((r) => r.type === OBS_TYPES.serviceMonitor);
    assert.ok(monitor, `${id} has a ServiceMonitor`);
    const inputs = monitor.inputs as { metadata: { namespace: string }; spec: { endpoints: { path: string; scheme: string }[] } };
    return { namespace: inputs.metadata.namespace, path: inputs.spec.endpoints[0].path, scheme: inputs.spec.endpoints[0].scheme };
}

before(async () => {
    await ensurePromtool();
    fs.copyFileSync(path.join(FIXTURES, `Pulumi.${STACK}.yaml`), path.join(dir, `Pulumi.${STACK}.yaml`));
    fs.copyFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    prometheusPort = await freeLoopbackPort();
    assert.equal((await qdb(dir, "set", "--stack", STACK, `rollout.prometheusUrl=http://127.0.0.1:${prometheusPort}`)).code, 0);
    base = current(dir);
    const wrote = await qdb(dir, "rollout", "--stack", STACK, ROLL);
    assert.equal(wrote.code, 0, wrote.err);
    canary = current(dir);
    assert.equal(entryOf(canary, CANARY).questdbVersion, "9.3.4");
    // Deployed a day apart: the canary has baked by the --now the tests pass.
    history = writeHistory(dir, [{ text: base, endTime: "2026-12-01T00:00:00Z" }, { text: canary, endTime: "2026-12-02T00:00:00Z" }]);

    const render = await renderInChild({ ...requestFromStackFile(parseStackFile(canary, `Pulumi.${STACK}.yaml`, STACK), false), revealSecrets: true });
    const launch = questDbLaunch(render, CANARY);
    assert.equal(launch.version, "9.3.4");
    questdb = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
    fs.writeFileSync(path.join(dir, "rules.yml"), ruleFile(render));
    const monitor = monitorOf(render, CANARY);
    fs.writeFileSync(path.join(dir, "prometheus.yml"), stringify({
        // Rules every second; scrapes every 5 s with a 5 s timeout, since a scrape slower than its
        // timeout is `up == 0` and so QuestDbDown pending (measured: a 1 s timeout flaps on this
        // 2-core machine under a load of 10).
        global: { scrape_interval: "5s", scrape_timeout: "5s", evaluation_interval: "1s" },
        rule_files: [path.join(dir, "rules.yml")],
        scrape_configs: [{
            // As the rendered ServiceMonitor has the operator scrape it: job = the Service, namespace added.
            job_name: SCRAPE_JOB, metrics_path: monitor.path, scheme: monitor.scheme,
            static_configs: [{ targets: [`127.0.0.1:${questdb.port(PORTS.status)}`], labels: { namespace: monitor.namespace } }],
        }],
    }));
    prometheus = spawnLogged("prometheus-rollout", "prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${prometheusPort}`]);
    // Rules evaluated (QuestDbDown pending for a database of a later wave) and the canary scraped (none for it).
    await pollUntil("Prometheus to evaluate our rules with the canary up", 60_000, async () => {
        if (prometheus?.exited()) {
            throw new Error(`prometheus ${prometheus.exited()}`);
        }
        const alerts = await activeAlerts().catch(() => undefined);
        return alerts && alertsFor(alerts, "birch").length > 0 && alertsFor(alerts, CANARY).length === 0 ? true : undefined;
    });
});

after(async () => {
    await prometheus?.stop();
    await questdb?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`[e2e] rolloutGates: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe("qdb rollout's gates ask a real Prometheus evaluating our rules over a real QuestDB", () => {
    it("no alert for the canary (later waves' alerts do not count): the gates pass and wave 1 is written", async () => {
        const alerts = await activeAlerts();
        assert.deepEqual(alertsFor(alerts, "birch").map((a) => [a.labels.alertname, a.state]), [["QuestDbDown", "pending"]]);
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-03T01:00:00Z");
        assert.equal(result.code, 0, result.err);
        assert.match(result.out, /Gates passed for wave 1:\n {2}alerts: no alert pending or firing for 1 database\(s\)/);
        const wave1 = current(dir);
        assert.deepEqual(entryOf(wave1, "amber").pending, { questdbVersion: "9.3.4" });
        assert.equal(entryOf(wave1, "birch").questdbVersion, "9.3.4");
        assert.equal(entryOf(wave1, "bravo").questdbVersion, undefined);
    });

    it("the canary's QuestDB stops: QuestDbDown pending for it halts the rollout and the canary wave's revert is written", async () => {
        fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), canary);
        assert.deepEqual(alertsFor(await activeAlerts(), CANARY), [], "the canary is up until now");
        await questdb?.stop();
        questdb = undefined;
        await pollUntil("QuestDbDown to turn pending for the canary", 30_000, async () =>
            (alertsFor(await activeAlerts(), CANARY).some((a) => a.labels.alertname === "QuestDbDown" && a.state === "pending") ? true : undefined));
        const result = await qdb(dir, "rollout", "--stack", STACK, ROLL, "--history", history, "--now", "2026-12-03T01:00:00Z");
        assert.equal(result.code, 1);
        assert.match(result.err, new RegExp(`the rollout of questdbVersion=9\\.3\\.4 is halted: QuestDbDown pending for ${CANARY} since \\S+\\. Wrote the revert of wave 0`));
        const reverted = current(dir);
        assert.deepEqual(entryOf(reverted, CANARY), { id: CANARY, availabilityZone: "eu-central-1a", questdbVersion: "8.2.3", allowMajorDowngrade: true });
        assert.match(regionOf(reverted).rollout.halted, /^questdbVersion=9\.3\.4: QuestDbDown pending for alpha since /);
        assert.equal(entryOf(reverted, "birch").questdbVersion, undefined, "no later wave is written");
    });
});
