/**
 * Issue 22.5 under the real engine, with Karpenter's published CRDs in the API server (issue 22.9
 * in part): a database moves from its node group to a NodePool, and back, as one reviewed edit
 * each. The engine's steps equal impact's prediction, the new node holder is in place before the
 * old one is deleted, the data volume, PV and claim are never touched, and the API server's own
 * schema and CEL rules accept every NodePool and EC2NodeClass the program applies. The Karpenter
 * stand-in (e2e/karpenter-standin) takes the pod once the node group's node has drained, and gives
 * it back when the NodePool goes; the fake kubelet's zone node stands for the node group's node.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { nodePoolName } from "../../components/deployment/karpenterNode";
import { computeImpact } from "../../tools/impact/report";
import { readWorld } from "../fakeaws/provider";
import { dataIdentity as identityOf, isReady, poolNodes, questDbPod, readyOnPool, waitFor } from "./karpenterChecks";
import { KubeObject } from "./kube";
import { FAKE_NODE_PREFIX } from "./kubelet";
import { EngineStack, RunResult } from "./stack";
import { assertNoChanges, assertRunsBefore, assertStepsMatchImpact } from "./steps";
import { Tier, devStackYaml, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());
const MOVED = "kilo";
const onGroups = [{ id: MOVED, availabilityZone: ZONE_A }, { id: "lima", availabilityZone: ZONE_B }];
const onKarpenter = [{ ...onGroups[0], nodeProvisioner: "karpenter" }, onGroups[1]];

describe("a database moves between a node group and Karpenter under the real engine (issue 22.5)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    const k = () => tier.cluster.client;
    const nodePools = "/apis/karpenter.sh/v1/nodepools";
    const nodeClasses = "/apis/karpenter.k8s.aws/v1/ec2nodeclasses";
    const nodeGroups = () => Object.values(readWorld(stack.worldFile)).filter((e) => e.type === "aws:eks/nodeGroup:NodeGroup" && String(e.outputs.nodeGroupName).startsWith(`qdb-${MOVED}-`));

    const dataIdentity = () => identityOf(stack, k(), MOVED);
    const describeState = async () => ({ nodes: (await poolNodes(k(), nodePoolName(MOVED))).map((n) => n.metadata.name), pod: await questDbPod(k(), MOVED), pending: tier.karpenter.lastPending, events: tier.karpenter.events });

    /** The edit as CI applies it: impact's prediction, `up`, then a preview with no changes. */
    async function apply(next: unknown[]): Promise<RunResult> {
        const beforeFile = stack.setDatabases(next);
        const predicted = await computeImpact(beforeFile, stack.stackFile());
        assert.equal(predicted.databases.find((d) => d.id === MOVED)?.kind, "provisioner-move");
        const up = await stack.up();
        assertStepsMatchImpact(up.steps, predicted);
        assertNoChanges(await stack.preview(), "preview after the move");
        return up;
    }

    before(async () => {
        tier = await startTier([ZONE_A, ZONE_B]);
        stack = await newStack(tier, "dev", devStackYaml());
        stack.setDatabases(onGroups);
        await stack.up();
    });

    after(async () => {
        await tier?.stop();
    });

    it("to Karpenter: the NodePool is applied and accepted before the node group goes; the data is untouched", async () => {
        const data = await dataIdentity();
        assert.equal(nodeGroups().length, 1);
        const up = await apply(onKarpenter);
        assertRunsBefore(up, `${MOVED}-nodepool`, `${MOVED}-node`, "the NodePool exists before the node group is deleted");
        assert.deepEqual(nodeGroups(), [], "the node group is gone");
        const pool: KubeObject = await k().get(`${nodePools}/${nodePoolName(MOVED)}`);
        const nodeClass: KubeObject = await k().get(`${nodeClasses}/${pool.spec.template.spec.nodeClassRef.name}`);
        assert.match(nodeClass.spec.amiSelectorTerms[0].id, /^ami-[0-9a-f]{17}$/, "the AMI resolved from the published SSM parameter");
        assert.deepEqual(await dataIdentity(), data, "volume, PV and claim are the same objects");
        const sts = await k().get(`/apis/apps/v1/namespaces/qdb-${MOVED}/statefulsets/questdb`);
        assert.equal(sts.status.readyReplicas, 1);
    });

    it("onto Karpenter's node: once the node group's node drains, the stand-in launches a node from the NodePool in the volume's zone and the pod goes Ready on it", async () => {
        const pod = await questDbPod(k(), MOVED);
        assert.equal(pod?.spec.nodeName, `${FAKE_NODE_PREFIX}${ZONE_A}`, "still on the node group's node: Karpenter launches nothing for a pod that runs");
        assert.deepEqual(await poolNodes(k(), nodePoolName(MOVED)), []);
        const seen = tier.karpenter.events.length;
        // What deleting the node group does to its node: EKS drains it through the Eviction API.
        await k().post(`/api/v1/namespaces/qdb-${MOVED}/pods/questdb-0/eviction`, { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "questdb-0", namespace: `qdb-${MOVED}` } });
        const node = await waitFor("the pod Ready on a node of the NodePool", readyOnPool(k(), MOVED, nodePoolName(MOVED)), describeState);
        assert.equal(node.metadata.labels["topology.kubernetes.io/zone"], ZONE_A, "the volume's zone");
        assert.deepEqual(tier.karpenter.events.slice(seen).map((e) => `${e.action} ${e.nodePool}`), [`launch ${nodePoolName(MOVED)}`]);
    });

    it("the API server judges Karpenter objects by Karpenter's own schema: a NodePool it would refuse is refused", async () => {
        const pool: KubeObject = await k().get(`${nodePools}/${nodePoolName(MOVED)}`);
        const copy = { apiVersion: pool.apiVersion, kind: pool.kind, metadata: { name: "e2e-invalid" }, spec: { ...pool.spec, disruption: { ...pool.spec.disruption, consolidateAfter: "soon" } } };
        const refused = await k().raw("POST", nodePools, copy);
        assert.equal(refused.status, 422, JSON.stringify(refused.body).slice(0, 500));
        assert.match(JSON.stringify(refused.body), /consolidateAfter/);
    });

    it("back to a node group: the node group is created before the NodePool goes; the data is untouched", async () => {
        const data = await dataIdentity();
        const up = await apply(onGroups);
        assertRunsBefore(up, `${MOVED}-node`, `${MOVED}-nodepool`, "the node group exists before the NodePool is deleted");
        assert.equal(nodeGroups().length, 1, "one node group again");
        assert.equal((await k().raw("GET", `${nodePools}/${nodePoolName(MOVED)}`)).status, 404, "the NodePool is gone");
        assert.deepEqual(await dataIdentity(), data, "volume, PV and claim are the same objects");
        // The NodePool's node goes with it, drained; no NodePool takes the pod, so the node group's node does.
        const pod = await waitFor("the pod Ready on the node group's node", async () => {
            const p = await questDbPod(k(), MOVED);
            return isReady(p) && p?.spec.nodeName === `${FAKE_NODE_PREFIX}${ZONE_A}` ? p : undefined;
        }, describeState);
        assert.ok(pod);
        assert.deepEqual(await poolNodes(k(), nodePoolName(MOVED)), []);
        assert.deepEqual(tier.karpenter.events.slice(-1).map((e) => `${e.action} ${e.nodePool} ${e.reason}`), [`delete ${nodePoolName(MOVED)} NodePoolDeleted`]);
    });
});
