/** A region on Karpenter: per database a NodePool that matches its pod and volume, one EC2NodeClass per node image, no node group. */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { validateInventory } from "../../inventory";
import { Render } from "../../render";
import { FAKE_CLUSTER } from "../../render/mocks";
import { amiParameterName } from "../../stacks/karpenter";
import { nodeClassName } from "../../components/karpenterNodeClasses";
import { editedProd, entry } from "../support/lifecycle";
import { TYPES, rawConfigOf, renderStackBody, resource, resourcesOfDatabase, resourcesOfType } from "../support/stacks";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const LABEL = "questdb.cloud/database";

/** prod with the region on Karpenter, one database staying on its node group. */
const body = editedProd((dbs, region) => {
    region.nodeProvisioner = "karpenter";
    entry(dbs, "globex-ticks").nodeProvisioner = "managedNodeGroup";
});
const inventory = validateInventory(rawConfigOf(body, "prod"));
const requirement = (pool: Record<string, any>, key: string) =>
    pool.spec.template.spec.requirements.find((r: { key: string }) => r.key === key)?.values;

for (const preview of [false, true]) {
    describe(`prod on Karpenter (preview=${preview})`, () => {
        let render: Render;
        before(async () => {
            render = await renderStackBody("prod", body, preview);
        });

        for (const database of inventory.databases.filter((d) => d.nodeProvisioner === "karpenter" && d.state !== "decommissioned")) {
            test(`${database.id}: a NodePool the pod selects and tolerates, in the volume's AZ, one node, and no node group`, () => {
                const pool = resource(render, NODE_POOL, `${database.id}-nodepool`).inputs as Record<string, any>;
                const pod = resource(render, TYPES.statefulSet, `${database.id}-questdb`).inputs.spec as Record<string, any>;
                const podSpec = pod.template.spec;
                assert.equal(pool.metadata.name, `qdb-${database.id}`);
                assert.deepEqual(pool.spec.template.metadata.labels, podSpec.nodeSelector);
                assert.deepEqual(pool.spec.template.spec.taints.map((t: any) => ({ ...t, operator: "Equal" })), podSpec.tolerations);
                assert.deepEqual(pool.spec.template.spec.taints, [{ key: LABEL, value: database.id, effect: "NoSchedule" }]);
                const volume = resource(render, TYPES.volume, `${database.id}-volume`).inputs;
                assert.deepEqual(requirement(pool, "topology.kubernetes.io/zone"), [volume.availabilityZone]);
                assert.deepEqual(requirement(pool, "node.kubernetes.io/instance-type"), [database.instanceType]);
                assert.deepEqual(requirement(pool, "karpenter.sh/capacity-type"), ["on-demand"]);
                assert.deepEqual(requirement(pool, "kubernetes.io/arch"), [database.architecture === "arm64" ? "arm64" : "amd64"]);
                assert.deepEqual(pool.spec.limits, { nodes: "1" });
                assert.equal(pool.spec.template.spec.expireAfter, "Never");
                assert.deepEqual(pool.spec.disruption, { consolidationPolicy: "WhenEmpty", consolidateAfter: "5m", budgets: [{ nodes: "1" }] });
                assert.equal(pool.spec.template.spec.nodeClassRef.name, nodeClassName(database));
                const own = resourcesOfDatabase(render, database.id).map((r) => r.type);
                assert.ok(!own.includes(TYPES.nodeGroup) && !own.includes(TYPES.launchTemplate), own.join(", "));
                // A paused database keeps its NodePool: only the StatefulSet scales, and the empty node is consolidated.
                assert.equal(pod.replicas, database.state === "paused" ? 0 : 1);
            });
        }

        test("the database that overrides the region keeps its node group and has no NodePool", () => {
            assert.equal(resource(render, TYPES.nodeGroup, "globex-ticks-node").inputs.taints instanceof Array, true);
            assert.equal(render.resources.some((r) => r.type === NODE_POOL && r.name === "globex-ticks-nodepool"), false);
        });

        test("decommissioned databases have no NodePool", () => {
            for (const d of inventory.databases.filter((x) => x.state === "decommissioned")) {
                assert.equal(render.resources.some((r) => r.type === NODE_POOL && r.name === `${d.id}-nodepool`), false, d.id);
            }
        });

        test("one EC2NodeClass per node image and architecture, its AMI pinned by id, IMDSv2 hop 1, encrypted root, the node role and security group", () => {
            const running = inventory.databases.filter((d) => d.nodeProvisioner === "karpenter" && d.state !== "decommissioned");
            const expected = [...new Set(running.map((d) => nodeClassName(d)))].sort();
            const classes = resourcesOfType(render, NODE_CLASS);
            assert.deepEqual(classes.map((c) => c.name).sort(), expected);
            assert.ok(expected.length < running.length, "classes are shared, never one per database");
            for (const c of classes) {
                const spec = c.inputs.spec as Record<string, any>;
                const user = running.find((d) => nodeClassName(d) === c.name)!;
                assert.deepEqual(spec.amiSelectorTerms, [{ id: FAKE_CLUSTER.amiParameters[amiParameterName(user)] }]);
                assert.match(spec.amiSelectorTerms[0].id, /^ami-/);
                assert.equal(spec.amiFamily, "AL2023");
                assert.deepEqual(spec.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
                assert.equal(spec.blockDeviceMappings[0].ebs.encrypted, true);
                assert.equal(spec.role, inventory.region.nodeRoleArn.split("/").pop());
                assert.deepEqual(spec.subnetSelectorTerms.map((t: { id: string }) => t.id).sort(), Object.values(inventory.region.subnets).sort());
                if (!preview) {
                    assert.deepEqual(spec.securityGroupSelectorTerms, [{ id: FAKE_CLUSTER.clusterSecurityGroupId }]);
                }
                assert.match(spec.userData, /vm.max_map_count = 1048576/);
                assert.match(spec.userData, /RLIMIT_NOFILE/);
            }
        });

        test("each AMI parameter is asked once per image and architecture, getCluster once", () => {
            const images = new Set(inventory.databases.filter((d) => d.nodeProvisioner === "karpenter" && d.state !== "decommissioned").map((d) => nodeClassName(d)));
            assert.equal(render.invokes["aws:ssm/getParameter:getParameter"], images.size);
            assert.equal(render.invokes["aws:eks/getCluster:getCluster"], 1);
        });
    });
}
