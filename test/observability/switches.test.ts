import assert from "node:assert/strict";
import { before, test } from "node:test";
import { InventoryError, validateInventory } from "../../inventory";
import { Render } from "../../render";
import { TYPES, rawConfigOf, renderStackBody, resource, shippedStackBody } from "../support/stacks";
import { OBS_TYPES, alertedIds, namesOf, runningIds } from "./support";

type Entry = Record<string, unknown>;

/** The shipped prod body with its region's `monitoring` block replaced. */
function prodWithMonitoring(monitoring: unknown): { config: Record<string, unknown> } {
    const body = structuredClone(shippedStackBody("prod"));
    (body.config["questdb-cloud:region"] as Entry).monitoring = monitoring;
    return body;
}

function problemLine(monitoring: unknown, field: string): string {
    try {
        validateInventory(rawConfigOf(prodWithMonitoring(monitoring), "prod"));
    } catch (err) {
        assert.ok(err instanceof InventoryError);
        const line = err.message.split("\n").find((l) => l.includes(`region: ${field} =`));
        assert.ok(line, `no problem for ${field}:\n${err.message}`);
        assert.match(line, /^ {2}- stack "prod", region: .* Fix: /);
        return line;
    }
    assert.fail(`monitoring ${JSON.stringify(monitoring)} validated`);
}

const shipped = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod")).databases;
const firstActive = shipped.find((d) => d.state === "active")!.id;

let operatorOff: Render;
let dashboardsOff: Render;
before(async () => {
    [operatorOff, dashboardsOff] = await Promise.all([
        renderStackBody("prod", prodWithMonitoring({ prometheusOperator: false })),
        renderStackBody("prod", prodWithMonitoring({ grafanaDashboards: false })),
    ]);
});

test("without the Prometheus Operator there is no ServiceMonitor or PrometheusRule; metrics stay on", () => {
    assert.deepEqual(namesOf(operatorOff, OBS_TYPES.serviceMonitor), []);
    assert.deepEqual(namesOf(operatorOff, OBS_TYPES.prometheusRule), []);
    assert.ok(resource(operatorOff, TYPES.configMap, "questdb-fleet-dashboard"));
    const service = resource(operatorOff, TYPES.service, `${firstActive}-service`).inputs.spec as { ports: { name: string }[] };
    assert.ok(service.ports.some((p) => p.name === "status"));
    const conf = (resource(operatorOff, TYPES.configMap, `${firstActive}-config`).inputs.data as Record<string, string>)["server.conf"];
    assert.match(conf, /^metrics\.enabled=true$/m);
});

test("without the Prometheus Operator there is no Pushgateway: no CronJob gets a URL, no egress rule opens towards one", () => {
    assert.deepEqual(operatorOff.resources.filter((r) => r.parent === "questdb-pushgateway" || r.name === "questdb-pushgateway"), []);
    const cronJobs = operatorOff.resources.filter((r) => r.type === "kubernetes:batch/v1:CronJob");
    assert.ok(cronJobs.length > 0);
    for (const cronJob of cronJobs) {
        const env = (cronJob.inputs as any).spec.jobTemplate.spec.template.spec.containers[0].env as { name: string }[];
        assert.equal(env.some((e) => e.name === "PUSHGATEWAY_URL"), false, cronJob.name);
    }
    const egress = (name: string) => (resource(operatorOff, TYPES.networkPolicy, name).inputs as any).spec.egress as unknown[];
    assert.equal(egress(`${firstActive}-backup-egress`).length, 3);
    // Agent, AWS HTTPS and the API server's Service address.
    assert.equal(egress("questdb-drills-runner-egress").length, 3);
    assert.equal(JSON.stringify(egress(`${firstActive}-backup-egress`)).includes("9091"), false);
});

test("without Grafana dashboards there is no dashboard ConfigMap, and scraping is unchanged", () => {
    assert.equal(dashboardsOff.resources.filter((r) => r.name === "questdb-fleet-dashboard").length, 0);
    assert.deepEqual(namesOf(dashboardsOff, OBS_TYPES.serviceMonitor), [...runningIds(shipped).map((id) => `${id}-metrics`), "questdb-pushgateway-metrics"].sort());
    assert.deepEqual(namesOf(dashboardsOff, OBS_TYPES.prometheusRule), [...alertedIds(shipped).map((id) => `${id}-alerts`), "questdb-pushgateway-alerts"].sort());
});

test("the monitoring block defaults every field, one by one", () => {
    const region = (monitoring: unknown) => validateInventory(rawConfigOf(prodWithMonitoring(monitoring), "prod")).region;
    assert.deepEqual(region(undefined).monitoring, { prometheusOperator: true, grafanaDashboards: true, labels: {} });
    assert.deepEqual(region({ grafanaDashboards: false }).monitoring, { prometheusOperator: true, grafanaDashboards: false, labels: {} });
    assert.deepEqual(region({ labels: { release: "kps" } }).monitoring.labels, { release: "kps" });
    assert.equal(region(undefined).monitoringNamespace, "observability");
});

test("a bad monitoring block is reported with stack, field, value and fix", () => {
    assert.match(problemLine("yes", "monitoring"), /= "yes": expected an object\. Fix: write monitoring as a map/);
    assert.match(problemLine({ prometheusOperator: "false" }, "monitoring.prometheusOperator"),
        /= "false": expected true or false\. Fix: set monitoring\.prometheusOperator to true or false \(unquoted\)/);
    assert.match(problemLine({ grafanaDashboard: true }, "monitoring.grafanaDashboard"), /is not a known field\. Fix: did you mean monitoring\.grafanaDashboards\?/);
    assert.match(problemLine({ labels: { release: 1 } }, "monitoring.labels.release"), /= 1: expected a Kubernetes label value/);
    assert.match(problemLine({ labels: { "bad key!": "x" } }, "monitoring.labels.bad key!"), /is not a Kubernetes label key/);
    assert.match(problemLine({ labels: ["release"] }, "monitoring.labels"), /expected an object/);
});

test("a paused database keeps its ServiceMonitor but gets no alerts (QuestDbDown would never clear)", async () => {
    const body = structuredClone(shippedStackBody("prod"));
    const entry = (body.config["questdb-cloud:databases"] as Entry[]).find((d) => d.id === firstActive)!;
    entry.state = "paused";
    const render = await renderStackBody("prod", body);
    assert.ok(namesOf(render, OBS_TYPES.serviceMonitor).includes(`${firstActive}-metrics`));
    const expected = [...alertedIds(shipped).filter((id) => id !== firstActive).map((id) => `${id}-alerts`), "questdb-pushgateway-alerts"].sort();
    assert.deepEqual(namesOf(render, OBS_TYPES.prometheusRule), expected);
});
