/**
 * Issue 27.5 on the real API server: the drill runner's ServiceAccount, with the token a pod gets
 * (TokenRequest), through RBAC and the ValidatingAdmissionPolicy the real engine applied
 * (components/drillAdmission.ts). Its own restore, drill.sh itself run against the API server, is
 * allowed; a PV that names a tenant's volume, a PV not labelled and named as a run's, and deleting a
 * tenant's PV are refused by the policy, each where RBAC alone would have allowed it, so what is
 * proven is the policy and not only RBAC. AWS and QuestDB's answer are the stubs of
 * test/backup/stubs.ts; every Kubernetes call of the script goes to the real API server.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { DRILL_NAMESPACE, derivedNames } from "../../inventory";
import { DRILL_LABEL, DRILL_PV_POLICY, serviceAccountUser } from "../../components/drillAdmission";
import { DRILL_RUNNER } from "../../components/restoreDrills";
import { clientAs, rbacAllows, serviceAccountGroups, write } from "./accounts";
import { PVS, asRun, denial, runDrill, waitGone } from "./drillRuns";
import { KubeClient, KubeObject } from "./kube";
import { absorbMonitorTermination } from "./rejections";
import { EngineStack } from "./stack";
import { Tier, devStackYaml, dnsSuffixOf, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());
const DRILLED = "alpha";
const OTHER = "beta";
/** A database's namespace and PV names in the dev region. */
const names = (id: string) => derivedNames(id, dnsSuffixOf(devStackYaml()));
const RUNNER = serviceAccountUser(DRILL_NAMESPACE, DRILL_RUNNER);
const GROUPS = serviceAccountGroups(DRILL_NAMESPACE);

describe("the drill runner's PVs on the real API server (issue 27.5)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    let admin: KubeClient;
    let runner: { client: KubeClient; token: string };
    /** The PV body drill.sh sent, as the API server received it. */
    let scripted: KubeObject | undefined;
    const tenantHandle = async (id: string) => (await admin.get(`${PVS}/${names(id).persistentVolume}`)).spec.csi.volumeHandle as string;

    before(async () => {
        absorbMonitorTermination();
        tier = await startTier([ZONE_A, ZONE_B]);
        admin = tier.cluster.client;
        stack = await newStack(tier, "dev", devStackYaml());
        // Two databases, one drilled: the tenant-volume list holds both volumes.
        stack.setDatabases([
            { id: DRILLED, availabilityZone: ZONE_A, backup: { drill: { schedule: "cron(0 5 ? * SUN *)" } } },
            { id: OTHER, availabilityZone: ZONE_B },
        ]);
        const started = Date.now();
        await stack.up();
        console.log(`[e2e] up of two databases with a drill: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        runner = await clientAs(tier.cluster, DRILL_NAMESPACE, DRILL_RUNNER);
    });

    after(async () => {
        await tier?.stop();
    });

    it("the API server serves ValidatingAdmissionPolicy GA with its plugin on, and the applied policy type-checks clean", async () => {
        const version = await admin.get("/version");
        assert.ok(Number(version.major) > 1 || Number.parseInt(version.minor, 10) >= 30, `ValidatingAdmissionPolicy is GA from 1.30; the API server is ${version.gitVersion}`);
        const resources = (await admin.get("/apis/admissionregistration.k8s.io/v1")).resources.map((r: KubeObject) => r.name);
        assert.ok(resources.includes("validatingadmissionpolicies") && resources.includes("validatingadmissionpolicybindings"), resources.join(", "));
        // The API server names the admission plugins it loaded, in order, at start.
        const log = fs.readFileSync(path.join(tier.cluster.dir, "kube-apiserver.log"), "utf8");
        assert.match(log, /Loaded \d+ validating admission controller\(s\) successfully in the following order: [^\n]*ValidatingAdmissionPolicy/);
        // The type check runs after the policy is stored; the binding is enforced either way, but a warning would mean a rule never holds.
        const deadline = Date.now() + 60_000;
        let policy = await admin.get(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${DRILL_PV_POLICY}`);
        while (policy.status?.observedGeneration !== policy.metadata.generation || !policy.status?.typeChecking) {
            assert.ok(Date.now() < deadline, `the policy's type check did not finish: ${JSON.stringify(policy.status)}`);
            await new Promise((r) => setTimeout(r, 250));
            policy = await admin.get(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${DRILL_PV_POLICY}`);
        }
        assert.deepEqual(policy.status.typeChecking.expressionWarnings ?? [], [], "the CEL type-checks against PersistentVolume and ConfigMap");
        const params = await admin.get(`/api/v1/namespaces/${DRILL_NAMESPACE}/configmaps/${DRILL_PV_POLICY}`);
        assert.deepEqual(params.data, { [await tenantHandle(DRILLED)]: DRILLED, [await tenantHandle(OTHER)]: OTHER }, "the program listed both tenant volumes");
        // Like every tenant namespace, the drills namespace has a quota and default requests (the drill's pod below passes both).
        assert.equal((await admin.list(`/api/v1/namespaces/${DRILL_NAMESPACE}/resourcequotas`)).length, 1);
        assert.equal((await admin.list(`/api/v1/namespaces/${DRILL_NAMESPACE}/limitranges`)).length, 1);
    });

    it("RBAC alone lets the runner create and delete any PV, a tenant's too, and update none", async () => {
        const tenantPv = names(OTHER).persistentVolume;
        assert.equal(await rbacAllows(admin, RUNNER, GROUPS, "create", "persistentvolumes"), true);
        assert.equal(await rbacAllows(admin, RUNNER, GROUPS, "delete", "persistentvolumes", undefined, tenantPv), true);
        assert.equal(await rbacAllows(admin, RUNNER, GROUPS, "update", "persistentvolumes", undefined, tenantPv), false);
        assert.equal(await rbacAllows(admin, RUNNER, GROUPS, "patch", "persistentvolumes", undefined, tenantPv), false);
    });

    it("its own restore is allowed: drill.sh, as the runner's ServiceAccount, creates, binds and deletes its PV, claim and pod", async () => {
        const drill = await runDrill(tier.cluster, runner.token, DRILL_NAMESPACE, DRILLED, "e2e1");
        console.log(`[e2e] drill.sh against the API server: ${drill.seconds.toFixed(1)} s, PV phases seen: ${[...drill.phases].join(", ")}`);
        scripted = drill.pv;
        assert.equal(drill.result.code, 0, drill.result.stderr);
        assert.equal(JSON.parse(drill.result.stdout.trim().split("\n").pop() as string).exit, 0);
        const kubeCalls = drill.harness.calls().filter((c) => / \/api\//.test(c) && !c.startsWith("curl GET"));
        assert.deepEqual(kubeCalls, [
            `curl POST ${PVS}`,
            `curl POST /api/v1/namespaces/${DRILL_NAMESPACE}/persistentvolumeclaims`,
            `curl POST /api/v1/namespaces/${DRILL_NAMESPACE}/pods`,
            `curl DELETE /api/v1/namespaces/${DRILL_NAMESPACE}/pods/${drill.name}`,
            `curl DELETE /api/v1/namespaces/${DRILL_NAMESPACE}/persistentvolumeclaims/${drill.name}`,
            `curl DELETE ${PVS}/${drill.name}`,
        ]);
        assert.ok(drill.phases.has("Bound"), `the PV controller bound the script's PV to its claim (seen: ${[...drill.phases].join(", ")})`);
        assert.equal(await admin.find(`${PVS}/${drill.name}`), undefined, "the script's PV is gone");
        assert.equal(scripted?.spec.csi.volumeHandle, "vol-0d000000000000d01", "the scratch volume the stub EBS restored");
    });

    /** The script's PV, as another run's; the tests below change one thing of it each. */
    const drillPv = (run: string, handle: string) => {
        assert.ok(scripted, "drill.sh ran first and its PV was captured");
        return asRun(scripted, DRILLED, run, handle);
    };

    it("a PV naming another database's volume, or the drilled database's own live one, is refused by the policy", async () => {
        for (const id of [OTHER, DRILLED]) {
            const pv = drillPv(`steal-${id}`, await tenantHandle(id));
            const answer = await write(runner.client, "POST", PVS, pv);
            assert.equal(answer.status, 422, answer.message);
            assert.equal(answer.message, denial(pv.metadata.name, `a drill PV may not name a tenant database's volume`));
            assert.equal(await admin.find(`${PVS}/${pv.metadata.name}`), undefined);
        }
        // The same PV from anyone but the runner is not the policy's business (the admin's dry run passes).
        const answer = await write(admin, "POST", `${PVS}?dryRun=All`, drillPv("admin", await tenantHandle(OTHER)));
        assert.equal(answer.status, 201, answer.message);
    });

    it("another spelling of a tenant's volume id (upper case), which the tenant list would miss, is refused", async () => {
        const pv = drillPv("upper", (await tenantHandle(OTHER)).toUpperCase().replace(/^VOL-/, "vol-"));
        const answer = await write(runner.client, "POST", PVS, pv);
        assert.equal(answer.status, 422, answer.message);
        assert.equal(answer.message, denial(pv.metadata.name, "a drill PV names its volume as EC2 writes the id: vol- and 8 or 17 lowercase hex digits"));
    });

    it("the tenant's volume under the in-tree EBS source instead of CSI is refused too", async () => {
        const pv = drillPv("intree", "unused");
        delete pv.spec.csi;
        pv.spec.awsElasticBlockStore = { volumeID: await tenantHandle(OTHER), fsType: "ext4" };
        const answer = await write(runner.client, "POST", PVS, pv);
        assert.equal(answer.status, 422, answer.message);
        assert.equal(answer.message, denial(pv.metadata.name, `a drill PV may not name a tenant database's volume`));
    });

    it("deleting a tenant's PV is refused by the policy; deleting a PV of its own run is allowed", async () => {
        const tenantPv = names(OTHER).persistentVolume;
        const refused = await write(runner.client, "DELETE", `${PVS}/${tenantPv}`);
        assert.equal(refused.status, 422, refused.message);
        assert.equal(refused.message, denial(tenantPv, "a drill may delete only a drill run's PVs"));
        assert.equal((await admin.get(`${PVS}/${tenantPv}`)).metadata.deletionTimestamp, undefined, "the tenant's PV is untouched");
        const own = drillPv("e2e2", "vol-0e2e0000000000002");
        assert.equal((await write(runner.client, "POST", PVS, own)).status, 201);
        const deleted = await write(runner.client, "DELETE", `${PVS}/${own.metadata.name}`);
        assert.equal(deleted.status, 200, deleted.message);
        await waitGone(admin, `${PVS}/${own.metadata.name}`);
    });

    it("a PV without the run label, named for another run, or claimed outside the drills namespace is refused by the policy", async () => {
        const fresh = "vol-0e2e0000000000003";
        const unlabelled = drillPv("e2e3", fresh);
        delete unlabelled.metadata.labels;
        const misnamed = drillPv("e2e4", fresh);
        misnamed.metadata.name = `drill-${DRILLED}-e2e5`;
        misnamed.spec.claimRef.name = misnamed.metadata.name;
        const elsewhere = drillPv("e2e6", fresh);
        elsewhere.spec.claimRef.namespace = names(OTHER).namespace;
        const cases: [KubeObject, string][] = [
            [unlabelled, `a drill may create only PVs labelled ${DRILL_LABEL}=<run id>`],
            [misnamed, "a drill PV's name is drill-<database>-<run id>, its own run's"],
            [elsewhere, `a drill PV is claimed in ${DRILL_NAMESPACE} by the claim of its own name`],
        ];
        for (const [pv, message] of cases) {
            const answer = await write(runner.client, "POST", PVS, pv);
            assert.equal(answer.status, 422, answer.message);
            assert.equal(answer.message, denial(pv.metadata.name, `${message}`));
            assert.equal(await admin.find(`${PVS}/${pv.metadata.name}`), undefined);
        }
        // The one PV of the lot that breaks no rule is admitted: each refusal above is its one change.
        const control = drillPv("e2e7", fresh);
        assert.equal((await write(runner.client, "POST", `${PVS}?dryRun=All`, control)).status, 201);
    });
});
