/**
 * Issue 25.1-3 under the real engine: `pulumi up` SIGKILLed, CLI and plugins, as a cancelled CI
 * job does, at kill points taken from the engine's own events, during a create of two databases
 * (after AWS made their volumes but before the answer arrived, so an orphan is possible) and
 * during a growth, a version upgrade, a pause and an `up --plan`; then the runbook's recovery
 * ("When a deployment was interrupted"), run as printed with the built CLI. Also: the API server
 * and etcd stopped in the middle of an `up`, and a second `up` while one runs. After each: the stack
 * converges, a preview shows no changes, nothing the program names exists outside the state, and
 * no volume, PV or claim was replaced. The fake AWS plugin runs in its fault mode: fresh ids on
 * every create, as AWS's are.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { FaultMode, faultModeEntry, readWorld, writeWorld } from "../fakeaws/provider";
import { formatFaultsSummary } from "../faults/summary";
import { awaitReported, stepStarted, until } from "./interrupt";
import { awsFindings, awsOrphans, deploymentOf, kubernetesOrphans, pendingCreatesTool, pendingOperations, printedPulumiCommands, runPrinted, volumesTagged, worldOf } from "./recovery";
import { absorbMonitorTermination } from "./rejections";
import { EngineStack, KilledRun } from "./stack";
import { assertNoChanges } from "./steps";
import { Tier, devStackYaml, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());
const IDS = ["echo", "foxtrot"] as const;
// echo starts on an older release than the one its upgrades go to (a downgrade across a major is refused).
const BASE = [{ id: "echo", availabilityZone: ZONE_A, questdbVersion: "9.0.3" }, { id: "foxtrot", availabilityZone: ZONE_B }];

describe("an interrupted up, a lost API server and two ups at once (issue 25.1-3)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let stack: EngineStack;
    let pulumiBin: string;
    const figures = { interrupted: 0, converged: 0, orphansFound: 0, orphansLeft: 0 };
    /** Every recovery command run, in order, for the figures. */
    const recoverySteps = new Set<string>();
    const k = () => tier.cluster.client;
    const sts = (id: string) => k().get(`/apis/apps/v1/namespaces/qdb-${id}/statefulsets/questdb`);

    function setFaultMode(mode: FaultMode): void {
        writeWorld(stack.worldFile, { ...readWorld(stack.worldFile), ...Object.fromEntries([faultModeEntry(mode)]) });
    }

    /** The data's identity per database: the one EBS volume tagged for it, its PV's and claim's uids. */
    async function dataIdentity(): Promise<Record<string, readonly string[]>> {
        const entries = await Promise.all(IDS.map(async (id) => [id, [
            ...volumesTagged(worldOf(stack), stack.stackName, id),
            (await k().get(`/api/v1/persistentvolumes/qdb-${id}-data`)).metadata.uid as string,
            (await k().get(`/api/v1/namespaces/qdb-${id}/persistentvolumeclaims/questdb-data`)).metadata.uid as string,
        ]] as const));
        return Object.fromEntries(entries);
    }

    /**
     * The runbook's recovery: release the killed CLI's lock, export the state, decide each AWS
     * pending create by what AWS holds with its tags (import it, or absent), load the edited state,
     * refresh, then `up` (CI's rerun) and a preview that must show nothing.
     */
    async function recover(killed: KilledRun, rerun: () => Promise<unknown> = () => stack.up(), checkCliImport = false): Promise<void> {
        figures.interrupted += 1;
        const lockRefused = await stack.up().then(() => "", (err: Error) => err.message);
        assert.match(lockRefused, /currently locked by 1 lock/, `after "${killed.point}", the next up is refused by the killed CLI's lock`);
        const stateFile = path.join(stack.workDir, "state.json");
        for (const command of [`pulumi cancel --yes --stack ${stack.stackName}`, `pulumi stack export --stack ${stack.stackName} --file ${stateFile}`]) {
            runPrinted(stack, pulumiBin, command);
            recoverySteps.add(command.replace(stateFile, "state.json"));
        }
        if (checkCliImport) {
            assertCliImportRecordsNothing(stateFile);
        }
        const listed = pendingCreatesTool(["--stack", stack.stackName, "--state", stateFile]);
        // Decided from the exported state, as the operator does (the live one may have moved on).
        const findings = awsFindings(worldOf(stack), (JSON.parse(fs.readFileSync(stateFile, "utf8")) as { deployment: Parameters<typeof awsFindings>[1] }).deployment);
        figures.orphansFound += findings.filter((f) => f === "--import").length;
        const resolved = pendingCreatesTool(["--stack", stack.stackName, "--state", stateFile, ...findings, "--out", `${stateFile}.resolved.json`]);
        assert.equal(listed.code, findings.length > 0 ? 1 : 0, listed.err);
        assert.equal(resolved.code, 0, resolved.err);
        recoverySteps.add(findings.length > 0 ? "npx tsx tools/pendingCreates.ts --stack dev --state state.json [--import '<urn>=<id>' | --absent '<urn>']..." : "npx tsx tools/pendingCreates.ts --stack dev --state state.json");
        for (const command of printedPulumiCommands(`${resolved.out}${resolved.err}`)) {
            runPrinted(stack, pulumiBin, command);
            recoverySteps.add(command.replace(stateFile, "state.json"));
        }
        assert.deepEqual(pendingOperations(stack), [], "the recovery left no pending operation");
        await rerun();
        await assertConverged(`after "${killed.point}"`);
        figures.converged += 1;
    }

    /**
     * Why the runbook edits the state: the CLI's own `--import-pending-creates` drops the pending
     * create and records no resource (docs/decisions.md). Tried on one volume; the resolution then
     * starts from the state exported before it. When a CLI upgrade makes this fail, the CLI's flag
     * works: revisit.
     */
    function assertCliImportRecordsNothing(stateFile: string): void {
        const [volume] = pendingOperations(stack).filter((p) => p.type === "creating" && p.resourceType === "aws:ebs/volume:Volume");
        const database = IDS.find((id) => volume.urn.endsWith(`::${id}-volume`)) as string;
        const [id] = volumesTagged(worldOf(stack), stack.stackName, database);
        runPrinted(stack, pulumiBin, `pulumi refresh --yes --stack ${stack.stackName} --import-pending-creates '${volume.urn}' --import-pending-creates ${id}`);
        assert.ok(!(deploymentOf(stack).resources ?? []).some((r) => r.urn === volume.urn), "--import-pending-creates recorded no resource");
        assert.ok(!pendingOperations(stack).some((p) => p.urn === volume.urn), "and dropped the pending create");
    }

    async function assertConverged(what: string): Promise<void> {
        assertNoChanges(await stack.preview(), what);
        const deployment = deploymentOf(stack);
        const orphans = [...awsOrphans(worldOf(stack), deployment), ...await kubernetesOrphans(k(), deployment, IDS.map((id) => `qdb-${id}`))];
        figures.orphansLeft += orphans.length;
        assert.deepEqual(orphans, [], `${what}: nothing the program names exists outside the state`);
        for (const id of IDS) {
            assert.equal((await sts(id)).status.readyReplicas ?? 0, (await sts(id)).spec.replicas, `${what}: ${id}'s StatefulSet is settled`);
        }
    }

    /** An edit killed in its await with the fake kubelet stopped (the await cannot end), recovered, and checked. */
    async function killedEdit(databases: unknown[], name: string, awaited: string, reached: () => Promise<boolean>, plan?: string): Promise<void> {
        const data = await dataIdentity();
        if (!plan) {
            stack.setDatabases(databases);
        }
        tier.kubelet.stop();
        let killed: KilledRun;
        try {
            killed = await stack.upKilledAt({ name, at: awaitReported(awaited), then: () => until(name, reached) }, plan ? { plan } : {});
        } finally {
            await tier.kubelet.start();
        }
        assert.ok(killed.steps.some((s) => s.name === awaited), `${name}: the engine had started ${awaited}`);
        await recover(killed, plan ? () => stack.upWithPlan(plan) : undefined);
        assert.deepEqual(await dataIdentity(), data, `${name}: the same volumes, PVs and claims`);
    }

    before(async () => {
        absorbMonitorTermination();
        tier = await startTier([ZONE_A, ZONE_B]);
        pulumiBin = path.join(tier.components.pulumiRoot, "bin", "pulumi");
        stack = await newStack(tier, "dev", devStackYaml());
    });

    after(async () => {
        const { interrupted, converged, orphansLeft, orphansFound } = figures;
        console.log(formatFaultsSummary({ interruptedUps: interrupted, converged, orphans: orphansLeft }));
        console.log(`[e2e] interrupted ups: ${interrupted} kill points tried, ${converged} converged, ${orphansFound} orphans found and imported; recovery: ${[...recoverySteps].join(" ; ")}`);
        await tier?.stop();
    });

    it("a create killed after AWS made the volumes, before it answered: the volumes are found by their tags and imported, none twice", async () => {
        setFaultMode({ freshIds: true, hangAfterCreate: ["aws:ebs/volume:Volume"] });
        stack.setDatabases(BASE);
        const volumesMade = () => IDS.every((id) => volumesTagged(worldOf(stack), stack.stackName, id).length === 1);
        const killed = await stack.upKilledAt({ name: "create: volumes made, answers lost", at: stepStarted("echo-volume", "create"), then: () => until("both volumes in AWS", volumesMade) });
        setFaultMode({ freshIds: true });
        const pending = pendingOperations(stack).filter((p) => p.resourceType === "aws:ebs/volume:Volume");
        assert.equal(pending.length, 2, "the checkpoint holds both volumes as pending creates");
        // CI's rerun of the create is killed too, later: in the await of a StatefulSet it created.
        const rerunKilled = async () => {
            tier.kubelet.stop();
            let again: KilledRun;
            try {
                again = await stack.upKilledAt({ name: "create: StatefulSet await", at: awaitReported("echo-questdb"), then: () => until("echo's StatefulSet exists", async () => (await k().find("/apis/apps/v1/namespaces/qdb-echo/statefulsets/questdb")) !== undefined) });
            } finally {
                await tier.kubelet.start();
            }
            await recover(again);
        };
        await recover(killed, rerunKilled, true);
        for (const id of IDS) {
            assert.equal(volumesTagged(worldOf(stack), stack.stackName, id).length, 1, `one volume for ${id}: the imported one`);
        }
    });

    it("a volume growth killed in the claim's resize await converges to the grown claim, the same volume", async () => {
        const grown = [{ ...BASE[0], volume: { sizeGiB: 40 } }, BASE[1]];
        const requested = async () => (await k().get("/api/v1/namespaces/qdb-echo/persistentvolumeclaims/questdb-data")).spec.resources.requests.storage === "40Gi";
        await killedEdit(grown, "growth: claim resize await", "echo-pvc", requested);
        const claim = await k().get("/api/v1/namespaces/qdb-echo/persistentvolumeclaims/questdb-data");
        assert.equal(claim.status.capacity.storage, "40Gi");
    });

    it("a version upgrade killed in the StatefulSet's rollout await converges to the new version", async () => {
        const upgraded = [{ ...BASE[0], volume: { sizeGiB: 40 }, questdbVersion: "9.3.4" }, BASE[1]];
        const image = async () => (await sts("echo")).spec.template.spec.containers[0].image === "questdb/questdb:9.3.4";
        await killedEdit(upgraded, "version: rollout await", "echo-questdb", image);
        assert.equal((await sts("echo")).spec.template.spec.containers[0].image, "questdb/questdb:9.3.4");
    });

    it("a pause killed while its pod terminates converges to a paused database", async () => {
        const paused = [{ ...BASE[0], volume: { sizeGiB: 40 }, questdbVersion: "9.3.4" }, { ...BASE[1], state: "paused" }];
        await killedEdit(paused, "pause: scale-down await", "foxtrot-questdb", async () => (await sts("foxtrot")).spec.replicas === 0);
        assert.equal((await sts("foxtrot")).spec.replicas, 0);
    });

    it("an up --plan killed in its rollout await: after the recovery the same plan applies", async () => {
        const edited = [{ ...BASE[0], volume: { sizeGiB: 40 }, questdbVersion: "9.3.4", serverConf: { "query.timeout.sec": "90" } }, { ...BASE[1], state: "paused" }];
        stack.setDatabases(edited);
        const plan = path.join(stack.workDir, "reviewed.plan.json");
        await stack.stack.preview({ plan, color: "never" });
        const generation = (await sts("echo")).metadata.generation as number;
        await killedEdit(edited, "up --plan: rollout await", "echo-questdb", async () => (await sts("echo")).metadata.generation > generation, plan);
        const config = await k().get("/api/v1/namespaces/qdb-echo/configmaps/questdb-config");
        assert.match(config.data["server.conf"], /query\.timeout\.sec=90/);
    });

    it("a second up while one runs is refused by the lock and changes nothing; the first completes", async () => {
        const resumed = [{ ...BASE[0], volume: { sizeGiB: 40 }, questdbVersion: "9.3.4", serverConf: { "query.timeout.sec": "90" } }, BASE[1]];
        stack.setDatabases(resumed);
        tier.kubelet.stop();
        const first = stack.up();
        try {
            await until("the first up scaled foxtrot up", async () => (await sts("foxtrot")).spec.replicas === 1);
            const worldBefore = JSON.stringify(worldOf(stack));
            const second = await stack.up().then(() => "", (err: Error) => err.message);
            assert.match(second, /currently locked by 1 lock/, "the second up is refused by the first's lock");
            assert.equal(JSON.stringify(worldOf(stack)), worldBefore, "the refused up changed nothing in AWS");
        } finally {
            await tier.kubelet.start();
        }
        await first;
        await assertConverged("after the first up");
    });

    it("the API server and etcd stop in the middle of an up: the up fails or recovers; the next up converges", async () => {
        const data = await dataIdentity();
        const edited = [{ ...BASE[0], volume: { sizeGiB: 40 }, questdbVersion: "9.3.4", serverConf: { "query.timeout.sec": "120" } }, BASE[1]];
        stack.setDatabases(edited);
        let outage: Promise<void> | undefined;
        const onEvent = (e: Parameters<ReturnType<typeof stepStarted>>[0]) => {
            if (!outage && stepStarted("echo-questdb", "update")(e)) {
                outage = tier.cluster.outage(15_000);
            }
        };
        const first = await stack.stack.up({ onEvent, color: "never" }).then(() => "recovered", (err: Error) => `failed: ${err.message.slice(0, 300)}`);
        assert.ok(outage, "the outage began while the StatefulSet's update ran");
        await outage;
        console.log(`[e2e] up during a 15 s control-plane outage: ${first}`);
        await stack.up();
        await assertConverged("after the outage");
        assert.deepEqual(await dataIdentity(), data, "the same volumes, PVs and claims");
    });
});
