/**
 * Issue 27.5 on a cluster shared by two stacks (docs/decisions.md, "Cells"): the owner `dev` and
 * the cell `cell`, each with its own drills namespace, runner, policy and tenant-volume list, both
 * applied by the real engine to one API server. Every cell's policy judges every cell's runner, so
 * a runner is refused another stack's volumes by that stack's policy, and may claim, and delete, only
 * in its own drills namespace; each runner's own restore (drill.sh itself) passes both policies.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE, derivedNames } from "../../inventory";
import { cellScopedName, drillNamespaceOf } from "../../inventory/cells";
import { DRILL_PV_POLICY } from "../../components/drillAdmission";
import { DRILL_RUNNER } from "../../components/restoreDrills";
import { clientAs, write } from "./accounts";
import { PVS, asRun, denial, runDrill, waitGone } from "./drillRuns";
import { KubeClient, KubeObject } from "./kube";
import { absorbMonitorTermination } from "./rejections";
import { EngineStack } from "./stack";
import { Tier, devStackYaml, dnsSuffixOf, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());
const OWNER = "dev";
const CELL = "cell";
const CELL_POLICY = cellScopedName(DRILL_PV_POLICY, { stack: CELL, sharedClusterOwner: OWNER });
/** Each stack's drills namespace: the owner keeps questdb-drills, the cell's carries its name. */
const DRILLS: Record<string, string> = Object.fromEntries([OWNER, CELL].map((stack) => [stack, drillNamespaceOf({ stack, sharedClusterOwner: OWNER })]));
const pvOf = (id: string) => derivedNames(id, dnsSuffixOf(devStackYaml())).persistentVolume;

/** The dev stack file on a cluster whose shared objects `owner` owns. */
function onSharedCluster(owner: string): string {
    const doc = parseDocument(devStackYaml());
    doc.setIn(["config", `${CONFIG_NAMESPACE}:region`, "sharedClusterOwner"], owner);
    return doc.toString();
}

const drilled = (id: string, zone: string) => ({ id, availabilityZone: zone, backup: { drill: { schedule: "cron(0 5 ? * SUN *)" } } });

describe("the drill runners' PVs on a cluster shared by two stacks (issue 27.5, cells)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let admin: KubeClient;
    const runners: Record<string, { client: KubeClient; token: string }> = {};
    /** The PV the cell's drill.sh sent. */
    let scripted: KubeObject | undefined;
    const handle = async (id: string) => (await admin.get(`${PVS}/${pvOf(id)}`)).spec.csi.volumeHandle as string;

    before(async () => {
        absorbMonitorTermination();
        tier = await startTier([ZONE_A, ZONE_B]);
        admin = tier.cluster.client;
        const stacks: [string, unknown[]][] = [
            [OWNER, [drilled("alpha", ZONE_A), { id: "beta", availabilityZone: ZONE_B }]],
            [CELL, [drilled("gamma", ZONE_A), { id: "delta", availabilityZone: ZONE_B }]],
        ];
        for (const [name, databases] of stacks) {
            const stack: EngineStack = await newStack(tier, name, onSharedCluster(OWNER));
            stack.setDatabases(databases);
            const started = Date.now();
            await stack.up();
            console.log(`[e2e] up of ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
            runners[name] = await clientAs(tier.cluster, DRILLS[name], DRILL_RUNNER);
        }
    });

    after(async () => {
        await tier?.stop();
    });

    it("each stack has its own policy, binding and tenant-volume list", async () => {
        for (const [policy, namespace, ids] of [[DRILL_PV_POLICY, DRILLS[OWNER], ["alpha", "beta"]], [CELL_POLICY, DRILLS[CELL], ["gamma", "delta"]]] as const) {
            const binding = await admin.get(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${policy}`);
            assert.deepEqual(binding.spec.paramRef, { name: DRILL_PV_POLICY, namespace, parameterNotFoundAction: "Deny" });
            const params = await admin.get(`/api/v1/namespaces/${namespace}/configmaps/${DRILL_PV_POLICY}`);
            assert.deepEqual(Object.values(params.data).sort(), [...ids].sort(), policy);
        }
    });

    it("the cell's own restore passes both policies: drill.sh as the cell's runner creates, binds and deletes its PV", async () => {
        const drill = await runDrill(tier.cluster, runners[CELL].token, DRILLS[CELL], "gamma", "c1");
        console.log(`[e2e] the cell's drill.sh: ${drill.seconds.toFixed(1)} s, PV phases seen: ${[...drill.phases].join(", ")}`);
        scripted = drill.pv;
        assert.equal(drill.result.code, 0, drill.result.stderr);
        assert.equal(scripted?.spec.claimRef.namespace, DRILLS[CELL]);
        assert.ok(drill.phases.has("Bound"), [...drill.phases].join(", "));
        assert.equal(await admin.find(`${PVS}/${drill.name}`), undefined, "the script's PV is gone");
    });

    it("the owner's drill runs too, under the cell's policy as well as its own", async () => {
        const drill = await runDrill(tier.cluster, runners[OWNER].token, DRILLS[OWNER], "alpha", "o1");
        assert.equal(drill.result.code, 0, drill.result.stderr);
        assert.equal(await admin.find(`${PVS}/${drill.name}`), undefined);
    });

    it("a runner is refused the other stack's volumes by the other stack's policy", async () => {
        assert.ok(scripted, "the cell's drill.sh ran first");
        const cases: [string, string, string][] = [
            // [runner, tenant whose volume it names, the policy that refuses]
            [CELL, "alpha", DRILL_PV_POLICY], [CELL, "beta", DRILL_PV_POLICY],
            [OWNER, "gamma", CELL_POLICY], [OWNER, "delta", CELL_POLICY],
        ];
        for (const [runner, tenant, policy] of cases) {
            const pv = asRun(scripted, "gamma", `steal-${tenant}`, await handle(tenant));
            pv.spec.claimRef.namespace = DRILLS[runner];
            const answer = await write(runners[runner].client, "POST", PVS, pv);
            assert.equal(answer.status, 422, answer.message);
            assert.equal(answer.message, denial(pv.metadata.name, "a drill PV may not name a tenant database's volume", policy), `${runner} -> ${tenant}`);
        }
        const refused = await write(runners[CELL].client, "DELETE", `${PVS}/${pvOf("alpha")}`);
        assert.equal(refused.status, 422, refused.message);
        // Both policies refuse a tenant's PV; the API server names the first that did.
        assert.match(refused.message, /denied request: a drill may delete only a drill run's PVs claimed in its own drills namespace$/);
    });

    it("a runner may delete its own stack's drill PVs only, not another stack's drill in progress", async () => {
        assert.ok(scripted, "the cell's drill.sh ran first");
        const ownersPv = asRun(scripted, "alpha", "o2", "vol-0e2e0000000000005");
        ownersPv.spec.claimRef.namespace = DRILLS[OWNER];
        assert.equal((await write(runners[OWNER].client, "POST", PVS, ownersPv)).status, 201);
        const refused = await write(runners[CELL].client, "DELETE", `${PVS}/${ownersPv.metadata.name}`);
        assert.equal(refused.status, 422, refused.message);
        assert.equal(refused.message, denial(ownersPv.metadata.name, "a drill may delete only a drill run's PVs claimed in its own drills namespace"));
        assert.equal((await admin.get(`${PVS}/${ownersPv.metadata.name}`)).metadata.deletionTimestamp, undefined, "the owner's drill PV is untouched");
        assert.equal((await write(runners[OWNER].client, "DELETE", `${PVS}/${ownersPv.metadata.name}`)).status, 200);
        await waitGone(admin, `${PVS}/${ownersPv.metadata.name}`);
    });

    it("a runner may not claim its PV in the other stack's drills namespace", async () => {
        assert.ok(scripted, "the cell's drill.sh ran first");
        const pv = asRun(scripted, "gamma", "c2", "vol-0e2e0000000000004");
        pv.spec.claimRef.namespace = DRILLS[OWNER];
        const answer = await write(runners[CELL].client, "POST", PVS, pv);
        assert.equal(answer.status, 422, answer.message);
        assert.match(answer.message, /denied request: a drill PV is claimed in its runner's own drills namespace by the claim of its own name$/);
        assert.equal(await admin.find(`${PVS}/${pv.metadata.name}`), undefined);
    });
});
