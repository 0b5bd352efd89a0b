// `npm run bench` compares the program with two floors. These tests check what each one registers
// (never how long it takes): a floor that registered something else would make the ratios lie.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { QUESTDB_DEPLOYMENT_TYPE } from "../../inventory";
import { requestFromStackFile } from "../../render";
import { BenchJob, BenchSample } from "../../render/benchChild";
import { kubernetesModuleOf, providerClassFor } from "../../render/replay";
import { Render } from "../../render/types";
import { FLOOR_REQUEST, benchStack, runBenchJob } from "../../tools/bench";
import { shippedStackFile } from "../support/stacks";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(job: Omit<BenchJob, "saveRenderTo">, file: string): { sample: BenchSample; render: Render } {
    const saveRenderTo = path.join(tmp, file);
    const sample = runBenchJob({ ...job, saveRenderTo });
    assert.equal(typeof sample, "object", `bench job failed: ${String(sample)}`);
    return { sample: sample as BenchSample, render: JSON.parse(fs.readFileSync(saveRenderTo, "utf8")) as Render };
}

/** What each resource was registered with; in a stable order, since the order of registration follows
 * when inputs resolve, and the replay's plain inputs resolve at once. */
const registrations = (render: Render) => render.resources
    .map((r) => ({ type: r.type, name: r.name, parent: r.parent, custom: r.custom, inputs: r.inputs, options: r.options }))
    .sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));

test("providerClassFor: the provider SDK class of each type token the program registers", () => {
    assert.equal(providerClassFor("aws:ebs/volume:Volume"), aws.ebs.Volume);
    assert.equal(providerClassFor("aws:eks/nodeGroup:NodeGroup"), aws.eks.NodeGroup);
    assert.equal(providerClassFor("aws:dlm/lifecyclePolicy:LifecyclePolicy"), aws.dlm.LifecyclePolicy);
    assert.equal(providerClassFor("kubernetes:core/v1:Namespace"), k8s.core.v1.Namespace);
    assert.equal(providerClassFor("kubernetes:networking.k8s.io/v1:Ingress"), k8s.networking.v1.Ingress);
    assert.equal(providerClassFor("kubernetes:storage.k8s.io/v1:StorageClass"), k8s.storage.v1.StorageClass);
    assert.equal(providerClassFor("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"), k8s.apiextensions.CustomResource);
    assert.equal(providerClassFor("pulumi:providers:kubernetes"), k8s.Provider);
    assert.equal(providerClassFor("pulumi:pulumi:StackReference"), undefined);
    assert.equal(providerClassFor("aws:nosuch/thing:Thing"), undefined);
    assert.equal(kubernetesModuleOf("networking.k8s.io"), "networking");
    assert.equal(kubernetesModuleOf("apps"), "apps");
});

test("the same-resources floor replays exactly what the program registers: types, names, parents, options, inputs", () => {
    // prod has every kind of database (paused, decommissioned, adopted, restored), so every type.
    const real = run({ program: { kind: "real" }, request: requestFromStackFile(shippedStackFile("prod"), false) }, "prod-real.json");
    const replay = run({ program: { kind: "replay", renderFile: path.join(tmp, "prod-real.json") }, request: FLOOR_REQUEST }, "prod-replay.json");
    assert.ok(real.render.resources.length > 100, `prod registered only ${real.render.resources.length} resources`);
    assert.equal(replay.sample.resources, real.sample.resources);
    assert.deepEqual(registrations(replay.render), registrations(real.render));
});

test("the dummy floor registers the requested number of trivial resources and nothing else", () => {
    const { sample, render } = run({ program: { kind: "dummy", resources: 7 }, request: FLOOR_REQUEST }, "dummy.json");
    assert.equal(sample.resources, 7);
    assert.deepEqual(new Set(render.resources.map((r) => r.type)), new Set(["bench:index:Dummy"]));
    assert.deepEqual(render.resources.map((r) => r.inputs), Array(7).fill({ value: "constant", size: 1 }));
});

test("benchStack(n) is a valid stack of n active databases of 33 resources each", () => {
    const { sample, render } = run({ program: { kind: "real" }, request: benchStack(4) }, "bench-4.json");
    const databases = render.resources.filter((r) => r.type === QUESTDB_DEPLOYMENT_TYPE).map((r) => r.name);
    assert.deepEqual(databases, ["bench-00000", "bench-00001", "bench-00002", "bench-00003"]);
    // 25 for the database (prod's region is mid-move to Gateway API: the Ingress and the gateway
    // path's seven objects both), 8 for its backup job (CronJob, script, account, two policies, role, policy, identity).
    assert.equal(Object.values(sample.perType).reduce((a, b) => a + b, 0), 33);
    assert.equal(sample.loadMs >= 0 && sample.ms > 0, true);
});

test("a counting job reports the promises its render created, the same count on every run; a timed job counts none", () => {
    const counting: BenchJob = { program: { kind: "real" }, request: benchStack(2), countPromises: true };
    const [first, second] = [runBenchJob(counting), runBenchJob(counting)] as BenchSample[];
    assert.equal(typeof first.promises, "number", `counting job failed: ${String(first)}`);
    assert.equal(second.promises, first.promises);
    assert.ok((first.promises as number) > 10 * first.resources, `only ${first.promises} promises for ${first.resources} resources`);

    const dummies = (resources: number) => (runBenchJob({ program: { kind: "dummy", resources }, request: FLOOR_REQUEST, countPromises: true }) as BenchSample).promises as number;
    assert.ok(dummies(20) > dummies(5), "more resources must create more promises");

    const timed = runBenchJob({ program: { kind: "dummy", resources: 5 }, request: FLOOR_REQUEST }) as BenchSample;
    assert.equal(timed.promises, undefined);
});
