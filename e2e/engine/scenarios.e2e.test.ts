/**
 * The real Pulumi engine, the real Kubernetes provider and a real API server, running the real
 * program (index.ts) through its real inventory path. Scenarios of issue 16, in order, on one
 * stack: each edit is checked against the cluster's objects, the engine's steps, and what
 * `npm run impact` predicts for it. See docs/e2e-engine.md.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FIELD_MANAGER } from "../../stacks/fieldManager";
import { computeImpact } from "../../tools/impact/report";
import { ADDON_TYPE, CLUSTER_TYPE, readWorld, writeWorld } from "../fakeaws/provider";
import { KubeObject } from "./kube";
import { recordedClaimSize } from "./recovery";
import { RESIZER_MANAGER } from "./kubelet";
import { EngineStack, RunResult } from "./stack";
import { Tier, defaultVersionOf, devStackYaml, newStack, startTier, zonesOf } from "./tier";
import { assertNoChanges, assertRunsBefore, assertStepsMatchImpact, changedSteps, engineActions } from "./steps";

const STACK = "dev";
const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());

type Entry = Record<string, unknown>;

const entry = (id: string, zone: string, extra: Entry = {}): Entry => ({ id, availabilityZone: zone, ...extra });
// charlie starts on an older release of the dev default's line, so that 2d is an upgrade (a
// downgrade across a major is refused).
const BASE: Entry[] = [entry("alpha", ZONE_A), entry("bravo", ZONE_B), entry("charlie", ZONE_A, { questdbVersion: "9.0.3" })];

function withEntry(list: Entry[], id: string, change: Entry | undefined): Entry[] {
    return list.flatMap((e) => (e.id !== id ? [e] : change === undefined ? [] : [{ ...e, ...change }]));
}

describe("real engine tier (issue 16)", { timeout: 60 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    let inventory: Entry[] = BASE;

    const k = () => tier.cluster.client;
    const ns = (id: string) => `/api/v1/namespaces/qdb-${id}`;
    const statefulSet = (id: string) => k().get(`/apis/apps/v1/namespaces/qdb-${id}/statefulsets/questdb`);
    const claim = (id: string) => k().get(`${ns(id)}/persistentvolumeclaims/questdb-data`);
    const volume = (id: string) => k().get(`/api/v1/persistentvolumes/qdb-${id}-data`);
    const awsOf = (type: string) => Object.entries(readWorld(stack.worldFile)).map(([id, e]) => ({ id, ...e })).filter((e) => e.type === type);
    const awsVolume = (id: string) => awsOf("aws:ebs/volume:Volume").find((v) => (v.inputs.tags as Record<string, string>).Name === `qdb-${id}-data`);

    /** Applies an inventory edit: impact's prediction, then `up`, then a no-change preview. */
    async function edit(next: Entry[]): Promise<RunResult> {
        const beforeFile = stack.setDatabases(next);
        const predicted = await computeImpact(beforeFile, stack.stackFile());
        const up = await stack.up();
        inventory = next;
        assertStepsMatchImpact(up.steps, predicted);
        assertNoChanges(await stack.preview(), "preview after the edit's up");
        return up;
    }

    async function ready(id: string): Promise<KubeObject> {
        const sts = await statefulSet(id);
        assert.equal(sts.status.readyReplicas, 1, `statefulset of ${id} has a ready pod`);
        return sts;
    }

    before(async () => {
        tier = await startTier([ZONE_A, ZONE_B]);
        stack = await newStack(tier, STACK, devStackYaml());
    });

    after(async () => {
        await tier?.stop();
    });

    it("1. three databases up; then preview shows no changes and a second up changes nothing", async () => {
        stack.setDatabases(BASE);
        const up = await stack.up();
        assert.ok(changedSteps(up.steps).every((s) => s.op === "create"), "a first up only creates");
        for (const id of ["alpha", "bravo", "charlie"]) {
            await ready(id);
            assert.equal((await claim(id)).status.phase, "Bound");
            assert.equal((await volume(id)).status.phase, "Bound");
            assert.equal((await volume(id)).spec.csi.volumeHandle, awsVolume(id)?.id, "the PV points at the volume the fake AWS created");
            await k().get(`${ns(id)}/services/questdb`);
            await k().get(`/apis/monitoring.coreos.com/v1/namespaces/qdb-${id}/servicemonitors`);
        }
        assertNoChanges(await stack.preview(), "preview after the first up");
        assertNoChanges(await stack.up(), "second up");
    });

    it("2a. grow a volume: the PVC grows, the PV stays bound", async () => {
        await edit(withEntry(inventory, "alpha", { volume: { sizeGiB: 40 } }));
        assert.equal((await claim("alpha")).spec.resources.requests.storage, "40Gi");
        assert.equal((await volume("alpha")).status.phase, "Bound");
        assert.equal((await claim("alpha")).status.phase, "Bound");
        assert.equal(awsVolume("alpha")?.inputs.size, 40);
        assert.equal(recordedClaimSize(stack, "alpha"), "40Gi", "the state records the grown claim, not a copy from before the patch");
        // The resizer (here the fake kubelet) grows the PV under its own field manager; the program
        // ignores the PV's capacity, so the next runs neither conflict nor show a diff.
        await waitFor(async () => (await volume("alpha")).spec.capacity.storage === "40Gi", "the PV's capacity grown by the resizer");
        await waitFor(async () => (await claim("alpha")).status.capacity.storage === "40Gi", "the claim's status capacity");
        const managers = ((await volume("alpha")).metadata.managedFields ?? []).map((f: { manager: string }) => f.manager);
        assert.ok(managers.includes(RESIZER_MANAGER), `the resizer manages the PV's capacity (managers: ${managers.join(", ")})`);
        assertNoChanges(await stack.preview(), "preview once the resizer grew the PV");
    });

    it("2b. a serverConf edit rolls the pod with the new config", async () => {
        const podBefore = await k().get(`${ns("bravo")}/pods/questdb-0`);
        await edit(withEntry(inventory, "bravo", { serverConf: { "query.timeout.sec": "120" } }));
        const config = await k().get(`${ns("bravo")}/configmaps/questdb-config`);
        assert.match(config.data["server.conf"], /query\.timeout\.sec=120/);
        await ready("bravo");
        const podAfter = await k().get(`${ns("bravo")}/pods/questdb-0`);
        assert.notEqual(podAfter.metadata.uid, podBefore.metadata.uid, "the pod was replaced by the rollout");
    });

    it("2c. a credentials rotation (new seed) updates every Secret in place and rolls every pod in the same update", async () => {
        const secretBefore = await k().get(`${ns("alpha")}/secrets/questdb-credentials`);
        const podBefore = await k().get(`${ns("alpha")}/pods/questdb-0`);
        await stack.stack.setConfig("questdb-cloud:credentialsSeed", { value: "e2e-seed-rotated-fedcba9876543210fedcba98", secret: true });
        const up = await stack.up();
        const ids = ["alpha", "bravo", "charlie"];
        const actions = engineActions(up.steps).filter((a) => /:Secret |:StatefulSet /.test(a));
        assert.deepEqual(actions, [
            ...ids.map((id) => `update kubernetes:apps/v1:StatefulSet ${id}-questdb`),
            ...ids.map((id) => `update kubernetes:core/v1:Secret ${id}-credentials`),
        ], "each Secret is updated in place (never replaced: no window without credentials) and each pod template changes");
        const secretAfter = await k().get(`${ns("alpha")}/secrets/questdb-credentials`);
        assert.notEqual(secretAfter.data["http.password"], secretBefore.data["http.password"]);
        await ready("alpha");
        assert.notEqual((await k().get(`${ns("alpha")}/pods/questdb-0`)).metadata.uid, podBefore.metadata.uid, "the pod restarted onto the new passwords");
        assertNoChanges(await stack.preview(), "preview after the rotation");
    });

    it("2d. a version change rolls the pod onto the new image", async () => {
        await edit(withEntry(inventory, "charlie", { questdbVersion: "9.3.4" }));
        const sts = await ready("charlie");
        assert.equal(sts.spec.template.spec.containers[0].image, "questdb/questdb:9.3.4");
    });

    it("2e. pause stops QuestDB before its node goes; resume brings the node back before the pod", async () => {
        const paused = await edit(withEntry(inventory, "bravo", { state: "paused" }));
        assertRunsBefore(paused, "bravo-questdb", "bravo-node", "pause");
        assert.equal((await statefulSet("bravo")).spec.replicas, 0);
        const group = awsOf("aws:eks/nodeGroup:NodeGroup").find((g) => String(g.outputs.nodeGroupName).startsWith("qdb-bravo-"));
        assert.equal((group?.inputs.scalingConfig as { desiredSize: number }).desiredSize, 0);
        assert.equal((await claim("bravo")).status.phase, "Bound", "the claim stays while paused");
        const resumed = await edit(withEntry(inventory, "bravo", { state: "active" }));
        assertRunsBefore(resumed, "bravo-node", "bravo-questdb", "resume");
        await ready("bravo");
    });

    it("3. shrink, AZ move, removing an active database and a cluster without NetworkPolicy enforcement are refused", async () => {
        const kept = inventory;
        const refusals: Array<[string, Entry[], RegExp]> = [
            ["shrink", withEntry(kept, "alpha", { volume: { sizeGiB: 20 } }), /volume\.sizeGiB[\s\S]*cannot shrink/],
            ["AZ move", withEntry(kept, "charlie", { availabilityZone: ZONE_B }), /availabilityZone[\s\S]*cannot move/],
            ["removal", withEntry(kept, "bravo", undefined), /entry was removed while the database is active/],
            ["active to decommissioned", withEntry(kept, "bravo", { state: "decommissioned" }), /goes to paused before it is decommissioned/],
        ];
        for (const [what, next, message] of refusals) {
            stack.setDatabases(next);
            await expectRefusal(() => stack.preview(), message, `${what}: preview refused`);
            await expectRefusal(() => stack.up(), message, `${what}: up refused`);
        }
        stack.setDatabases(kept);
        assertNoChanges(await stack.preview(), "preview with the inventory restored");
        // The cluster preflight, against what the (fake) AWS API answers: NetworkPolicy enforcement off.
        const world = readWorld(stack.worldFile);
        const cni = Object.values(world).find((e) => e.type === ADDON_TYPE && e.inputs.addonName === "vpc-cni");
        assert.ok(cni);
        const enforced = cni.outputs.configurationValues;
        cni.outputs.configurationValues = JSON.stringify({ enableNetworkPolicy: "false" });
        writeWorld(stack.worldFile, world);
        await expectRefusal(() => stack.preview(), /enableNetworkPolicy[\s\S]*silently not enforced/, "preflight: preview refused");
        cni.outputs.configurationValues = enforced;
        writeWorld(stack.worldFile, world);
        assertNoChanges(await stack.preview(), "preview with NetworkPolicy enforcement back on");
    });

    it("2f. pause, then decommission: the objects go, the volume and a cold final snapshot stay; removal keeps both", async () => {
        await edit(withEntry(inventory, "charlie", { state: "paused" }));
        await edit(withEntry(inventory, "charlie", { state: "decommissioned" }));
        assert.equal(await k().find(`/api/v1/persistentvolumes/qdb-charlie-data`), undefined, "the PV object is deleted");
        await waitGone(() => k().find(ns("charlie")), "namespace qdb-charlie");
        assert.ok(awsVolume("charlie"), "the EBS volume is still there");
        assert.equal(awsOf("aws:ebs/snapshot:Snapshot").length, 1, "a final snapshot was taken");
        await edit(withEntry(inventory, "charlie", undefined));
        assert.ok(awsVolume("charlie"), "the EBS volume outlives the removal (retainOnDelete)");
        assert.equal(awsOf("aws:ebs/snapshot:Snapshot").length, 1, "the final snapshot outlives the removal");
    });

    it("4. adoption: legacy objects created beforehand with kubectl are imported as they are, then converged", async () => {
        await createLegacyObjects(tier, "delta", ZONE_B);
        const legacy = await statefulSet("delta");
        const adopt = { step: "import", kubernetes: true };
        const imported = await edit([...inventory, entry("delta", ZONE_B, { adopt })]);
        const importedObjects = imported.steps.filter((s) => s.op === "import").map((s) => s.name).sort();
        assert.deepEqual(importedObjects, ["delta-config", "delta-namespace", "delta-questdb", "delta-service"]);
        const untouched = await statefulSet("delta");
        assert.equal(untouched.metadata.generation, legacy.metadata.generation, "step import does not update the legacy StatefulSet");
        assert.equal(untouched.spec.template.spec.containers[0].image, "questdb/questdb:8.1.0");

        await edit(withEntry(inventory, "delta", { adopt: { ...adopt, step: "converge" } }));
        const sts = await ready("delta");
        assert.equal(sts.spec.template.spec.containers[0].image, `questdb/questdb:${defaultVersionOf(devStackYaml())}`, "converged onto the program's template");
        const managers = (sts.metadata.managedFields ?? []).map((f: { manager: string }) => f.manager);
        assert.ok(managers.includes(FIELD_MANAGER), `the program's field manager manages the legacy StatefulSet (managers: ${managers.join(", ")})`);
        assert.ok(!managers.includes("kubectl-create"), `kubectl's manager was taken over (managers: ${managers.join(", ")})`);
        const config = await k().get(`${ns("delta")}/configmaps/questdb-config`);
        assert.match(config.data["server.conf"], /^metrics\.enabled=true$/m, "the program's server.conf");
        assert.doesNotMatch(config.data["server.conf"], /shared\.worker\.count/, "the legacy server.conf is gone");
    });

    it("6. a kubeconfig change (the cluster's new endpoint) updates the provider and replaces no Kubernetes object", async () => {
        const world = readWorld(stack.worldFile);
        const clusterName = "qdb-dev-eu-west-1";
        // The same API server under another name its certificate carries: what EKS reports after an endpoint change.
        const endpoint = tier.cluster.server.replace("127.0.0.1", "localhost");
        world[`cluster:${clusterName}`] = { type: CLUSTER_TYPE, inputs: { name: clusterName }, outputs: { endpoint } };
        writeWorld(stack.worldFile, world);
        const preview = await stack.preview();
        const provider = preview.steps.filter((s) => s.type === "pulumi:providers:kubernetes").map((s) => s.op);
        assert.deepEqual(provider, ["update"], "the provider is updated, not replaced (clusterIdentifier)");
        assert.deepEqual(engineActions(preview.steps), [], "no Kubernetes object changes with the provider's kubeconfig");
        const up = await stack.up();
        assert.deepEqual(up.steps.filter((s) => s.type === "pulumi:providers:kubernetes").map((s) => s.op), ["update"]);
        assert.deepEqual(engineActions(up.steps), [], "the up of the kubeconfig change touches no object");
        assert.equal(up.summary.update, 1, "the engine's summary: one update, the provider");
        assertNoChanges(await stack.preview(), "preview after the kubeconfig change");
    });

    it("5. reordering the inventory: preview shows no changes", async () => {
        stack.setDatabases([...inventory].reverse());
        assertNoChanges(await stack.preview(), "preview of the reordered inventory");
    });
});


/**
 * Asserts that a run fails with the program's refusal. An inline program that throws leaves
 * rejected promises behind in the SDK's Stack resource (its outputs, derived from the failed
 * init), and the Automation API's language server removes its own unhandledRejection handler
 * before they settle (`@pulumi/pulumi/automation/server.js`, `run`); under `node --test` they
 * would fail the file after the test passed. While the refused run lasts, rejections carrying
 * the refusal itself are absorbed; anything else is raised again.
 */
async function expectRefusal(run: () => Promise<unknown>, message: RegExp, what: string): Promise<void> {
    const testRunnerListeners = process.listeners("unhandledRejection");
    const stray: unknown[] = [];
    const absorb = (reason: unknown) => {
        if (!(reason instanceof Error && message.test(reason.message))) {
            stray.push(reason);
        }
    };
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", absorb);
    try {
        await assert.rejects(run(), message, what);
        await new Promise((r) => setTimeout(r, 200));
    } finally {
        process.off("unhandledRejection", absorb);
        testRunnerListeners.forEach((l) => process.on("unhandledRejection", l));
    }
    assert.deepEqual(stray, [], `${what}: no other unhandled rejection`);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) {
            assert.fail(`${what}: not reached after ${timeoutMs / 1000} s`);
        }
        await new Promise((r) => setTimeout(r, 300));
    }
}

async function waitGone(find: () => Promise<unknown>, what: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (await find()) {
        if (Date.now() > deadline) {
            assert.fail(`${what} still exists after ${timeoutMs / 1000} s`);
        }
        await new Promise((r) => setTimeout(r, 500));
    }
}

/** The legacy shape: what the pre-Pulumi scripts created with kubectl, the same names, older labels. */
async function createLegacyObjects(tier: Tier, id: string, zone: string): Promise<void> {
    const c = tier.cluster.client;
    const namespace = `qdb-${id}`;
    // `kubectl create` sends this field manager; server-side apply sees its fields as owned by it.
    const asKubectl = "?fieldManager=kubectl-create";
    const labels = { app: "questdb", "questdb.cloud/database": id };
    await c.post(`/api/v1/namespaces${asKubectl}`, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } });
    await c.post(`/api/v1/namespaces/${namespace}/configmaps${asKubectl}`, {
        apiVersion: "v1", kind: "ConfigMap", metadata: { name: "questdb-config", labels }, data: { "server.conf": "http.min.net.bind.to=0.0.0.0:9003\nshared.worker.count=1\n" },
    });
    await c.post(`/api/v1/namespaces/${namespace}/services${asKubectl}`, {
        apiVersion: "v1", kind: "Service", metadata: { name: "questdb", labels },
        spec: { selector: { app: "questdb" }, ports: [{ name: "http", port: 9000 }] },
    });
    await c.post(`/apis/apps/v1/namespaces/${namespace}/statefulsets${asKubectl}`, {
        apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "questdb", labels },
        spec: {
            replicas: 1, serviceName: "questdb",
            selector: { matchLabels: { "app.kubernetes.io/name": "questdb", "questdb.cloud/database": id } },
            template: {
                metadata: { labels: { "app.kubernetes.io/name": "questdb", "questdb.cloud/database": id } },
                spec: {
                    nodeSelector: { "topology.kubernetes.io/zone": zone },
                    containers: [{ name: "questdb", image: "questdb/questdb:8.1.0", ports: [{ name: "http", containerPort: 9000 }] }],
                },
            },
        },
    });
}
