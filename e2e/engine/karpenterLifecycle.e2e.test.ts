/**
 * Issue 22.9 under the real engine: one database's life on Karpenter, with the Karpenter stand-in
 * (e2e/karpenter-standin, judged by Karpenter's own Go packages) launching and removing its node.
 * Create, pause, resume, an instance-type change and a node image change, each an edit whose
 * engine steps equal impact's prediction, followed by a preview with no changes; the data volume,
 * PV and claim are the same objects throughout. The database has a maintenance window, so its
 * NodePool's Drifted budget, judged by Karpenter's budget code at the stand-in's clock, decides
 * when a node change may move the pod.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { nodePoolName } from "../../components/deployment/karpenterNode";
import { DATABASE_LABEL } from "../../inventory";
import { StackFile } from "../../inventory";
import { MOCK_NODE_IMAGES } from "../../render/mocks";
import { computeImpact } from "../../tools/impact/report";
import { readWorld, writeWorld } from "../fakeaws/provider";
import { clockFrom, dataIdentity, isReady, poolNodes, questDbPod, readyOnPool, waitFor } from "./karpenterChecks";
import { KubeObject } from "./kube";
import { FAKE_NODE_PREFIX } from "./kubelet";
import { EngineStack, publishedAmi } from "./stack";
import { assertNoChanges, assertStepsMatchImpact } from "./steps";
import { Tier, devStackYaml, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());
const ID = "mike";
const POOL = nodePoolName(ID);
const ZONE = "topology.kubernetes.io/zone";
const INSTANCE_TYPE = "node.kubernetes.io/instance-type";
const NODE_CLASS = "karpenter.k8s.aws/ec2nodeclass";
const AMI = "karpenter.e2e.questdb.cloud/ami";
/** A release the mock region of impact publishes too (render/mocks.ts), so both sides resolve its AMI. */
const NEW_IMAGE = MOCK_NODE_IMAGES[1];
/** Sunday 02:00-04:00 UTC; the Drifted budget is zero outside it. */
const entry = { id: ID, availabilityZone: ZONE_B, nodeProvisioner: "karpenter", instanceType: "t3.large", maintenanceWindow: "sun 02:00-04:00" };
const OUTSIDE_WINDOW = "2026-12-02T12:00:00Z"; // a Wednesday
const INSIDE_WINDOW = "2026-12-06T02:30:00Z"; // a Sunday

describe("a database's life on Karpenter under the real engine, with the Karpenter stand-in (issue 22.9)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    let data: string[];
    const k = () => tier.cluster.client;
    /** What a failed wait reports: the stand-in's notes first, then the nodes and where the pod is. */
    const describeState = async () => {
        const pod = await questDbPod(k(), ID);
        return {
            refusals: Object.fromEntries(tier.karpenter.refusals), pending: tier.karpenter.lastPending, held: tier.karpenter.lastHeld, kubelet: tier.kubelet.lastErrors,
            nodes: (await poolNodes(k(), POOL)).map((n) => ({ name: n.metadata.name, labels: n.metadata.labels })),
            pod: { node: pod?.spec.nodeName, ready: isReady(pod), deleting: Boolean(pod?.metadata.deletionTimestamp) },
        };
    };
    const eventsSince = (n: number) => tier.karpenter.events.slice(n).map((e) => `${e.action} ${e.nodePool} ${e.reason}`);

    /** The edit as CI applies it: impact's prediction, `up`, then a preview with no changes. */
    async function apply(next: Record<string, unknown>, beforeFile: StackFile | null = stack.setDatabases([next])): Promise<string[]> {
        const predicted = await computeImpact(beforeFile, stack.stackFile());
        const up = await stack.up();
        assertStepsMatchImpact(up.steps, predicted);
        assertNoChanges(await stack.preview(), "preview after the edit");
        return predicted.databases.filter((d) => d.id === ID).map((d) => d.kind);
    }

    async function pool(): Promise<KubeObject> {
        return k().get(`/apis/karpenter.sh/v1/nodepools/${POOL}`);
    }

    before(async () => {
        tier = await startTier([ZONE_A, ZONE_B]);
        stack = await newStack(tier, "dev", devStackYaml());
    });

    after(async () => {
        await tier?.stop();
    });

    it("create: the stand-in launches a node from the NodePool in the volume's zone, with the pool's labels and taint, and the pod goes Ready on it", async () => {
        stack.setDatabases([entry]);
        await apply(entry, null);
        const nodePool = await pool();
        const [node, ...others] = await poolNodes(k(), POOL);
        // A pod no NodePool takes lands on the fake kubelet's zone node instead (docs/e2e-engine.md): name why.
        assert.ok(node, `the stand-in launched a node for the pod: ${JSON.stringify(await describeState()).slice(0, 2000)}`);
        assert.deepEqual(others, [], "one node: the NodePool's limit");
        assert.equal(node.metadata.labels[ZONE], ZONE_B, "the volume's zone, from the PV's affinity and the pool's requirement");
        assert.equal(node.metadata.labels[INSTANCE_TYPE], "t3.large");
        assert.equal(node.metadata.labels[DATABASE_LABEL], ID, "the template's label, which the pod selects");
        assert.equal(node.metadata.labels[NODE_CLASS], nodePool.spec.template.spec.nodeClassRef.name);
        assert.deepEqual(node.spec.taints, nodePool.spec.template.spec.taints, "the template's taint, which the pod tolerates");
        const pod = await questDbPod(k(), ID);
        assert.equal(pod?.spec.nodeName, node.metadata.name, "bound to the launched node, not to a zone node of the fake kubelet");
        assert.ok(isReady(pod));
        assert.deepEqual(eventsSince(0), [`launch ${POOL} for qdb-${ID}/questdb-0`]);
        data = await dataIdentity(stack, k(), ID);
    });

    it("pause: the StatefulSet goes to 0 and the stand-in removes the empty node after consolidateAfter; the NodePool stays", async () => {
        const seen = tier.karpenter.events.length;
        await apply({ ...entry, state: "paused" });
        await waitFor("the empty node removed", async () => ((await poolNodes(k(), POOL)).length === 0 ? true : undefined), describeState);
        assert.deepEqual(eventsSince(seen), [`delete ${POOL} Empty`]);
        assert.equal((await pool()).metadata.name, POOL, "the NodePool stays");
        assert.deepEqual(await dataIdentity(stack, k(), ID), data);
    });

    it("resume: a node is launched again in the volume's zone and the pod goes Ready on it", async () => {
        const seen = tier.karpenter.events.length;
        await apply(entry);
        const node = await waitFor("the pod Ready on a pool node", readyOnPool(k(), ID, POOL), describeState);
        assert.equal(node.metadata.labels[ZONE], ZONE_B);
        assert.deepEqual(eventsSince(seen), [`launch ${POOL} for qdb-${ID}/questdb-0`]);
        assert.deepEqual(await dataIdentity(stack, k(), ID), data);
    });

    it("instance type: the NodePool changes in place; its Drifted budget holds the node outside the window; inside it, one pod move in the same zone", async () => {
        const [old] = await poolNodes(k(), POOL);
        tier.karpenter.budgetClock = clockFrom(OUTSIDE_WINDOW);
        const seen = tier.karpenter.events.length;
        const changed = { ...entry, instanceType: "t3.xlarge" };
        assert.deepEqual(await apply(changed), ["rolling-node-update"]);
        const held = await waitFor("the drifted node held", async () => tier.karpenter.lastHeld.find((h) => h.node === old.metadata.name), describeState);
        assert.match(held.reason, /^RequirementsDrifted: the Drifted budget allows no disruption now$/);
        assert.deepEqual(eventsSince(seen), [], "nothing moves outside the window");
        tier.karpenter.budgetClock = clockFrom(INSIDE_WINDOW);
        const node = await waitFor("the pod Ready on the new instance type", async () => {
            const n = await readyOnPool(k(), ID, POOL)();
            return n?.metadata.labels[INSTANCE_TYPE] === "t3.xlarge" ? n : undefined;
        }, describeState);
        assert.equal(node.metadata.labels[ZONE], ZONE_B, "same zone");
        assert.deepEqual(eventsSince(seen), [`launch ${POOL} for qdb-${ID}/questdb-0`, `delete ${POOL} RequirementsDrifted`], "one replacement, then the old node drained");
        assert.deepEqual((await poolNodes(k(), POOL)).map((n) => n.metadata.name), [node.metadata.name], "the old node is gone");
        assert.deepEqual(await dataIdentity(stack, k(), ID), data);
        entry.instanceType = "t3.xlarge";
    });

    it("node image: a new EC2NodeClass, the NodePool points at it, and the node drifts to the new AMI inside the window", async () => {
        const world = readWorld(stack.worldFile);
        const [name, parameter] = publishedAmi({ nodeImage: NEW_IMAGE, architecture: "x86_64" });
        writeWorld(stack.worldFile, { ...world, [name]: parameter });
        const oldClass = (await pool()).spec.template.spec.nodeClassRef.name;
        const seen = tier.karpenter.events.length;
        assert.deepEqual(await apply({ ...entry, nodeImage: NEW_IMAGE }), ["rolling-node-update"]);
        const newClass = (await pool()).spec.template.spec.nodeClassRef.name;
        assert.notEqual(newClass, oldClass);
        const nodeClass = await k().get(`/apis/karpenter.k8s.aws/v1/ec2nodeclasses/${newClass}`);
        const node = await waitFor("the pod Ready on a node of the new class", async () => {
            const n = await readyOnPool(k(), ID, POOL)();
            return n?.metadata.labels[NODE_CLASS] === newClass ? n : undefined;
        }, describeState);
        assert.equal(node.metadata.annotations[AMI], nodeClass.spec.amiSelectorTerms[0].id, "launched from the new class's AMI");
        assert.equal(node.metadata.labels[ZONE], ZONE_B);
        assert.deepEqual(eventsSince(seen), [`launch ${POOL} for qdb-${ID}/questdb-0`, `delete ${POOL} NodePoolDrifted`], "static drift: the template's node class changed");
        assert.deepEqual(await dataIdentity(stack, k(), ID), data);
        const zoneNode = await k().find(`/api/v1/nodes/${FAKE_NODE_PREFIX}${ZONE_B}`);
        assert.ok(zoneNode, "the fake kubelet's zone node is there, and never took this pod");
    });
});
