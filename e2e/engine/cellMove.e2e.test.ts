/**
 * Issue 23.3: a database moves between two cells of one cluster without touching the cloud. Two
 * stacks of the real program on one backend and one API server, the owner `dev` (alpha, beta)
 * and the cell `cell` (gamma); `qdb move alpha --from dev --to cell` edits both files, and the
 * `pulumi state move` it prints runs as printed with the built CLI. Then neither stack creates,
 * deletes or replaces anything: the source shows no change at all, the destination only the
 * in-place updates impact predicted, and after its `up` both previews are clean. The volume, the
 * PV, the claim and the StatefulSet are the same objects throughout.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE, StackFile, derivedNames } from "../../inventory";
import { computeImpact } from "../../tools/impact/report";
import { shellWords } from "../../test/qdb/shellWords";
import { spawnQdb } from "../../test/qdb/spawn";
import { readWorld } from "../fakeaws/provider";
import { absorbMonitorTermination } from "./rejections";
import { EngineStack } from "./stack";
import { assertNoChanges, assertStepsMatchImpact, engineActions } from "./steps";
import { Tier, devStackYaml, dnsSuffixOf, newStack, startTier, zonesOf } from "./tier";

const [ZONE_A, ZONE_B] = zonesOf(devStackYaml());
const OWNER = "dev";
const CELL = "cell";
const MOVED = "alpha";
const names = derivedNames(MOVED, dnsSuffixOf(devStackYaml()));

/** The dev stack file on a cluster whose shared objects `owner` owns. */
function onSharedCluster(owner: string): string {
    const doc = parseDocument(devStackYaml());
    doc.setIn(["config", `${CONFIG_NAMESPACE}:region`, "sharedClusterOwner"], owner);
    return doc.toString();
}

describe("a database moves between two cells of one cluster by `qdb move` and `pulumi state move` (issue 23.3)", { timeout: 30 * 60_000 }, () => {
    let tier: Tier;
    let owner: EngineStack;
    let cell: EngineStack;
    let withCli: NodeJS.ProcessEnv;
    /** The identities that must not change: the EBS volume and the Kubernetes objects holding its data. */
    let identity: Record<string, string>;

    async function identityNow(): Promise<Record<string, string>> {
        const k = tier.cluster.client;
        const volumes = Object.entries(readWorld(owner.worldFile)).filter(([, e]) => e.type === "aws:ebs/volume:Volume" && (e.inputs.tags as Record<string, string>).Name === names.volumeName);
        assert.equal(volumes.length, 1, "one data volume of alpha in the account");
        const pv = await k.get(`/api/v1/persistentvolumes/${names.persistentVolume}`);
        const claim = await k.get(`/api/v1/namespaces/${names.namespace}/persistentvolumeclaims/questdb-data`);
        const statefulSet = await k.get(`/apis/apps/v1/namespaces/${names.namespace}/statefulsets/questdb`);
        assert.equal(pv.status.phase, "Bound");
        return { volume: volumes[0][0], handle: pv.spec.csi.volumeHandle, pv: pv.metadata.uid, claim: claim.metadata.uid, statefulSet: statefulSet.metadata.uid, generation: String(statefulSet.metadata.generation) };
    }

    /** A printed command, through bash in the project directory, as an operator's shell runs it. */
    function runPrinted(command: string): { code: number | null; out: string; err: string } {
        const words = shellWords(command);
        if (words[0] === "npx" && words[1] === "qdb") {
            return spawnQdb(owner.workDir, words.slice(2), withCli);
        }
        const r = spawnSync("bash", ["-c", command], { cwd: owner.workDir, env: { ...process.env, ...withCli }, encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 ** 2 });
        return { code: r.status, out: r.stdout, err: r.stderr };
    }

    before(async () => {
        absorbMonitorTermination();
        const started = Date.now();
        tier = await startTier([ZONE_A, ZONE_B]);
        owner = await newStack(tier, OWNER, onSharedCluster(OWNER));
        owner.setDatabases([{ id: MOVED, availabilityZone: ZONE_A }, { id: "beta", availabilityZone: ZONE_B }]);
        await owner.up();
        cell = await EngineStack.create(tier.components, tier.cluster, CELL, onSharedCluster(OWNER), owner);
        cell.setDatabases([{ id: "gamma", availabilityZone: ZONE_B }]);
        await cell.up();
        withCli = { ...owner.env, PATH: `${path.join(tier.components.pulumiRoot, "bin")}:${owner.env.PATH}` };
        identity = await identityNow();
        console.log(`[e2e] two cells deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    after(async () => {
        await tier?.stop();
    });

    let printed: string;
    let files: { owner: StackFile; cell: StackFile };

    it("qdb move edits both files and prints the state move, its checks and its way back", () => {
        files = { owner: owner.stackFile(), cell: cell.stackFile() };
        const moved = spawnQdb(owner.workDir, ["move", MOVED, "--from", OWNER, "--to", CELL, "--no-impact"], withCli);
        assert.equal(moved.code, 0, moved.err);
        printed = moved.out;
        const ownerEntries = owner.stackFile().raw.databases as Record<string, unknown>[];
        assert.deepEqual(ownerEntries.find((d) => d.id === MOVED), { id: MOVED, movedTo: CELL });
        assert.deepEqual((cell.stackFile().raw.databases as Record<string, unknown>[]).find((d) => d.id === MOVED),
            { id: MOVED, availabilityZone: ZONE_A, originStack: OWNER });
        const commands = printed.split("\n").map((l) => l.trim()).filter((l) => /^(pulumi|npx qdb) /.test(l));
        assert.deepEqual(commands.map((c) => shellWords(c).slice(0, 3).join(" ")), ["pulumi state move", "pulumi preview --stack", "pulumi preview --stack", "pulumi state move", "npx qdb move"]);
    });

    it("before the state move, the source's preview fails on the protected volume instead of deleting the database", async () => {
        await assert.rejects(owner.preview(), (e: Error) => {
            console.log(`[e2e] dev's preview before the state move: ${e.message.split("\n").filter((l) => /protect/i.test(l)).slice(0, 2).join(" | ")}`);
            return /protect/i.test(e.message);
        }, "a preview that would delete alpha's volume fails");
    });

    it("the printed `pulumi state move` runs as printed and moves every resource of alpha", () => {
        const command = printed.split("\n").map((l) => l.trim()).find((l) => l.startsWith("pulumi state move --source dev"));
        assert.ok(command, printed);
        const result = runPrinted(command);
        assert.equal(result.code, 0, `${result.out}\n${result.err}`);
        const urns = shellWords(command).filter((w) => w.startsWith("urn:"));
        const listed = JSON.parse(runPrinted(`pulumi stack export --stack ${CELL}`).out) as { deployment: { resources: { urn: string }[] } };
        const inCell = new Set(listed.deployment.resources.map((r) => r.urn));
        assert.deepEqual(urns.filter((u) => !inCell.has(u.replace("urn:pulumi:dev::", "urn:pulumi:cell::"))), [], "each moved URN is in the cell's state");
        const left = JSON.parse(runPrinted(`pulumi stack export --stack ${OWNER}`).out) as { deployment: { resources: { urn: string }[] } };
        assert.deepEqual(left.deployment.resources.map((r) => r.urn).filter((u) => u.includes(`::${MOVED}`)), [], "none of alpha's resources is left in dev's state");
    });

    it("the printed way back runs as printed and undoes the move; the move then runs again", () => {
        const lines = printed.split("\n").map((l) => l.trim());
        const back = lines.find((l) => l.startsWith(`pulumi state move --source ${CELL}`));
        const qdbBack = lines.find((l) => l.startsWith("npx qdb move"));
        assert.ok(back && qdbBack, printed);
        for (const command of [back, qdbBack]) {
            const result = runPrinted(command);
            assert.equal(result.code, 0, `${command}\n${result.out}\n${result.err}`);
        }
        const ownerState = JSON.parse(runPrinted(`pulumi stack export --stack ${OWNER}`).out) as { deployment: { resources: { urn: string }[] } };
        assert.ok(ownerState.deployment.resources.some((r) => r.urn.endsWith(`QuestDbDeployment::${MOVED}`)), "alpha is dev's again");
        assert.deepEqual((owner.stackFile().raw.databases as Record<string, unknown>[]).find((d) => d.id === MOVED), { id: MOVED, availabilityZone: ZONE_A });
        // Again, as the operator would: qdb move, then its state move.
        const again = spawnQdb(owner.workDir, ["move", MOVED, "--from", OWNER, "--to", CELL, "--no-impact"], withCli);
        assert.equal(again.code, 0, again.err);
        const forward = again.out.split("\n").map((l) => l.trim()).find((l) => l.startsWith(`pulumi state move --source ${OWNER}`)) as string;
        const moved = runPrinted(forward);
        assert.equal(moved.code, 0, `${moved.out}\n${moved.err}`);
    });

    it("the source's preview shows no change; the destination's only the in-place updates impact predicted", async () => {
        assertNoChanges(await owner.preview(), "dev after the move");
        const predicted = await computeImpact(files.cell, cell.stackFile());
        assert.equal(predicted.databases.find((d) => d.id === MOVED)?.kind, "moved-in", JSON.stringify(predicted.databases));
        const preview = await cell.preview();
        assertStepsMatchImpact(preview.steps, predicted);
        console.log(`[e2e] cell's preview after the state move: ${engineActions(preview.steps).join(", ")}`);
        // Of alpha's own resources only its alert rules change (they name the stack to act in); in
        // the region, the cell's drill admission now lists alpha's volume. No tag, node or binding changes.
        assert.deepEqual(engineActions(preview.steps), [
            `update kubernetes:core/v1:ConfigMap questdb-drills-tenant-volumes`,
            `update kubernetes:monitoring.coreos.com/v1:PrometheusRule ${MOVED}-alerts`,
        ]);
        const source = await computeImpact(files.owner, owner.stackFile());
        assert.equal(source.databases.find((d) => d.id === MOVED)?.kind, "moved-out");
        assert.equal(source.dataAtRisk, false);
    });

    it("after the destination's up, both previews are clean and the data's volume, PV, claim and StatefulSet are the same objects", async () => {
        const up = await cell.up();
        assert.ok(engineActions(up.steps).every((a) => a.startsWith("update ")), engineActions(up.steps).join(", "));
        assertNoChanges(await cell.preview(), "cell after its up");
        assertNoChanges(await owner.preview(), "dev after the cell's up");
        const outputs = await cell.outputs() as { databases: Record<string, { state: string }> };
        assert.equal(outputs.databases[MOVED].state, "active", "the cell now reports alpha");
        const ownerOutputs = await owner.outputs() as { databases: Record<string, unknown>; retiredIds: string[] };
        assert.ok(!(ownerOutputs.retiredIds ?? []).includes(MOVED), "a moved id is not retired");
        assert.deepEqual(await identityNow(), identity);
    });

    it("the source drops the marker later: validate and its preview accept it once it deployed the marker", async () => {
        await owner.up();
        owner.setDatabases([{ id: "beta", availabilityZone: ZONE_B }]);
        const validated = spawnQdb(owner.workDir, ["validate", "--all"], withCli);
        assert.equal(validated.code, 0, validated.err);
        assertNoChanges(await owner.preview(), "dev without the marker");
    });
});
