/**
 * `npm run bench [-- --sizes 10,100,1000]`: offline render cost of the real program against the
 * SDK's floor (the same number of trivial resources under the same mocks). Each sample runs in a
 * child process of its own, one at a time, so its time and peak RSS are its own. Prints figures;
 * never part of `npm test`. See docs/offline-tools.md for how to read the table.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { YAMLMap, YAMLSeq, parseDocument } from "yaml";
import { parseStackFile, stackFilePath } from "../inventory";
import { requestFromStackFile } from "../render";
import { BenchSample } from "../render/benchChild";
import { PROJECT_DIR } from "../render/inProcess";
import { RenderRequest } from "../render/types";

/** Why each resource exists per database; printed next to the measured per-database count. */
const WHY: Readonly<Record<string, string>> = {
    "questdb-cloud:index:QuestDbDeployment": "component: groups the database's parts (one URN per tenant)",
    "aws:ebs/volume:Volume": "the data itself; owned by us so it outlives pods, nodes and the StatefulSet",
    "aws:ec2/launchTemplate:LaunchTemplate": "IMDSv2 + encrypted root disk + tags for the dedicated node",
    "aws:eks/nodeGroup:NodeGroup": "dedicated single node pinned to the volume's AZ (tenant isolation)",
    "aws:route53/record:Record": "the database's DNS name <id>.<dnsSuffix>",
    "kubernetes:core/v1:Namespace": "tenant boundary for RBAC, quota, network policy, pod security",
    "kubernetes:core/v1:PersistentVolume": "binds the EBS volume we own (volumeClaimTemplates are immutable)",
    "kubernetes:core/v1:PersistentVolumeClaim": "the pod's claim on exactly that PV",
    "kubernetes:core/v1:ConfigMap": "server.conf",
    "kubernetes:core/v1:Secret": "HTTP and PG credentials",
    "kubernetes:core/v1:Service": "stable in-cluster address for ingress and monitoring",
    "kubernetes:apps/v1:StatefulSet": "the single QuestDB pod",
    "kubernetes:networking.k8s.io/v1:Ingress": "TLS endpoint through the shared ingress controller",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": "only ingress and monitoring may reach the pod",
    "kubernetes:core/v1:ResourceQuota": "caps what a tenant namespace may consume",
    "kubernetes:core/v1:LimitRange": "defaults for any container without limits in the tenant namespace",
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": "Prometheus scrapes the database's metrics",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule": "per-database alerts (disk full, down)",
};

/** A valid stack of `count` databases: prod's region block, databases spread over its AZs. */
export function benchStack(count: number): RenderRequest {
    const prod = stackFilePath(PROJECT_DIR, "prod");
    const doc = parseDocument(fs.readFileSync(prod, "utf8"));
    const azs = Object.keys((doc.getIn(["config", "questdb-cloud:region", "subnets"]) as YAMLMap).toJSON());
    doc.setIn(["config", "questdb-cloud:region", "maxDatabases"], count);
    const databases = Array.from({ length: count }, (_, i) => ({
        id: `bench-${String(i).padStart(5, "0")}`,
        availabilityZone: azs[i % azs.length],
        ...(i % 3 === 1 ? { volume: { sizeGiB: 200 + i } } : {}),
    }));
    doc.setIn(["config", "questdb-cloud:databases"], doc.createNode(databases) as YAMLSeq);
    return requestFromStackFile(parseStackFile(doc.toString(), `bench/Pulumi.bench-${count}.yaml`, `bench-${count}`), false);
}

function sample(program: "real" | "floor", request: RenderRequest): BenchSample | string {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "render", "benchChild.ts")], {
        cwd: PROJECT_DIR, input: JSON.stringify({ program, request }), encoding: "utf8", maxBuffer: 64 << 20,
    });
    if (run.status !== 0) {
        const lines = run.stderr.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("npm warn"));
        return (lines.slice(0, 3).join(" ") || `exit ${run.status}`).slice(0, 300);
    }
    return JSON.parse(run.stdout.trim().split("\n").pop() as string) as BenchSample;
}

const floorRequest = (resources: number): RenderRequest =>
    ({ stack: "floor", config: { "bench:resources": String(resources) }, secretKeys: [], preview: false });

const mb = (kib: number) => `${(kib / 1024).toFixed(0)} MB`;
const cell = (s: string | number, w: number) => String(s).padStart(w);

function row(count: number): { line: string; real?: BenchSample } {
    const real = sample("real", benchStack(count));
    if (typeof real === "string") {
        return { line: `${cell(count, 6)}  rejected by validation: ${real}` };
    }
    const floor = sample("floor", floorRequest(real.resources));
    if (typeof floor === "string") {
        return { line: `${cell(count, 6)}  floor failed: ${floor}`, real };
    }
    const perRes = (s: BenchSample) => s.ms / s.resources;
    return {
        real,
        line: [cell(count, 6), cell(real.resources, 9), cell((real.resources / count).toFixed(1), 7),
            cell(`${(real.ms / 1000).toFixed(1)} s`, 8), cell(mb(real.maxRssKiB), 8),
            cell(`${(floor.ms / 1000).toFixed(1)} s`, 8), cell(mb(floor.maxRssKiB), 8),
            cell(`${(perRes(real) / perRes(floor)).toFixed(1)}x`, 7),
            cell(`${((real.maxRssKiB - floor.maxRssKiB) / real.resources).toFixed(0)} KiB`, 10)].join("  "),
    };
}

function main(): void {
    const { values } = parseArgs({ options: { sizes: { type: "string", default: "10,100,1000" } } });
    const sizes = values.sizes.split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0);
    console.log("databases  resources  per-db  real time  real RSS  floor time  floor RSS  ms/res vs floor  extra RSS/res");
    let perDatabase: BenchSample | undefined;
    for (const count of sizes) {
        const { line, real } = row(count);
        console.log(line);
        perDatabase ??= real;
    }
    if (perDatabase) {
        const total = Object.values(perDatabase.perType).reduce((a, b) => a + b, 0);
        console.log(`\nResources of one database (${total}; the rest of "per-db" is region-wide), and why each exists:`);
        for (const [type, n] of Object.entries(perDatabase.perType).sort()) {
            console.log(`  ${String(n).padStart(2)}  ${type.padEnd(52)} ${WHY[type] ?? "(not yet justified: add it to WHY in tools/bench.ts)"}`);
        }
    }
}

if (require.main === module) {
    main();
}
