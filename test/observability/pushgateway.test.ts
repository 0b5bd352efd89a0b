/**
 * The region's Pushgateway and who pushes to it, asserted on what every shipped stack registers:
 * the pinned image under restricted pod security, the scrape with honorLabels, the alert, the
 * pushers' URL and their one extra egress rule, and the ingress policy that admits only them and
 * monitoring. Without the Prometheus Operator: see switches.test.ts.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PUSHGATEWAY_TYPE, pushgatewayArgsProblems } from "../../components/pushgateway";
import { DEFAULTS, validateInventory } from "../../inventory";
import { Render, RenderedResource } from "../../render";
import { TYPES, rawConfigOf, renderShippedStack, resource, resourcesOfType, shippedStackBody, shippedStacks } from "../support/stacks";
import { OBS_TYPES } from "./support";
import { promqlProblems } from "./promql";
import { ALLOWED_METRICS } from "../../components/monitoring";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CRON_JOB = "kubernetes:batch/v1:CronJob";
const json = (r: RenderedResource) => r.inputs as any;
const envOf = (cronJob: RenderedResource) => Object.fromEntries(
    json(cronJob).spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

test("an image that is not pinned is refused, naming the image and the fix", () => {
    const region = validateInventory(rawConfigOf(shippedStackBody("prod"), "prod")).region;
    assert.deepEqual(pushgatewayArgsProblems({ region }), []);
    assert.deepEqual(pushgatewayArgsProblems({ region, image: "prom/pushgateway:v1.11.0@sha256:" + "a".repeat(64) }), []);
    for (const image of ["prom/pushgateway", "prom/pushgateway:latest", "prom/pushgateway:v1"]) {
        assert.deepEqual(pushgatewayArgsProblems({ region, image }),
            [`Pushgateway image "${image}" is not pinned: use a version tag such as ${DEFAULTS.pushgateway.image}, or a digest`]);
    }
});

for (const stack of shippedStacks()) {
    describe(`the Pushgateway of stack ${stack}`, () => {
        const inventory = validateInventory(rawConfigOf(shippedStackBody(stack), stack));
        const { region } = inventory;
        const ns = region.monitoringNamespace;
        const url = `http://questdb-pushgateway.${ns}.svc:9091`;
        let render: Render;
        before(async () => {
            render = await renderShippedStack(stack);
        });
        const own = (type: string, name: string) => {
            const r = resource(render, type, name);
            assert.equal(r.parent, "questdb-pushgateway", `${name} is a child of the component`);
            return json(r);
        };

        test("one component with its Deployment, Service, NetworkPolicy, ServiceMonitor and PrometheusRule, all in the monitoring namespace", () => {
            assert.deepEqual(resourcesOfType(render, PUSHGATEWAY_TYPE).map((r) => r.name), ["questdb-pushgateway"]);
            const children = render.resources.filter((r) => r.parent === "questdb-pushgateway").map((r) => `${r.type} ${r.name}`).sort();
            assert.deepEqual(children, [
                `${DEPLOYMENT} questdb-pushgateway`,
                `${OBS_TYPES.prometheusRule} questdb-pushgateway-alerts`,
                `${OBS_TYPES.serviceMonitor} questdb-pushgateway-metrics`,
                `${TYPES.networkPolicy} questdb-pushgateway-ingress`,
                `${TYPES.service} questdb-pushgateway-service`,
            ].sort());
            for (const name of children) {
                const [type, logical] = name.split(" ");
                assert.deepEqual([own(type, logical).metadata.name, own(type, logical).metadata.namespace], ["questdb-pushgateway", ns]);
            }
        });

        test("a pinned image, one replica, restricted pod security, requests and limits, no admin API", () => {
            const deployment = own(DEPLOYMENT, "questdb-pushgateway");
            assert.equal(deployment.spec.replicas, 1);
            const pod = deployment.spec.template.spec;
            const [container] = pod.containers;
            assert.equal(container.image, DEFAULTS.pushgateway.image);
            assert.match(container.image, /^prom\/pushgateway:v\d+\.\d+\.\d+$/);
            assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } });
            assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
            assert.equal(pod.automountServiceAccountToken, false);
            assert.deepEqual(container.resources, { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } });
            assert.deepEqual(container.args, ["--web.listen-address=:9091", "--persistence.file=/data/metrics", "--persistence.interval=1m"]);
            assert.deepEqual(container.volumeMounts, [{ name: "data", mountPath: "/data" }]);
            assert.deepEqual(pod.volumes, [{ name: "data", emptyDir: { sizeLimit: "64Mi" } }]);
            assert.deepEqual(container.ports, [{ name: "http", containerPort: 9091 }]);
            assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
        });

        test("the Service selects the pod; the ServiceMonitor selects the Service and honours the pushed job and database labels", () => {
            const deployment = own(DEPLOYMENT, "questdb-pushgateway");
            const service = own(TYPES.service, "questdb-pushgateway-service");
            assert.deepEqual(service.spec.selector, deployment.spec.template.metadata.labels);
            assert.deepEqual(service.spec.ports, [{ name: "http", port: 9091, targetPort: "http" }]);
            const monitor = own(OBS_TYPES.serviceMonitor, "questdb-pushgateway-metrics");
            for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) {
                assert.equal(service.metadata.labels[key], value, `the Service lacks selector label ${key}`);
            }
            assert.deepEqual(monitor.spec.namespaceSelector, { matchNames: [ns] });
            assert.deepEqual(monitor.spec.endpoints, [{ port: "http", path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s", honorLabels: true }]);
            for (const [key, value] of Object.entries(region.monitoring.labels)) {
                assert.equal(monitor.metadata.labels[key], value);
                assert.equal(own(OBS_TYPES.prometheusRule, "questdb-pushgateway-alerts").metadata.labels[key], value);
            }
        });

        test("QuestDbPushgatewayDown fires on a missing or failing scrape of the Pushgateway's own job in its namespace", () => {
            const groups = own(OBS_TYPES.prometheusRule, "questdb-pushgateway-alerts").spec.groups;
            assert.deepEqual(groups.map((g: any) => g.name), [`questdb.pushgateway.${stack}`]);
            const [rule] = groups[0].rules;
            assert.equal(groups[0].rules.length, 1);
            assert.equal(rule.alert, "QuestDbPushgatewayDown");
            assert.equal(rule.expr, `absent(up{job="questdb-pushgateway", namespace="${ns}"} == 1)`);
            assert.equal(rule.for, "10m");
            assert.deepEqual(rule.labels, { stack, aws_region: region.awsRegion, severity: "warning" });
            assert.deepEqual(promqlProblems(rule.expr, ALLOWED_METRICS), []);
        });

        test("only backup pods of database namespaces, the drill runner and monitoring may reach it, on 9091 only", () => {
            const policy = own(TYPES.networkPolicy, "questdb-pushgateway-ingress");
            assert.deepEqual(policy.spec.podSelector, { matchLabels: own(DEPLOYMENT, "questdb-pushgateway").spec.template.metadata.labels });
            assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
            assert.deepEqual(policy.spec.ingress, [{
                from: [
                    { namespaceSelector: { matchExpressions: [{ key: "questdb.cloud/database", operator: "Exists" }] }, podSelector: { matchLabels: { "app.kubernetes.io/component": "backup" } } },
                    { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "questdb-drills" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "drill-runner" } } },
                    { podSelector: {} },
                ],
                ports: [{ protocol: "TCP", port: 9091 }],
            }]);
            // The pushers carry the labels the policy admits.
            for (const cronJob of resourcesOfType(render, CRON_JOB)) {
                const labels = json(cronJob).spec.jobTemplate.spec.template.metadata.labels;
                assert.ok(["backup", "drill-runner"].includes(labels["app.kubernetes.io/component"]), cronJob.name);
            }
            for (const database of inventory.databases.filter((d) => d.state !== "decommissioned")) {
                assert.ok(json(resource(render, TYPES.namespace, `${database.id}-namespace`)).metadata.labels["questdb.cloud/database"], database.id);
            }
        });

        test("every active database's backup CronJob and every drill get the URL; paused and decommissioned ones have no CronJob", () => {
            const active = inventory.databases.filter((d) => d.state === "active").map((d) => d.id);
            assert.ok(active.length > 0);
            for (const id of active) {
                assert.equal(envOf(resource(render, CRON_JOB, `${id}-backup`)).PUSHGATEWAY_URL, url, id);
            }
            for (const database of inventory.databases.filter((d) => d.state !== "active")) {
                assert.equal(render.resources.some((r) => r.type === CRON_JOB && r.name === `${database.id}-backup`), false, database.id);
            }
            const drills = resourcesOfType(render, CRON_JOB).filter((r) => r.parent === "questdb-drills");
            for (const drill of drills) {
                assert.equal(envOf(drill).PUSHGATEWAY_URL, url, drill.name);
            }
            assert.ok(!url.includes("@") && !/password|token/i.test(url), "no credential in the URL");
        });

        test("each backup pod's egress gains exactly the Pushgateway's pods on 9091, and the drill runner's likewise", () => {
            const podLabels = own(DEPLOYMENT, "questdb-pushgateway").spec.template.metadata.labels;
            const toPushgateway = {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } }, podSelector: { matchLabels: podLabels } }],
                ports: [{ protocol: "TCP", port: 9091 }],
            };
            for (const database of inventory.databases.filter((d) => d.state !== "decommissioned")) {
                const egress = json(resource(render, TYPES.networkPolicy, `${database.id}-backup-egress`)).spec.egress;
                assert.deepEqual(egress.map((r: any) => r.to[0].podSelector && !r.to[0].namespaceSelector ? "questdb" : r.to[0].ipBlock?.cidr ?? "pushgateway"),
                    ["questdb", "169.254.170.23/32", "0.0.0.0/0", "pushgateway"], database.id);
                assert.deepEqual(egress[3], toPushgateway, database.id);
            }
            // Only a region that schedules a drill has the runner (issue 27.5).
            if (!inventory.databases.some((d) => d.state === "active" && d.backup.drill)) {
                assert.equal(render.resources.some((r) => r.name === "questdb-drills-runner-egress"), false);
                return;
            }
            const runner = json(resource(render, TYPES.networkPolicy, "questdb-drills-runner-egress")).spec;
            // Agent, AWS HTTPS, the Pushgateway, then the API server's Service address.
            assert.equal(runner.egress.length, 4);
            assert.deepEqual(runner.egress[2], toPushgateway);
            // The throwaway QuestDB of a drill gets none of it.
            const isolation = json(resource(render, TYPES.networkPolicy, "questdb-drills-isolation")).spec;
            assert.equal(JSON.stringify(isolation.egress).includes("9091"), false);
        });
    });
}
