/**
 * Tenant isolation and least privilege, asserted on what every shipped stack registers: each
 * database namespace gets its quota, limit range and network policy, and each QuestDB pod runs
 * without a service account token, as non-root, on a read-only root filesystem.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { LIMIT_RANGE_NAME, QUOTA_NAME, STRAY_CONTAINER_REQUEST } from "../../components/deployment/tenantIsolation";
import { Render, RenderedResource } from "../../render";
import { TYPES, renderShippedStack, resource, resourcesOfType, shippedStackBody, shippedStacks } from "../support/stacks";
import { cpuMillis, memoryBytes } from "./quantities";

const QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMIT_RANGE = "kubernetes:core/v1:LimitRange";

type Json = Record<string, any>;
const inputs = (r: RenderedResource) => r.inputs as Json;

for (const stack of shippedStacks()) {
    describe(`tenant isolation in ${stack}`, { timeout: 180_000 }, () => {
        let render: Render;
        let ids: string[];
        before(async () => {
            render = await renderShippedStack(stack);
            // Databases that run in the cluster; a decommissioned one keeps only its volume.
            // (questdb-drills, the restore drills' platform namespace, is no database's.)
            const databases = new Set(resourcesOfType(render, TYPES.deployment).map((d) => d.name));
            ids = resourcesOfType(render, TYPES.namespace).map((n) => n.parent).filter((p): p is string => p !== undefined && databases.has(p));
        });

        it("every database namespace has a ResourceQuota and a LimitRange, made after it", () => {
            assert.ok(ids.length > 0);
            // Plus the drills namespace's own, where the region schedules a drill (issue 27.5).
            const tenants = (type: string) => resourcesOfType(render, type).filter((r) => r.parent !== "questdb-drills");
            assert.equal(tenants(QUOTA).length, ids.length);
            assert.equal(tenants(LIMIT_RANGE).length, ids.length);
            for (const id of ids) {
                const namespace = inputs(resource(render, TYPES.namespace, `${id}-namespace`)).metadata.name;
                for (const [type, name, objectName] of [[QUOTA, `${id}-quota`, QUOTA_NAME], [LIMIT_RANGE, `${id}-limits`, LIMIT_RANGE_NAME]]) {
                    const r = resource(render, type, name);
                    assert.equal(r.parent, id);
                    assert.deepEqual(r.options.dependsOn, [`${id}-namespace`]);
                    assert.deepEqual(inputs(r).metadata.namespace, namespace);
                    assert.equal(inputs(r).metadata.name, objectName);
                }
                const hard = inputs(resource(render, QUOTA, `${id}-quota`)).spec.hard;
                assert.equal(hard["services.loadbalancers"], "0");
                assert.equal(hard.persistentvolumeclaims, "1");
                assert.equal(hard.pods, "3");
                const [limits] = inputs(resource(render, LIMIT_RANGE, `${id}-limits`)).spec.limits;
                assert.equal(limits.type, "Container");
                assert.deepEqual(limits.defaultRequest, STRAY_CONTAINER_REQUEST);
                // A default limit would also cap QuestDB, which sets none on purpose.
                assert.equal(limits.default, undefined);
            }
        });

        it("the quota fits QuestDB, the backup pod and one stray container, and no second QuestDB-sized pod", () => {
            const statefulSets = resourcesOfType(render, TYPES.statefulSet);
            assert.ok(statefulSets.length > 0);
            for (const sts of statefulSets) {
                const hard = inputs(resource(render, QUOTA, `${sts.parent}-quota`)).spec.hard;
                const [questdb] = inputs(sts).spec.template.spec.containers;
                const requests = questdb.resources.requests;
                const stray = STRAY_CONTAINER_REQUEST;
                const backupCronJob = render.resources.find((r) => r.type === "kubernetes:batch/v1:CronJob" && r.name === `${sts.parent}-backup`);
                const backup = backupCronJob ? inputs(backupCronJob).spec.jobTemplate.spec.template.spec.containers[0].resources.requests : { cpu: "0", memory: "0" };
                assert.ok(cpuMillis(requests.cpu) + cpuMillis(backup.cpu) + cpuMillis(stray.cpu) <= cpuMillis(hard["requests.cpu"]));
                assert.ok(memoryBytes(requests.memory) + memoryBytes(backup.memory) + memoryBytes(stray.memory) <= memoryBytes(hard["requests.memory"]));
                assert.ok(2 * cpuMillis(requests.cpu) > cpuMillis(hard["requests.cpu"]) || 2 * memoryBytes(requests.memory) > memoryBytes(hard["requests.memory"]));
            }
        });

        it("the network policy lets in only the endpoint's proxies (none on an empty allowlist) and monitoring, and out only DNS", () => {
            const region = shippedStackBody(stack).config["questdb-cloud:region"] as Json;
            const databases = shippedStackBody(stack).config["questdb-cloud:databases"] as Json[];
            const ingressNs = region.ingress ? region.ingress.namespace ?? "ingress-nginx" : undefined;
            const gatewayNs = region.gateway ? region.gateway.namespace ?? "traefik" : undefined;
            for (const id of ids) {
                const entry = databases.find((d) => d.id === id);
                const open = (entry?.access ?? region.defaults.access).allowedCidrs.length > 0;
                const spec = inputs(resource(render, TYPES.networkPolicy, `${id}-isolation`)).spec;
                assert.deepEqual(spec.podSelector, {});
                assert.deepEqual([...spec.policyTypes].sort(), ["Egress", "Ingress"]);
                const sources = spec.ingress.flatMap((rule: Json) => rule.from.map((peer: Json) => {
                    assert.equal(peer.ipBlock, undefined);
                    return peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"];
                }));
                const expected = [ingressNs, open ? gatewayNs : undefined, region.monitoringNamespace ?? "monitoring"].filter((n) => n !== undefined);
                assert.deepEqual([...new Set(sources)].sort(), [...new Set(expected)].sort(), id);
                const portsFrom = (namespace: string) => spec.ingress
                    .filter((rule: Json) => rule.from.some((peer: Json) => peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] === namespace))
                    .flatMap((rule: Json) => rule.ports.map((p: Json) => p.port)).sort((a: number, b: number) => a - b);
                // The ingress carries HTTP only (plus cert-manager's HTTP-01 solver); the gateway
                // carries HTTP, PG wire and ILP; neither reaches QuestDB on an empty allowlist.
                if (ingressNs) assert.deepEqual(portsFrom(ingressNs), open ? [8089, 9000] : [8089], id);
                if (gatewayNs && open && gatewayNs !== ingressNs) assert.deepEqual(portsFrom(gatewayNs), [8812, 9000, 9009], id);
                assert.deepEqual(portsFrom(region.monitoringNamespace ?? "monitoring"), [9003]);
                for (const rule of spec.ingress) assert.ok(rule.ports.length > 0, "every ingress rule names its ports");
                const egressPorts = spec.egress.flatMap((rule: Json) => rule.ports.map((p: Json) => p.port));
                assert.deepEqual([...new Set(egressPorts)], [53]);
                for (const rule of spec.egress) {
                    for (const peer of rule.to) assert.deepEqual(peer.podSelector, { matchLabels: { "k8s-app": "kube-dns" } });
                }
            }
        });

        it("out of a database namespace, only the backup pod may reach another namespace's pods: the Pushgateway's, on 9091", () => {
            const region = shippedStackBody(stack).config["questdb-cloud:region"] as Json;
            const monitoring = region.monitoringNamespace ?? "monitoring";
            for (const id of ids) {
                const policies = resourcesOfType(render, TYPES.networkPolicy).filter((p) => p.parent === id);
                const crossNamespace = policies.flatMap((p) => (inputs(p).spec.egress ?? [])
                    .filter((rule: Json) => rule.to.some((peer: Json) => peer.namespaceSelector && peer.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"] !== "kube-system"))
                    .map((rule: Json) => ({ policy: p.name, selects: inputs(p).spec.podSelector, rule })));
                assert.deepEqual(crossNamespace, [{
                    policy: `${id}-backup-egress`,
                    selects: { matchLabels: { "app.kubernetes.io/component": "backup" } },
                    rule: {
                        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoring } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "questdb-pushgateway", "app.kubernetes.io/component": "pushgateway" } } }],
                        ports: [{ protocol: "TCP", port: 9091 }],
                    },
                }], id);
            }
        });

        it("every QuestDB pod: no service account token, non-root, read-only root, no privilege", () => {
            const statefulSets = resourcesOfType(render, TYPES.statefulSet);
            assert.ok(statefulSets.length > 0);
            for (const sts of statefulSets) {
                assert.ok(ids.includes(sts.parent ?? ""), `${sts.name} runs in a database namespace`);
                const pod = inputs(sts).spec.template.spec;
                assert.equal(pod.automountServiceAccountToken, false, sts.name);
                assert.equal(pod.securityContext.runAsNonRoot, true, sts.name);
                assert.ok(pod.securityContext.runAsUser > 0, sts.name);
                assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                for (const flag of ["hostNetwork", "hostPID", "hostIPC"]) assert.notEqual(pod[flag], true, flag);
                for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
                    const sc = container.securityContext;
                    assert.equal(sc.readOnlyRootFilesystem, true, `${sts.name}/${container.name}`);
                    assert.equal(sc.allowPrivilegeEscalation, false, `${sts.name}/${container.name}`);
                    assert.notEqual(sc.privileged, true);
                    assert.deepEqual(sc.capabilities.drop, ["ALL"]);
                    assert.equal(sc.capabilities.add, undefined);
                }
            }
        });
    });
}
