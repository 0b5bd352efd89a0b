/**
 * Each rule with a passing and a failing resource, hand-built as the engine would hand them to
 * the pack. A rule that never fires, or fires on a good resource, fails here.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DATABASE_LABEL as PROGRAM_LABEL } from "../../inventory";
import { DATABASE_LABEL, RULES, STATE_TAG, checkResource } from "../../policy/rules";

const L = DATABASE_LABEL;
const rulesFired = (type: string, props: Record<string, unknown>, opts = {}) => [...new Set(checkResource(type, props, opts).map((v) => v.rule))];

describe("policy rules", () => {
    it("use the program's database label, and have unique names", () => {
        assert.equal(DATABASE_LABEL, PROGRAM_LABEL);
        assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
    });

    it("EBS volume: encrypted and protected passes; unencrypted or unprotected fails", () => {
        const type = "aws:ebs/volume:Volume";
        assert.deepEqual(rulesFired(type, { encrypted: true, size: 10 }, { protect: true }), []);
        const unencrypted = checkResource(type, { size: 10 }, { protect: true });
        assert.deepEqual(unencrypted.map((v) => v.rule), ["ebs-volume-encrypted-and-protected"]);
        assert.match(unencrypted[0].message, /not encrypted/);
        const unprotected = checkResource(type, { encrypted: true }, {});
        assert.match(unprotected[0].message, /not protected/);
        assert.equal(checkResource(type, { encrypted: "true" }, { protect: false }).length, 2);
    });

    it("EBS volume: only a volume tagged decommissioned may drop protect, and it must stay retained", () => {
        const type = "aws:ebs/volume:Volume";
        const decommissioned = { encrypted: true, tags: { [STATE_TAG]: "decommissioned" } };
        assert.deepEqual(rulesFired(type, decommissioned, { protect: false, retainOnDelete: true }), []);
        // The policy SDK cannot see retainOnDelete: unknown is not a violation.
        assert.deepEqual(rulesFired(type, decommissioned, { protect: false }), []);
        assert.match(checkResource(type, decommissioned, { protect: false, retainOnDelete: false })[0].message, /not retained/);
        const active = { encrypted: true, tags: { [STATE_TAG]: "active" } };
        assert.deepEqual(rulesFired(type, active, { protect: false, retainOnDelete: true }), ["ebs-volume-encrypted-and-protected"]);
    });

    const nodeGroup = (over: Record<string, unknown>) => ({
        nodeGroupNamePrefix: "qdb-acme-", labels: { [L]: "acme" }, subnetIds: ["subnet-1"],
        taints: [{ key: L, value: "acme", effect: "NO_SCHEDULE" }], ...over,
    });
    it("node group: tainted for its own database in one subnet passes; otherwise fails", () => {
        const type = "aws:eks/nodeGroup:NodeGroup";
        assert.deepEqual(rulesFired(type, nodeGroup({})), []);
        assert.deepEqual(rulesFired(type, nodeGroup({ taints: [] })), ["database-node-dedicated"]);
        assert.deepEqual(rulesFired(type, nodeGroup({ taints: [{ key: L, value: "other", effect: "NO_SCHEDULE" }] })), ["database-node-dedicated"]);
        assert.match(checkResource(type, nodeGroup({ subnetIds: ["a", "b"] }))[0].message, /2 subnets/);
        assert.match(checkResource(type, nodeGroup({ labels: {} }))[0].message, /no questdb.cloud\/database label/);
        // A node group that is not a database's (system nodes) is out of scope.
        assert.deepEqual(rulesFired(type, { nodeGroupName: "system", subnetIds: ["a", "b"] }), []);
    });

    const nodePool = (over: { taints?: unknown[]; requirements?: unknown[]; limits?: unknown; labels?: unknown } = {}) => ({
        metadata: { name: "qdb-acme" },
        spec: {
            template: {
                metadata: { labels: over.labels ?? { [L]: "acme" } },
                spec: {
                    taints: over.taints ?? [{ key: L, value: "acme", effect: "NoSchedule" }],
                    requirements: over.requirements ?? [
                        { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a"] },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                    ],
                },
            },
            limits: "limits" in over ? over.limits : { nodes: "1" },
        },
    });
    it("NodePool: tainted for its own database, one zone, on-demand, one node passes; each lapse fails with its reason", () => {
        const type = "kubernetes:karpenter.sh/v1:NodePool";
        const messages = (props: Record<string, unknown>) => checkResource(type, props).map((v) => `${v.rule}: ${v.message}`);
        assert.deepEqual(messages(nodePool()), []);
        assert.match(messages(nodePool({ taints: [] })).join("\n"), /^database-nodepool-dedicated: .*not tainted questdb.cloud\/database=acme:NoSchedule/);
        assert.match(messages(nodePool({ requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }] })).join(), /does not pin topology.kubernetes.io\/zone to exactly one zone/);
        assert.match(messages(nodePool({ requirements: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["a", "b"] }, { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }] })).join(), /exactly one zone/);
        assert.match(messages(nodePool({ requirements: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["a"] }, { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] }] })).join(), /must be on-demand only/);
        assert.match(messages(nodePool({ limits: undefined })).join(), /allows "unlimited" nodes/);
        assert.match(messages(nodePool({ limits: { nodes: "2" } })).join(), /allows "2" nodes/);
        assert.match(messages(nodePool({ labels: {} })).join(), /no questdb.cloud\/database label/);
        // A NodePool that is not a database's (the cluster's own) is out of scope.
        assert.deepEqual(rulesFired(type, { metadata: { name: "default" }, spec: { template: { spec: {} } } }), []);
    });

    const nodeClass = (metadataOptions: Record<string, unknown>, blockDeviceMappings: unknown[]) => ({ spec: { metadataOptions, blockDeviceMappings } });
    it("EC2NodeClass: IMDSv2, hop limit 1 and encrypted volumes pass; each lapse fails", () => {
        const type = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
        const good = { httpTokens: "required", httpPutResponseHopLimit: 1 };
        const root = [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }];
        assert.deepEqual(rulesFired(type, nodeClass(good, root)), []);
        const messages = (props: Record<string, unknown>) => checkResource(type, props).map((v) => v.message).join("\n");
        assert.match(messages(nodeClass({ ...good, httpTokens: "optional" }, root)), /allows IMDSv1/);
        assert.match(messages(nodeClass({ ...good, httpPutResponseHopLimit: 2 }, root)), /hop limit is 2/);
        assert.match(messages(nodeClass(good, [])), /no blockDeviceMappings/);
        assert.match(messages(nodeClass(good, [{ deviceName: "/dev/xvdb", ebs: {} }])), /"\/dev\/xvdb" volume is not encrypted/);
    });

    const statefulSet = (spec: Record<string, unknown>, id = "acme") => ({
        metadata: { namespace: `qdb-${id}` },
        spec: { template: { metadata: { labels: { [L]: id } }, spec } },
    });
    const ownToleration = { key: L, operator: "Equal", value: "acme", effect: "NoSchedule" };
    it("database pod: selects and tolerates only its own node; anything wider fails", () => {
        const type = "kubernetes:apps/v1:StatefulSet";
        assert.deepEqual(rulesFired(type, statefulSet({ nodeSelector: { [L]: "acme" }, tolerations: [ownToleration] })), []);
        const cases = [
            { nodeSelector: { [L]: "other" }, tolerations: [ownToleration] },
            { nodeSelector: { [L]: "acme" }, tolerations: [] },
            { nodeSelector: { [L]: "acme" }, tolerations: [ownToleration, { operator: "Exists" }] },
            { nodeSelector: { [L]: "acme" }, tolerations: [{ ...ownToleration, value: "globex" }] },
        ];
        for (const spec of cases) {
            assert.deepEqual(rulesFired(type, statefulSet(spec)), ["database-pod-tolerates-own-taint"], JSON.stringify(spec));
        }
        // In a database namespace but without the label: still a database pod, still checked.
        assert.equal(checkResource(type, { metadata: { namespace: "qdb-x" }, spec: { template: { spec: {} } } }).length, 1);
        assert.deepEqual(rulesFired(type, { metadata: { namespace: "kube-system" }, spec: {} }), []);
    });

    it("Service: ClusterIP or internal LoadBalancer passes; a public LoadBalancer fails", () => {
        const type = "kubernetes:core/v1:Service";
        const lb = (annotations: Record<string, string>) => ({ metadata: { annotations }, spec: { type: "LoadBalancer" } });
        assert.deepEqual(rulesFired(type, { spec: { type: "ClusterIP" } }), []);
        assert.deepEqual(rulesFired(type, lb({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" })), []);
        assert.deepEqual(rulesFired(type, lb({ "service.beta.kubernetes.io/aws-load-balancer-internal": "true" })), []);
        assert.deepEqual(rulesFired(type, lb({})), ["no-public-load-balancer"]);
        assert.deepEqual(rulesFired(type, lb({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" })), ["no-public-load-balancer"]);
    });

    it("launch template: httpTokens required passes; optional or missing fails", () => {
        const type = "aws:ec2/launchTemplate:LaunchTemplate";
        assert.deepEqual(rulesFired(type, { metadataOptions: { httpTokens: "required" } }), []);
        assert.deepEqual(rulesFired(type, { metadataOptions: { httpTokens: "optional" } }), ["launch-template-imdsv2"]);
        assert.deepEqual(rulesFired(type, {}), ["launch-template-imdsv2"]);
    });

    it("ConfigMap: plain settings pass; credentials in keys, server.conf lines or values fail", () => {
        const type = "kubernetes:core/v1:ConfigMap";
        const conf = (text: string) => ({ data: { "server.conf": text } });
        assert.deepEqual(rulesFired(type, conf("http.bind.to=0.0.0.0:9000\ncairo.sql.map.key.capacity=2048\nhttp.password=\n")), []);
        for (const bad of ["pg.password=hunter2", "api.key=abc", "acl.admin.token = xyz", "aws_secret_access_key=abc", "x=AKIAABCDEFGHIJKLMNOP"]) {
            assert.deepEqual(rulesFired(type, conf(`http.bind.to=0.0.0.0:9000\n${bad}\n`)), ["configmap-no-plaintext-secrets"], bad);
        }
        const found = checkResource(type, { data: { password: "s3cret", "tls.pem": "-----BEGIN RSA PRIVATE KEY-----\n" } });
        assert.equal(found.length, 2);
        assert.match(found[0].message, /data key "password"/);
    });
    it("no public plaintext listener: a Gateway's HTTP or TCP listener, a TCP route without TLS, an Ingress host without TLS fail", () => {
        const gateway = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
        const https = { name: "websecure", protocol: "HTTPS", port: 8443 };
        assert.deepEqual(rulesFired(gateway, { spec: { listeners: [https, { name: "pg", protocol: "TLS", port: 8812 }] } }), []);
        const plain = checkResource(gateway, { spec: { listeners: [https, { name: "web", protocol: "HTTP", port: 80 }, { name: "raw", protocol: "TCP", port: 9009 }] } });
        assert.deepEqual(plain.map((v) => v.rule), ["no-public-plaintext-listener", "no-public-plaintext-listener"]);
        assert.match(plain[0].message, /web speaks HTTP in plain text/);
        const tcp = "kubernetes:traefik.io/v1alpha1:IngressRouteTCP";
        const route = { routes: [{ match: "HostSNI(`a.example.com`)", middlewares: [{ name: "client-allowlist" }] }] };
        assert.deepEqual(rulesFired(tcp, { spec: { ...route, tls: { secretName: "s" } } }), []);
        assert.deepEqual(rulesFired(tcp, { spec: route }), ["no-public-plaintext-listener"]);
        const ingress = "kubernetes:networking.k8s.io/v1:Ingress";
        const allow = { "nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24" };
        const good = { metadata: { annotations: allow }, spec: { tls: [{ hosts: ["a.example.com"] }], rules: [{ host: "a.example.com" }] } };
        assert.deepEqual(rulesFired(ingress, good), []);
        assert.deepEqual(rulesFired(ingress, { ...good, spec: { rules: [{ host: "a.example.com" }] } }), ["no-public-plaintext-listener"]);
        const noRedirect = { ...good, metadata: { annotations: { ...allow, "nginx.ingress.kubernetes.io/ssl-redirect": "false" } } };
        assert.deepEqual(rulesFired(ingress, noRedirect), ["no-public-plaintext-listener"]);
    });

    it("every external route carries an allowlist: HTTPRoute filter, TCP route middleware, non-empty ranges, Ingress source range", () => {
        const http = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
        const filter = { type: "ExtensionRef", extensionRef: { group: "traefik.io", kind: "Middleware", name: "client-allowlist" } };
        assert.deepEqual(rulesFired(http, { spec: { rules: [{ filters: [filter] }] } }), []);
        assert.deepEqual(rulesFired(http, { spec: { rules: [{ filters: [filter] }, { filters: [] }] } }), ["external-port-allowlisted"]);
        assert.deepEqual(rulesFired(http, { spec: { rules: [] } }), ["external-port-allowlisted"]);
        const tcp = "kubernetes:traefik.io/v1alpha1:IngressRouteTCP";
        assert.deepEqual(rulesFired(tcp, { spec: { tls: {}, routes: [{ middlewares: [] }] } }), ["external-port-allowlisted"]);
        for (const kind of ["Middleware", "MiddlewareTCP"]) {
            const type = `kubernetes:traefik.io/v1alpha1:${kind}`;
            assert.deepEqual(rulesFired(type, { spec: { ipAllowList: { sourceRange: ["203.0.113.0/24"] } } }), []);
            assert.deepEqual(rulesFired(type, { spec: { ipAllowList: { sourceRange: [] } } }), ["external-port-allowlisted"]);
        }
        const ingress = "kubernetes:networking.k8s.io/v1:Ingress";
        const tls = { tls: [{ hosts: ["a.example.com"] }], rules: [{ host: "a.example.com" }] };
        assert.deepEqual(rulesFired(ingress, { spec: tls }), ["external-port-allowlisted"]);
        assert.deepEqual(rulesFired(ingress, { metadata: { annotations: { "nginx.ingress.kubernetes.io/whitelist-source-range": " " } }, spec: tls }), ["external-port-allowlisted"]);
    });
});
