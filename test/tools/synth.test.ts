import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import { parse } from "yaml";
import { hasOfflineSchema, validateManifest } from "../../render/manifests";
import { PROJECT_DIR, shippedStackFile, shippedStacks } from "../support/stacks";
import { ToolRun, runTool, toolArgs } from "./run";

interface JsonResource {
    type: string; name: string; parent: string | null; inputs: Record<string, unknown>;
    options: Record<string, unknown>;
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-test-"));
const runs = new Map<string, { tree: ToolRun; json: ToolRun }>();

before(async () => {
    await Promise.all(shippedStacks().map(async (stack) => {
        const [tree, json] = await Promise.all([
            runTool("synth", ["--stack", stack, "--out", path.join(tmp, stack, "tree")]),
            runTool("synth", ["--stack", stack, "--json", "--out", path.join(tmp, stack, "json")]),
        ]);
        runs.set(stack, { tree, json });
    }));
});

const idsOf = (stack: string) => (shippedStackFile(stack).raw.databases as { id: string; availabilityZone: string }[]);
const resourcesOf = (stack: string) => (JSON.parse(runs.get(stack)!.json.stdout) as { resources: JsonResource[] }).resources;

test("the tree shows every database of every shipped stack with its AZ", () => {
    for (const stack of shippedStacks()) {
        const { code, stdout, stderr } = runs.get(stack)!.tree;
        assert.equal(code, 0, stderr);
        const dbs = idsOf(stack);
        // Region components (restore drills, fleet monitoring) are listed, but never counted as databases.
        assert.match(stdout, new RegExp(`^stack ${stack}: ${dbs.length} database\\(s\\), \\d+ resources$`, "m"));
        assert.match(stdout, /─ questdb-drills {2}\(region, RestoreDrills\)/);
        for (const db of dbs) {
            assert.match(stdout, new RegExp(`─ ${db.id}  az=${db.availabilityZone}  instance=\\S+  size=\\d+GiB  version=\\S+`), `${stack}: ${db.id}`);
        }
    }
});

test("every Kubernetes object of every shipped stack is written as YAML and validates", () => {
    for (const stack of shippedStacks()) {
        const objects = resourcesOf(stack).filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(objects.length >= idsOf(stack).length * 5, `${stack}: too few objects (${objects.length})`);
        for (const r of objects) {
            const kind = String(r.inputs.kind);
            const file = path.join(tmp, stack, "json", r.parent ?? "_region", `${kind}-${r.name}.yaml`);
            const written = parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
            assert.deepEqual(written.metadata, r.inputs.metadata, file);
            // Every kind the program renders has an offline schema, custom resources included.
            assert.ok(hasOfflineSchema(written), `${file}: no offline schema; register its API group in CRD_SCHEMA_PACKAGES`);
            assert.deepEqual(validateManifest(written), [], file);
        }
    }
});

test("synth warns of no object without an offline schema", () => {
    for (const stack of shippedStacks()) {
        for (const run of Object.values(runs.get(stack)!)) {
            assert.doesNotMatch(`${run.stdout}${run.stderr}`, /no offline schema/, stack);
        }
    }
});

test("a custom resource that breaks its CRD's schema fails validation, naming the field", () => {
    const monitor = resourcesOf("dev").find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")!;
    assert.deepEqual(validateManifest(monitor.inputs), []);
    const spec = monitor.inputs.spec as { endpoints: Record<string, unknown>[] };
    const broken = { ...monitor.inputs, spec: { ...spec, endpoints: [{ ...spec.endpoints[0], scheme: "gopher" }] } };
    assert.deepEqual(validateManifest(broken), ["/spec/endpoints/0/scheme must be equal to one of the allowed values"]);
    const rule = resourcesOf("dev").find((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")!;
    assert.deepEqual(validateManifest(rule.inputs), []);
    assert.equal(validateManifest({ ...rule.inputs, spec: { groups: [{ rules: [] }] } }).length, 1, "a group without a name");
});

test("synth validates the Gateway API, Traefik and cert-manager objects: no 'no offline schema' warning for them", () => {
    for (const stack of shippedStacks()) {
        const { stderr, stdout } = runs.get(stack)!.tree;
        const warnings = `${stdout}\n${stderr}`.split("\n").filter((l) => /no offline schema/.test(l));
        assert.deepEqual(warnings.filter((l) => /gateway\.networking\.k8s\.io|traefik\.io|cert-manager\.io/.test(l)), [], stack);
        assert.ok(resourcesOf(stack).some((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"), `${stack} renders HTTPRoutes`);
    }
    const route = resourcesOf("dev").find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")!;
    const spec = route.inputs.spec as { rules: Record<string, unknown>[] };
    const broken = { ...route.inputs, spec: { ...spec, rules: [{ ...spec.rules[0], timeouts: { request: "ten minutes" } }] } };
    assert.match(validateManifest(broken).join("\n"), /\/spec\/rules\/0\/timeouts\/request must match pattern/);
    const tcp = resourcesOf("dev").find((r) => r.type === "kubernetes:traefik.io/v1alpha1:IngressRouteTCP")!;
    assert.match(validateManifest({ ...tcp.inputs, spec: { ...(tcp.inputs.spec as object), routes: "all" } }).join("\n"), /\/spec\/routes must be array/);
});

test("an object with a wrong-typed field fails validation, naming the field", () => {
    const statefulSet = resourcesOf("dev").find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
    assert.deepEqual(validateManifest(statefulSet.inputs), []);
    const spec = statefulSet.inputs.spec as Record<string, unknown>;
    const broken = { ...statefulSet.inputs, spec: { ...spec, replicas: "one" } };
    assert.deepEqual(validateManifest(broken), ["/spec/replicas must be integer"]);
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { "server.conf": 5 } };
    assert.equal(validateManifest(configMap).length, 1);
});

test("--json lists options (the volume is protected) and masks secrets", () => {
    const { code, stdout } = runs.get("dev")!.json;
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as { stack: string; resources: JsonResource[]; outputs: unknown };
    assert.equal(doc.stack, "dev");
    const volume = doc.resources.find((r) => r.type === "aws:ebs/volume:Volume")!;
    assert.equal(volume.options.protect, true);
    assert.deepEqual(Object.keys(volume.options).sort(),
        ["deleteBeforeReplace", "dependsOn", "ignoreChanges", "import", "protect", "replaceOnChanges", "retainOnDelete"]);
    const secret = doc.resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    assert.equal(secret.inputs.stringData ?? secret.inputs.data, "[secret]");
    assert.ok(!stdout.includes("offline-placeholder-secret"), "a secret value leaked into --json");
});

test("a config error exits 2 with the validation message and writes nothing", async () => {
    const text = fs.readFileSync(shippedStackFile("dev").path, "utf8").replace("availabilityZone: eu-west-1b", "availabilityZone: eu-west-9z");
    const file = path.join(tmp, "Pulumi.broken.yaml");
    fs.writeFileSync(file, text);
    const out = path.join(tmp, "broken-out");
    const run = await runTool("synth", ["--config-file", file, "--out", out]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /eu-west-9z/);
    assert.doesNotMatch(run.stderr, /usage:/, "issue 17.9: a config error is not a usage error");
    assert.equal(run.stdout, "");
    assert.equal(fs.existsSync(out), false);
    const usage = await runTool("synth", ["--json"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /name a stack.*\nusage: npm run synth/);
});

test("--json reaches a slow reader whole: the tool waits for its output to drain before it exits", async () => {
    // A reader that takes nothing until the tool has said it is done: everything beyond the pipe's
    // buffer (64 KiB) is still queued in the tool then, and must not be dropped when it ends.
    const child = spawn(process.execPath, toolArgs("synth", ["--stack", "prod", "--json", "--out", path.join(tmp, "slow-reader")]),
        { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stdout.pause();
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (/all valid/.test(stderr)) {
            setTimeout(() => child.stdout.resume(), 500);
        }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    const text = Buffer.concat(chunks).toString();
    assert.ok(text.length > 256 * 1024, `expected prod's JSON to exceed the pipe buffer, got ${text.length} bytes`);
    assert.equal((JSON.parse(text) as { stack: string }).stack, "prod");
});
