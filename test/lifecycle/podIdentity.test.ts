// Issue 27.3, 27.4, 27.5 and 27.8 as rendered: conditioned trust policies, the backup and drill
// egress per address family, and the drill runner's admission policy, quota and limits.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Render, renderInChild, requestFromStackFile } from "../../render";
import { parseStackFile } from "../../inventory";
import { stringify } from "yaml";
import { editedProd, entry, renderAfter } from "../support/lifecycle";
import { TYPES, renderShippedStack, resource, resourcesOfType, shippedStackBody } from "../support/stacks";

const ROLE = "aws:iam/role:Role";
const json = (value: unknown) => value as any;
const CLUSTER_ARN = "arn:aws:eks:us-east-1:123456789012:cluster/qdb-prod-us-east-1";
let base: Render;
let ipv6: Render;
let noDrills: Render;
before(async () => {
    base = await renderShippedStack("prod");
    const file = parseStackFile(stringify(shippedStackBody("prod")), "Pulumi.prod.yaml", "prod");
    ipv6 = await renderInChild({ ...requestFromStackFile(file, false), cluster: { ipFamily: "ipv6", serviceCidr: "fd30:1c53:5f8a::/108" } });
    noDrills = await renderAfter(base, editedProd((dbs) => { delete entry(dbs, "wayne-finance").backup.drill; }));
});

const trustOf = (render: Render, name: string) => JSON.parse(String(resource(render, ROLE, name).inputs.assumeRolePolicy));

test("every backup role, and the drill role, trusts Pod Identity only for its own cluster, namespace and ServiceAccount", () => {
    const roles = resourcesOfType(base, ROLE).filter((r) => r.name.endsWith("-backup-role"));
    assert.ok(roles.length >= 8);
    for (const role of roles) {
        const id = role.name.replace(/-backup-role$/, "");
        assert.deepEqual(trustOf(base, role.name).Statement, [{
            Sid: "AllowEksAuthToAssumeRoleForPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: {
                "aws:RequestTag/eks-cluster-arn": CLUSTER_ARN, "aws:RequestTag/kubernetes-namespace": `qdb-${id}`, "aws:RequestTag/kubernetes-service-account": "questdb-backup",
            } },
        }], role.name);
    }
    assert.deepEqual(trustOf(base, "questdb-drills-aws-role").Statement[0].Condition, { StringEquals: {
        "aws:RequestTag/eks-cluster-arn": CLUSTER_ARN, "aws:RequestTag/kubernetes-namespace": "questdb-drills", "aws:RequestTag/kubernetes-service-account": "questdb-drill",
    } });
});

test("HTTPS egress of backup and drill pods excepts the cluster's Service CIDR; the drill runner keeps the API server's address", () => {
    const egress = json(resource(base, TYPES.networkPolicy, "acme-analytics-backup-egress").inputs).spec.egress;
    assert.deepEqual(egress[2], { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["172.20.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] });
    const runner = json(resource(base, TYPES.networkPolicy, "questdb-drills-runner-egress").inputs).spec.egress;
    assert.deepEqual(runner[1], egress[2]);
    assert.deepEqual(runner.at(-1), { to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] });
});

test("on an IPv6 cluster the backup egress also reaches the agent at fd00:ec2::23 and HTTPS over IPv6 but the Service CIDR", () => {
    const egress = json(resource(ipv6, TYPES.networkPolicy, "acme-analytics-backup-egress").inputs).spec.egress;
    const peers = egress.map((r: any) => [r.to[0].ipBlock?.cidr ?? "pod", r.to[0].ipBlock?.except, r.ports[0].port]);
    assert.deepEqual(peers.slice(0, 5), [
        ["pod", undefined, 9000], ["169.254.170.23/32", undefined, 80], ["0.0.0.0/0", undefined, 443],
        ["fd00:ec2::23/128", undefined, 80], ["::/0", ["fd30:1c53:5f8a::/108"], 443],
    ]);
    const runner = json(resource(ipv6, TYPES.networkPolicy, "questdb-drills-runner-egress").inputs).spec.egress;
    assert.deepEqual(runner.at(-1).to, [{ ipBlock: { cidr: "fd30:1c53:5f8a::1/128" } }]);
});

test("the drill runner's PVs are limited by a ValidatingAdmissionPolicy whose parameters list every tenant volume", () => {
    const policy = json(resource(base, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "questdb-drills-pv-policy").inputs);
    assert.deepEqual(policy.spec.matchConditions, [{ name: "drill-runner-only", expression: "request.userInfo.username == 'system:serviceaccount:questdb-drills:questdb-drill'" }]);
    assert.deepEqual(policy.spec.matchConstraints.resourceRules[0].operations, ["CREATE", "UPDATE", "DELETE"]);
    assert.ok(policy.spec.validations.some((v: any) => v.expression.includes("object.spec.csi.volumeHandle in params.data")));
    const binding = json(resource(base, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "questdb-drills-pv-policy-binding").inputs);
    assert.deepEqual(binding.spec, { policyName: "questdb-drill-pvs", validationActions: ["Deny"],
        paramRef: { name: "questdb-drill-pvs", namespace: "questdb-drills", parameterNotFoundAction: "Deny" } });
    const params = json(resource(base, TYPES.configMap, "questdb-drills-tenant-volumes").inputs).data;
    const volumes = Object.fromEntries(Object.entries(base.outputs.databases as Record<string, any>).map(([id, o]) => [o.volumeId, id]));
    assert.deepEqual(params, volumes);
    assert.ok(Object.keys(params).length >= 10, "every database's volume, decommissioned ones included");
});

test("the drills namespace has a quota and limits sized for its drills, and exists only where a drill is scheduled", () => {
    const quota = json(resource(base, "kubernetes:core/v1:ResourceQuota", "questdb-drills-quota").inputs);
    assert.equal(quota.metadata.namespace, "questdb-drills");
    assert.deepEqual([quota.spec.hard.pods, quota.spec.hard.persistentvolumeclaims, quota.spec.hard["requests.cpu"]], ["2", "1", "550m"]);
    assert.equal(json(resource(base, "kubernetes:core/v1:LimitRange", "questdb-drills-limits").inputs).spec.limits[0].defaultRequest.cpu, "100m");
    assert.deepEqual(noDrills.resources.filter((r) => r.parent === "questdb-drills").map((r) => r.name), []);
    assert.equal(noDrills.resources.filter((r) => r.name === "questdb-drills").length, 1, "the component stays, empty");
});
