/**
 * Every database's endpoint, for every shipped stack and for generated ones: its routes, its TLS
 * and an allowlist equal to its config; a paused database keeps its name and routes only to its
 * own pod-less Service; a decommissioned one has no route and no name. The expectations are read
 * from the raw stack body, not from the program's own helpers.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import fc from "fast-check";
import { Render, RenderedResource } from "../../render";
import { FIELD_MANAGER, FIELD_MANAGER_ANNOTATION } from "../../stacks/fieldManager";
import { hasOfflineSchema, validateManifest } from "../../render/manifests";
import { CIDRS, Entry, databasesArb, withDatabases } from "../guardrails/arbitraries";
import {
    ENDPOINT_TYPES as E, TYPES, renderStackBody, resource, resourcesOfDatabase, resourcesOfType, shippedStackBody, shippedStacks,
} from "../support/stacks";

type Json = Record<string, any>;
type Body = { config: Record<string, unknown> };

const ROUTE_TYPES = [E.httpRoute, E.tcpRoute, E.middleware, E.middlewareTcp, E.tlsOption, TYPES.ingress];

/** A stack that exercises every state on both paths at once: a region in the middle of its move. */
function statesBody(): Body {
    const body = withDatabases([
        { id: "open-active", availabilityZone: "eu-west-1a", access: { allowedCidrs: ["198.51.100.0/24", "2001:db8::/32"] } },
        { id: "vpc-only", availabilityZone: "eu-west-1a", access: { allowedCidrs: [] } },
        { id: "long-queries", availabilityZone: "eu-west-1b", serverConf: { "query.timeout.sec": 3600 } },
        { id: "sleeping", availabilityZone: "eu-west-1b", state: "paused" },
        { id: "gone", availabilityZone: "eu-west-1a", state: "decommissioned" },
    ]);
    const region = body.config["questdb-cloud:region"] as Json;
    region.ingress = { className: "nginx", clusterIssuer: "letsencrypt-staging", loadBalancerHostname: "old-ingress-1.elb.eu-west-1.amazonaws.com" };
    region.dnsTarget = "gateway";
    return body;
}

/** Generated fleets on the shipped dev region (fixed seed), allowlists drawn from valid CIDRs, [] included. */
function generatedBodies(): Body[] {
    return fc.sample(databasesArb(4), { seed: 14, numRuns: 2 }).map((databases) => withDatabases(databases));
}

const STACKS: { name: string; body: () => Body }[] = [
    ...shippedStacks().map((stack) => ({ name: stack, body: () => shippedStackBody(stack) })),
    { name: "states", body: statesBody },
    ...generatedBodies().map((body, i) => ({ name: `generated-${i}`, body: () => body })),
];

/** A Gateway API duration such as "960s" or "1h30m" in seconds. */
function durationSeconds(text: string): number {
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    assert.match(text, /^([0-9]{1,5}(h|m|s|ms)){1,4}$/);
    return [...text.matchAll(/(\d+)(ms|h|m|s)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

function inputs(r: RenderedResource): Json {
    return r.inputs as Json;
}

function own(render: Render, id: string, type: string): RenderedResource[] {
    return resourcesOfDatabase(render, id).filter((r) => r.type === type);
}

for (const { name, body: makeBody } of STACKS) {
    describe(`endpoints of stack ${name}`, () => {
        const body = makeBody();
        const region = body.config["questdb-cloud:region"] as Json;
        const entries = body.config["questdb-cloud:databases"] as Entry[];
        const gateway = region.gateway as Json | undefined;
        const ingress = region.ingress as Json | undefined;
        const dnsTarget = region.dnsTarget ?? (gateway ? "gateway" : "ingress");
        let render: Render;
        before(async () => {
            render = await renderStackBody(name, body);
        });

        test("every Gateway API, Traefik and cert-manager object validates against its CRD schema offline", () => {
            const custom = render.resources.filter((r) => /^kubernetes:(gateway\.networking\.k8s\.io|traefik\.io|cert-manager\.io)\//.test(r.type));
            assert.ok(custom.length > 0 || !gateway);
            for (const r of custom) {
                assert.ok(hasOfflineSchema(inputs(r)), `${r.type} has a schema`);
                assert.deepEqual(validateManifest(inputs(r)), [], r.name);
            }
        });

        for (const entry of entries) {
            const id = String(entry.id);
            const state = entry.state ?? "active";
            const host = `${id}.${region.dnsSuffix}`;
            const cidrs = ((entry.access ?? region.defaults.access) as Json).allowedCidrs as string[];

            if (state === "decommissioned") {
                test(`${id} (decommissioned): no route, no certificate, no name`, () => {
                    for (const type of [...ROUTE_TYPES, E.certificate, TYPES.record]) assert.deepEqual(own(render, id, type), [], type);
                });
                continue;
            }

            test(`${id} (${state}): keeps its name <id>.<dnsSuffix>, pointing at the dnsTarget's load balancer`, () => {
                const record = inputs(resource(render, TYPES.record, `${id}-dns`));
                assert.equal(record.name, host);
                assert.equal(record.type, "CNAME");
                assert.deepEqual(record.records, [(region[dnsTarget] as Json).loadBalancerHostname]);
            });

            if (cidrs.length === 0) {
                test(`${id}: an empty allowlist renders no route on either path, and the NetworkPolicy admits no proxy`, () => {
                    for (const type of ROUTE_TYPES) assert.deepEqual(own(render, id, type), [], type);
                    const rules = inputs(resource(render, TYPES.networkPolicy, `${id}-isolation`)).spec.ingress as Json[];
                    const ports = rules.flatMap((rule) => rule.ports.map((p: Json) => p.port));
                    for (const port of [9000, 8812, 9009]) assert.ok(!ports.includes(port), `port ${port} admitted`);
                });
                continue;
            }

            if (gateway) {
                test(`${id}: HTTPS, PostgreSQL wire and ILP routes over TLS for ${host}, each behind an allowlist equal to its config`, () => {
                    const namespace = `qdb-${id}`;
                    const certificate = inputs(resource(render, E.certificate, `${id}-certificate`));
                    assert.equal(certificate.metadata.namespace, namespace);
                    assert.deepEqual(certificate.spec.dnsNames, [host]);
                    assert.deepEqual(certificate.spec.issuerRef, { group: "cert-manager.io", kind: "ClusterIssuer", name: gateway.clusterIssuer });

                    const http = inputs(resource(render, E.middleware, `${id}-http-allowlist`));
                    const tcp = inputs(resource(render, E.middlewareTcp, `${id}-tcp-allowlist`));
                    for (const middleware of [http, tcp]) {
                        assert.equal(middleware.metadata.namespace, namespace);
                        assert.deepEqual(middleware.spec, { ipAllowList: { sourceRange: cidrs } });
                    }

                    const route = inputs(resource(render, E.httpRoute, `${id}-http-route`));
                    assert.equal(route.metadata.namespace, namespace);
                    assert.deepEqual(route.spec.hostnames, [host]);
                    assert.deepEqual(route.spec.parentRefs, [{
                        group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway.name,
                        namespace: gateway.namespace ?? "traefik", sectionName: gateway.httpsListener ?? "websecure",
                    }]);
                    for (const rule of route.spec.rules) {
                        assert.deepEqual(rule.filters, [{ type: "ExtensionRef", extensionRef: { group: "traefik.io", kind: "Middleware", name: http.metadata.name } }]);
                        assert.deepEqual(rule.backendRefs, [{ name: "questdb", port: 9000 }]);
                    }

                    // libpq 17's direct TLS offers ALPN "postgresql" and aborts unless the server selects it.
                    const postgresTls = inputs(resource(render, E.tlsOption, `${id}-postgres-tls`));
                    assert.equal(postgresTls.metadata.namespace, namespace);
                    assert.deepEqual(postgresTls.spec, { minVersion: "VersionTLS12", alpnProtocols: ["postgresql"] });

                    const expected = { postgres: [gateway.postgresEntryPoint ?? "postgres", 8812], ilp: [gateway.ilpEntryPoint ?? "ilp", 9009] };
                    for (const [protocol, [entryPoint, port]] of Object.entries(expected)) {
                        const tcpRoute = inputs(resource(render, E.tcpRoute, `${id}-${protocol}-route`));
                        assert.equal(tcpRoute.metadata.namespace, namespace);
                        assert.deepEqual(tcpRoute.spec.entryPoints, [entryPoint]);
                        const tlsOptions = protocol === "postgres" ? { options: { name: postgresTls.metadata.name } } : {};
                        assert.deepEqual(tcpRoute.spec.tls, { secretName: certificate.spec.secretName, ...tlsOptions },
                            `${protocol} terminates TLS with the database's certificate${protocol === "postgres" ? " and the PostgreSQL TLS options" : ""}`);
                        assert.deepEqual(tcpRoute.spec.routes, [{
                            match: `HostSNI(\`${host}\`)`,
                            middlewares: [{ name: tcp.metadata.name }],
                            services: [{ name: "questdb", port }],
                        }]);
                    }
                });

                test(`${id}: the HTTP route waits longer than the database's own query timeout`, () => {
                    const queryTimeout = Number((entry.serverConf as Json | undefined)?.["query.timeout.sec"] ?? 60);
                    const route = inputs(resource(render, E.httpRoute, `${id}-http-route`));
                    for (const rule of route.spec.rules) {
                        for (const key of ["request", "backendRequest"]) {
                            const seconds = durationSeconds(rule.timeouts[key]);
                            assert.ok(seconds >= queryTimeout + 30, `${key} ${rule.timeouts[key]} vs query.timeout.sec ${queryTimeout}`);
                        }
                    }
                });
            }

            if (ingress) {
                test(`${id}: the legacy Ingress serves HTTPS only, behind the same allowlist, with uploads of 1 GiB and long queries`, () => {
                    const object = inputs(resource(render, TYPES.ingress, `${id}-ingress`));
                    const annotations = object.metadata.annotations;
                    assert.deepEqual(object.spec.tls, [{ hosts: [host], secretName: "questdb-tls" }]);
                    assert.equal(object.spec.rules[0].host, host);
                    assert.equal(annotations["cert-manager.io/cluster-issuer"], ingress.clusterIssuer);
                    assert.equal(annotations["nginx.ingress.kubernetes.io/whitelist-source-range"], cidrs.join(","));
                    assert.ok(Number(/^(\d+)m$/.exec(annotations["nginx.ingress.kubernetes.io/proxy-body-size"])?.[1]) >= 1024);
                    const queryTimeout = Number((entry.serverConf as Json | undefined)?.["query.timeout.sec"] ?? 60);
                    assert.ok(Number(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= queryTimeout + 30);
                });
            } else {
                test(`${id}: no Ingress on a region without an ingress block`, () => assert.deepEqual(own(render, id, TYPES.ingress), []));
            }

            if (state === "paused") {
                test(`${id} (paused): every route leads only to its own Service, which has no pod behind it`, () => {
                    const sts = inputs(resource(render, TYPES.statefulSet, `${id}-questdb`));
                    assert.equal(sts.spec.replicas, 0);
                    for (const type of ROUTE_TYPES.filter((t) => t !== E.middleware && t !== E.middlewareTcp && t !== E.tlsOption)) {
                        for (const r of own(render, id, type)) {
                            assert.equal(inputs(r).metadata.namespace, `qdb-${id}`);
                            const text = JSON.stringify(inputs(r).spec);
                            assert.ok(!/"namespace"/.test(text.replace(/"parentRefs":\[[^\]]*\]/, "")), `${r.name} routes to no other namespace`);
                            assert.match(text, /"(name|service)":(\{"name":)?"questdb"/);
                        }
                    }
                });
            }
        }

        test("the region's Gateway, when the program owns it, listens on HTTPS only with a wildcard certificate and Traefik's default TLS options", () => {
            const gateways = resourcesOfType(render, E.gateway);
            if (!gateway?.className) {
                assert.deepEqual(gateways, []);
                return;
            }
            const object = inputs(resource(render, E.gateway, "questdb-gateway"));
            assert.equal(object.spec.gatewayClassName, gateway.className);
            for (const listener of object.spec.listeners) {
                assert.equal(listener.protocol, "HTTPS");
                assert.equal(listener.hostname, `*.${region.dnsSuffix}`);
            }
            const certificate = inputs(resource(render, E.certificate, "questdb-gateway-wildcard"));
            assert.deepEqual(certificate.spec.dnsNames, [`*.${region.dnsSuffix}`]);
            assert.equal(object.spec.listeners[0].tls.certificateRefs[0].name, certificate.spec.secretName);
            // Traefik's default TLS options, in its namespace: no session tickets, for QuestDB's Java ILP client over https::.
            const defaults = inputs(resource(render, E.tlsOption, "questdb-gateway-tls-defaults"));
            assert.deepEqual(defaults.metadata, { name: "default", namespace: gateway.namespace ?? "traefik", annotations: { [FIELD_MANAGER_ANNOTATION]: FIELD_MANAGER } });
            assert.deepEqual(defaults.spec, { minVersion: "VersionTLS12", disableSessionTickets: true });
        });
    });
}

test("the generated fleets draw allowlists from valid CIDRs only, the empty list included", () => {
    const seen = generatedBodies().flatMap((b) => (b.config["questdb-cloud:databases"] as Entry[]).map((e) => (e.access as Json | undefined)?.allowedCidrs));
    assert.ok(seen.some((list) => Array.isArray(list)));
    for (const list of seen.filter(Array.isArray)) for (const cidr of list) assert.ok(CIDRS.includes(cidr));
});
