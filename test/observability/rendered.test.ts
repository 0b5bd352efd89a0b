import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ALLOWED_METRICS, DASHBOARD_KEY, MONITORING_OBJECT_NAMES, suggestedVolumeSizeGiB } from "../../components/monitoring";
import { validateInventory } from "../../inventory";
import { Render, RenderedResource } from "../../render";
import { TYPES, rawConfigOf, renderShippedStack, resource, shippedStackBody, shippedStacks } from "../support/stacks";
import { OBS_TYPES, alertedIds, namesOf, runningIds } from "./support";
import { promqlProblems } from "./promql";

const meta = (r: RenderedResource) => r.inputs.metadata as { name: string; namespace: string; labels: Record<string, string> };
const spec = (r: RenderedResource) => r.inputs.spec as Record<string, any>;

for (const stack of shippedStacks()) {
    describe(`observability of stack ${stack}`, () => {
        const inventory = validateInventory(rawConfigOf(shippedStackBody(stack), stack));
        const { region } = inventory;
        let render: Render;
        before(async () => {
            render = await renderShippedStack(stack);
        });

        test("one ServiceMonitor and one PrometheusRule per database, one dashboard for the region", () => {
            assert.deepEqual(namesOf(render, OBS_TYPES.serviceMonitor), [...runningIds(inventory.databases).map((id) => `${id}-metrics`), "questdb-pushgateway-metrics"].sort());
            // Plus the region's Pushgateway: its scrape and its one alert (pushgateway.test.ts).
            assert.deepEqual(namesOf(render, OBS_TYPES.prometheusRule), [...alertedIds(inventory.databases).map((id) => `${id}-alerts`), "questdb-pushgateway-alerts"].sort());
            assert.deepEqual(namesOf(render, OBS_TYPES.fleet), ["questdb-fleet"]);
        });

        for (const database of inventory.databases.filter((d) => runningIds(inventory.databases).includes(d.id))) {
            const id = database.id;
            const alerted = alertedIds(inventory.databases).includes(id);
            test(`${id}: the ServiceMonitor selects exactly its database's Service on the status port`, () => {
                const monitor = resource(render, OBS_TYPES.serviceMonitor, `${id}-metrics`);
                const service = resource(render, TYPES.service, `${id}-service`);
                assert.equal(monitor.parent, id);
                assert.equal(meta(monitor).namespace, `qdb-${id}`);
                assert.deepEqual(spec(monitor).namespaceSelector, { matchNames: [`qdb-${id}`] });
                const selector: Record<string, string> = spec(monitor).selector.matchLabels;
                assert.equal(selector["questdb.cloud/database"], id);
                for (const [key, value] of Object.entries(selector)) {
                    assert.equal(meta(service).labels[key], value, `Service of ${id} lacks selector label ${key}`);
                }
                const [endpoint] = spec(monitor).endpoints;
                assert.equal(endpoint.port, "status");
                assert.equal(endpoint.path, "/metrics");
                assert.deepEqual(spec(service).ports.find((p: { name: string }) => p.name === "status"), { name: "status", port: 9003, targetPort: "status" });
                assert.deepEqual(spec(monitor).targetLabels, ["questdb.cloud/database"]);
                for (const [key, value] of Object.entries(region.monitoring.labels)) {
                    assert.equal(meta(monitor).labels[key], value);
                }
            });

            if (!alerted) {
                test(`${id}: a database that is not active has no alert rules, since it has no pod to be up`, () => {
                    assert.equal(render.resources.some((r) => r.type === OBS_TYPES.prometheusRule && r.name === `${id}-alerts`), false);
                });
                continue;
            }

            test(`${id}: its PrometheusRule sits in its namespace, every alert labelled with id, stack and region`, () => {
                const rule = resource(render, OBS_TYPES.prometheusRule, `${id}-alerts`);
                assert.equal(rule.parent, id);
                assert.deepEqual([meta(rule).name, meta(rule).namespace], [MONITORING_OBJECT_NAMES.rule, `qdb-${id}`]);
                assert.deepEqual(meta(rule).labels, { ...meta(resource(render, TYPES.service, `${id}-service`)).labels, ...region.monitoring.labels });
                const groups = spec(rule).groups as { name: string; rules: { alert: string; labels: Record<string, string>; expr: string; annotations: Record<string, string> }[] }[];
                assert.deepEqual(groups.map((g) => g.name), [`questdb.${id}`]);
                // 5 server alerts, 4 backup alerts, and 2 drill alerts when the database has a scheduled drill.
                assert.equal(groups[0].rules.length, database.backup.drill ? 11 : 9);
                for (const r of groups[0].rules) {
                    assert.equal(r.labels.database, id);
                    assert.equal(r.labels.stack, stack);
                    assert.equal(r.labels.aws_region, region.awsRegion);
                    // Drill alerts watch the database's drill CronJob in the drills' namespace.
                    // The checkpoint hold is what the backup run pushed, under its job and database labels.
                    const pin = r.alert.startsWith("QuestDbDrill") ? `namespace="questdb-drills", cronjob="drill-${id}"`
                        : r.alert === "QuestDbCheckpointHeldLong" ? `job="questdb-backup", database="${id}"` : `namespace="qdb-${id}"`;
                    assert.ok(r.expr.includes(pin), r.expr);
                }
                const full = groups[0].rules.find((r) => r.alert === "QuestDbVolumeAlmostFull");
                assert.ok(full?.annotations.description.includes(`${id} volume.sizeGiB=${suggestedVolumeSizeGiB(database.volume.sizeGiB)}`));
            });

            test(`${id}: server.conf enables metrics, and only monitoring may reach port 9003`, () => {
                const conf = (resource(render, TYPES.configMap, `${id}-config`).inputs.data as Record<string, string>)["server.conf"];
                assert.match(conf, /^metrics\.enabled=true$/m);
                assert.match(conf, /^http\.min\.net\.bind\.to=0\.0\.0\.0:9003$/m);
                const rules = spec(resource(render, TYPES.networkPolicy, `${id}-isolation`)).ingress as any[];
                const to9003 = rules.filter((r) => r.ports.some((p: { port: number }) => p.port === 9003));
                assert.deepEqual(to9003.map((r) => r.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]), [region.monitoringNamespace]);
            });
        }

        test("the dashboard is valid JSON in a grafana_dashboard ConfigMap, with a $database variable", () => {
            const configMap = resource(render, TYPES.configMap, "questdb-fleet-dashboard");
            assert.equal(meta(configMap).namespace, region.monitoringNamespace);
            assert.equal(meta(configMap).labels.grafana_dashboard, "1");
            const dashboard = JSON.parse((configMap.inputs.data as Record<string, string>)[DASHBOARD_KEY]);
            const variable = dashboard.templating.list.find((v: { name: string }) => v.name === "database");
            assert.deepEqual([variable.type, variable.regex, variable.allValue], ["query", "/^qdb-(.+)$/", ".+"]);
            assert.match(dashboard.title, new RegExp(`${stack} \\(${region.awsRegion}\\)`));
            const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
            assert.ok(exprs.length > 0);
            assert.deepEqual(exprs.flatMap((e) => promqlProblems(e, ALLOWED_METRICS)), []);
            assert.equal(new Set(dashboard.panels.map((p: { id: number }) => p.id)).size, dashboard.panels.length);
        });
    });
}
