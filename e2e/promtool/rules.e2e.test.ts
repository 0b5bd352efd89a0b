// promtool (Debian's prometheus package) checks and unit-tests every rendered PrometheusRule.
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { Render } from "../../render";
import { TYPES, shippedStacks } from "../../test/support/stacks";
import { renderBodyForE2e, renderShippedForE2e } from "../support/render";
import { GENERATED_STACK, generatedStackBody } from "../support/stacks";
import { runCommand } from "../support/process";
import { ensurePromtool } from "./install";
import { AlertTest, CASES_ELSEWHERE, Group, alertTests, quietStackTest } from "./ruleTests";
import { renderedRuleGroups } from "../questdb/renderedMetrics";
import { questDbLaunch } from "../questdb/fromRender";
import { startQuestDb } from "../questdb/server";
import { exposedMetrics, httpGet } from "../questdb/clients";
import { PORTS } from "../../inventory";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-promtool-"));
const renders: Render[] = [];
let served: Map<string, string>;

/** Ids of databases whose StatefulSet runs no replica. */
function pausedIds(render: Render): string[] {
    return render.resources
        .filter((r) => r.type === TYPES.statefulSet && (r.inputs as { spec: { replicas: number } }).spec.replicas === 0)
        .map((r) => r.parent!)
        .sort();
}

function writeRules(render: Render): { file: string; groups: Group[] } {
    const groups = renderedRuleGroups(render);
    const file = path.join(work, `${render.stack}.rules.yaml`);
    fs.writeFileSync(file, stringify({ groups }));
    return { file, groups };
}

async function promtoolTest(rulesFile: string, tests: AlertTest[], name: string): Promise<{ code: number | null; out: string }> {
    const file = path.join(work, `${name}.test.yaml`);
    fs.writeFileSync(file, stringify({ rule_files: [rulesFile], evaluation_interval: "1m", tests }));
    const result = await runCommand("promtool", ["test", "rules", file]);
    return { code: result.code, out: `${result.stdout}${result.stderr}` };
}

before(async () => {
    console.log(`[e2e] ${await ensurePromtool()}`);
    renders.push(...await Promise.all([...shippedStacks().map(renderShippedForE2e), renderBodyForE2e(GENERATED_STACK, generatedStackBody())]));
    // The QuestDB series names come from a real QuestDB: the generated stack's QuestDB 9 database.
    const generated = renders.find((r) => r.stack === GENERATED_STACK)!;
    const launch = questDbLaunch(generated, "generated-tuned");
    const server = await startQuestDb({ version: launch.version, serverConf: launch.serverConf, env: launch.env, confPath: launch.confPath });
    try {
        served = exposedMetrics((await httpGet(server.port(PORTS.status), "/metrics")).body);
    } finally {
        await server.stop();
    }
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

describe("promtool on the rendered alert rules", () => {
    it("`promtool check rules` passes on every stack's PrometheusRule groups", async () => {
        for (const render of renders) {
            const { file, groups } = writeRules(render);
            const rules = groups.reduce((n, g) => n + g.rules.length, 0);
            assert.ok(rules > 0, `${render.stack} renders alert rules`);
            const result = await runCommand("promtool", ["check", "rules", file]);
            assert.equal(result.code, 0, `${render.stack}: ${result.stdout}${result.stderr}`);
            assert.match(result.stdout, new RegExp(`SUCCESS: ${rules} rules found`));
        }
    });

    it("`promtool test rules`: every alert of every database fires on its series and stays silent on the others", async () => {
        for (const render of renders) {
            const { file, groups } = writeRules(render);
            const tests = alertTests(groups, served);
            // The backup alerts' cases are in e2e/backup/alerts.e2e.test.ts (CASES_ELSEWHERE).
            const alerts = new Set(groups.flatMap((g) => g.rules.map((r) => r.alert)).filter((a) => !(a in CASES_ELSEWHERE)));
            for (const alert of alerts) {
                const covering = tests.filter((t) => t.alert_rule_test.some((c) => c.alertname === alert));
                assert.ok(covering.some((t) => t.alert_rule_test.some((c) => c.alertname === alert && c.exp_alerts.length > 0)), `${alert} has a firing case`);
                assert.ok(covering.some((t) => t.alert_rule_test.every((c) => c.alertname !== alert || c.exp_alerts.length === 0)), `${alert} has a silent case`);
            }
            const result = await promtoolTest(file, tests, render.stack);
            assert.equal(result.code, 0, `${render.stack}:\n${result.out}`);
            assert.match(result.out, /SUCCESS/);
        }
    });

    it("a paused database has no rules, and with every active database up nothing reports it down", async () => {
        const prod = renders.find((r) => r.stack === "prod")!;
        const paused = pausedIds(prod);
        assert.ok(paused.length > 0, "prod ships a paused database");
        const { file, groups } = writeRules(prod);
        assert.deepEqual(groups.filter((g) => paused.some((id) => g.name.endsWith(`.${id}`))), []);
        const result = await promtoolTest(file, [quietStackTest(groups, paused)], "paused");
        assert.equal(result.code, 0, result.out);
    });

    it("the harness can fail: a firing expectation on healthy series makes promtool exit non-zero", async () => {
        const prod = renders.find((r) => r.stack === "prod")!;
        const { file, groups } = writeRules(prod);
        const wrong = quietStackTest(groups, []);
        const lying: AlertTest = { ...wrong, alert_rule_test: [{ ...wrong.alert_rule_test[0], exp_alerts: [{ exp_labels: { severity: "critical" }, exp_annotations: {} }] }] };
        const result = await promtoolTest(file, [lying], "lying");
        assert.notEqual(result.code, 0);
        assert.match(result.out, /FAILED/);
    });
});
