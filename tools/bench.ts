/**
 * `npm run bench [-- --sizes 10,100,999] [--runs N] [--interactive]`: offline render cost of the
 * real program against two floors under the same mocks: the same resources replayed without our
 * code, and as many trivial resources. Each sample runs in a child process of its own, one at a
 * time, so its time and peak RSS are its own. Then the interactive section (tools/bench/
 * interactive.ts): wall time of impact, qdb and synth as typed, at 10, 30 and 100 databases;
 * `--interactive` runs only that section (`--sizes` then sets its sizes). Prints figures; never
 * part of `npm test`. See docs/offline-tools.md for how to read the tables.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { YAMLMap, YAMLSeq, parseDocument } from "yaml";
import { AWS_QUOTAS, DEFAULT_NODE_PROVISIONER, MAX_DATABASES_LIMIT, NODE_PROVISIONERS, NodeProvisioner, parseStackFile, stackFilePath } from "../inventory";
import { requestFromStackFile } from "../render";
import { BenchJob, BenchSample } from "../render/benchChild";
import { renderChildArgs } from "../render/child";
import { PROJECT_DIR } from "../render/paths";
import { RenderRequest } from "../render/types";
import { measureInteractive } from "./bench/interactive";

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
    "kubernetes:core/v1:ConfigMap": "server.conf; the backup script",
    "kubernetes:core/v1:Secret": "HTTP and PG credentials",
    "kubernetes:core/v1:Service": "stable in-cluster address for ingress and monitoring",
    "kubernetes:apps/v1:StatefulSet": "the single QuestDB pod",
    "kubernetes:networking.k8s.io/v1:Ingress": "legacy HTTPS endpoint through ingress-nginx (regions still moving)",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": "only the endpoint's proxy and monitoring may reach the pod; the backup pod's two openings",
    "kubernetes:cert-manager.io/v1:Certificate": "the database's TLS certificate, renewed by cert-manager",
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": "HTTPS (console, REST, /imp, ILP/HTTP) on the region Gateway",
    "kubernetes:traefik.io/v1alpha1:IngressRouteTCP": "PostgreSQL wire / ILP over TLS by SNI (one per protocol)",
    "kubernetes:traefik.io/v1alpha1:Middleware": "the client allowlist on the HTTP route",
    "kubernetes:traefik.io/v1alpha1:MiddlewareTCP": "the client allowlist on the TCP routes",
    "kubernetes:traefik.io/v1alpha1:TLSOption": "the PostgreSQL route's TLS: ALPN postgresql for libpq 17's direct TLS",
    "kubernetes:core/v1:ResourceQuota": "caps what a tenant namespace may consume",
    "kubernetes:core/v1:LimitRange": "defaults for any container without limits in the tenant namespace",
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": "Prometheus scrapes the database's metrics",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule": "per-database alerts (disk full, down, backups)",
    "kubernetes:batch/v1:CronJob": "consistent scheduled snapshot (checkpoint around the EBS snapshot)",
    "kubernetes:core/v1:ServiceAccount": "the backup job's identity, which Pod Identity maps to its IAM role",
    "aws:iam/role:Role": "the backup job's AWS identity, one per database so it is scoped to one volume",
    "aws:iam/rolePolicy:RolePolicy": "snapshot this volume only; delete only its own scheduled snapshots",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "hands that role to the backup job's ServiceAccount",
    "kubernetes:karpenter.sh/v1:NodePool": "Karpenter path: at most one dedicated node, in the volume's AZ, with the database's taint",
};

/** A valid stack file of `count` databases: prod's region block, databases spread over its AZs, on one node path. */
export function benchStackText(count: number, nodeProvisioner: NodeProvisioner = DEFAULT_NODE_PROVISIONER): string {
    const prod = stackFilePath(PROJECT_DIR, "prod");
    const doc = parseDocument(fs.readFileSync(prod, "utf8"));
    const azs = Object.keys((doc.getIn(["config", "questdb-cloud:region", "subnets"]) as YAMLMap).toJSON());
    doc.setIn(["config", "questdb-cloud:region", "maxDatabases"], count);
    doc.setIn(["config", "questdb-cloud:region", "nodeProvisioner"], nodeProvisioner);
    const databases = Array.from({ length: count }, (_, i) => ({
        id: `bench-${String(i).padStart(5, "0")}`,
        availabilityZone: azs[i % azs.length],
        ...(i % 3 === 1 ? { volume: { sizeGiB: 200 + i } } : {}),
    }));
    doc.setIn(["config", "questdb-cloud:databases"], doc.createNode(databases) as YAMLSeq);
    return doc.toString();
}

/**
 * The render request of benchStackText(count). A region that lists this many databases on node
 * groups has raised its node group quota to match (README, maxDatabases), so the mocks answer that.
 */
export function benchStack(count: number, nodeProvisioner: NodeProvisioner = DEFAULT_NODE_PROVISIONER): RenderRequest {
    const request = requestFromStackFile(parseStackFile(benchStackText(count, nodeProvisioner), `bench/Pulumi.bench-${count}.yaml`, `bench-${count}`), false);
    return { ...request, cluster: { nodeGroupQuota: Math.max(AWS_QUOTAS.managedNodeGroupsPerCluster.value, count) } };
}

/** Runs one job in a child process of its own: a sample, or why it failed. */
export function runBenchJob(job: BenchJob): BenchSample | string {
    const run = spawnSync(process.execPath, renderChildArgs("render/benchChild"), {
        cwd: PROJECT_DIR, input: JSON.stringify(job), encoding: "utf8", maxBuffer: 64 << 20,
    });
    if (run.status !== 0) {
        const lines = run.stderr.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("npm warn"));
        return (lines.slice(0, 3).join(" ") || `exit ${run.status}`).slice(0, 300);
    }
    return JSON.parse(run.stdout.trim().split("\n").pop() as string) as BenchSample;
}

export const FLOOR_REQUEST: RenderRequest = { stack: "floor", config: {}, secretKeys: [], preview: false };

/** One size: the real program, then both floors with exactly as many resources. */
interface Measured {
    readonly count: number;
    /** The median run of each. */
    readonly real: BenchSample;
    readonly replay: BenchSample;
    readonly dummy: BenchSample;
    /** Median over runs of real time / floor time, each run's three jobs taken back to back. */
    readonly vsReplay: number;
    /** Promises created per resource, by the program and by the same-resources floor (one counting run each). */
    readonly promisesPerResource: { readonly real: number; readonly replay: number };
    readonly vsDummy: number;
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const medianRun = (samples: readonly BenchSample[]) =>
    [...samples].sort((a, b) => a.ms - b.ms)[Math.floor((samples.length - 1) / 2)];

/** Promises per resource of one untimed run of `job`: work done, free of this machine's noise. */
function countPromises(job: BenchJob): number | string {
    const counted = runBenchJob({ ...job, saveRenderTo: undefined, countPromises: true });
    if (typeof counted === "string") {
        return counted;
    }
    return counted.promises === undefined ? "the child counted no promises" : counted.promises / counted.resources;
}

/** Small renders are quick and noisier relative to their length: give them more runs. */
function defaultRuns(count: number): number {
    return count <= 100 ? 11 : 5;
}

/**
 * Runs the program and both floors `runs` times, each run's three jobs back to back. This machine's
 * speed drifts by 10-20% over seconds, so a ratio is taken within each run, where the jobs share
 * the same conditions, and the median of those ratios is kept.
 */
function measure(count: number, runs: number, scratch: string): Measured | string {
    const renderFile = path.join(scratch, `render-${count}.json`);
    const jobs: Record<"real" | "replay" | "dummy", BenchJob> = {
        real: { program: { kind: "real" }, request: benchStack(count), saveRenderTo: renderFile },
        replay: { program: { kind: "replay", renderFile }, request: FLOOR_REQUEST },
        dummy: { program: { kind: "dummy", resources: 0 }, request: FLOOR_REQUEST },
    };
    const samples: Record<keyof typeof jobs, BenchSample[]> = { real: [], replay: [], dummy: [] };
    for (let run = 0; run < runs; run++) {
        for (const kind of ["real", "replay", "dummy"] as const) {
            const taken = runBenchJob(jobs[kind]);
            if (typeof taken === "string") {
                return kind === "real" ? `rejected by validation: ${taken}` : `${kind} floor failed: ${taken}`;
            }
            samples[kind].push(taken);
            if (kind === "real") {
                jobs.dummy = { program: { kind: "dummy", resources: taken.resources }, request: FLOOR_REQUEST };
            }
        }
    }
    const [real, replay, dummy] = [medianRun(samples.real), medianRun(samples.replay), medianRun(samples.dummy)];
    if (replay.resources !== real.resources) {
        return `the replay registered ${replay.resources} resources, the program ${real.resources}`;
    }
    const [realWork, replayWork] = [countPromises(jobs.real), countPromises(jobs.replay)];
    if (typeof realWork === "string" || typeof replayWork === "string") {
        return `counting promises failed: ${typeof realWork === "string" ? realWork : replayWork}`;
    }
    const pairedRatio = (floor: readonly BenchSample[]) => median(samples.real.map((r, i) => r.ms / floor[i].ms));
    return {
        count, real, replay, dummy, vsReplay: pairedRatio(samples.replay), vsDummy: pairedRatio(samples.dummy),
        promisesPerResource: { real: realWork, replay: replayWork },
    };
}

const mb = (kib: number) => `${(kib / 1024).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const COLUMNS: readonly [string, (m: Measured) => string][] = [
    ["databases", (m) => String(m.count)],
    ["resources", (m) => String(m.real.resources)],
    ["per-db", (m) => (m.real.resources / m.count).toFixed(1)],
    ["load", (m) => secs(m.real.loadMs)],
    ["real", (m) => secs(m.real.ms)],
    ["real RSS", (m) => mb(m.real.maxRssKiB)],
    ["same-resources floor", (m) => secs(m.replay.ms)],
    ["ours vs floor", (m) => `${m.vsReplay.toFixed(2)}x`],
    ["promises/res (floor)", (m) => `${m.promisesPerResource.real.toFixed(0)} (${m.promisesPerResource.replay.toFixed(0)})`],
    ["work vs floor", (m) => ratio(m.promisesPerResource.real, m.promisesPerResource.replay)],
    ["extra RSS/res", (m) => `${((m.real.maxRssKiB - m.replay.maxRssKiB) / m.real.resources).toFixed(0)} KiB`],
    ["dummy floor", (m) => secs(m.dummy.ms)],
    ["vs dummy", (m) => `${m.vsDummy.toFixed(2)}x`],
];

function table(rows: readonly Measured[]): string[] {
    const cells = [COLUMNS.map(([title]) => title), ...rows.map((m) => COLUMNS.map(([, cell]) => cell(m)))];
    const widths = COLUMNS.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return cells.map((r) => r.map((c, i) => c.padStart(widths[i])).join("  "));
}

/**
 * How time grows from one size to the next against the resource count, and what each added
 * resource costs: the slope, free of the fixed cost of a render (modules, config, cluster lookup).
 */
function growth(rows: readonly Measured[]): string[] {
    return rows.slice(1).map((m, i) => {
        const prev = rows[i];
        const added = m.real.resources - prev.real.resources;
        const times = (pick: (x: Measured) => BenchSample) => ratio(pick(m).ms, pick(prev).ms);
        const slope = (pick: (x: Measured) => BenchSample) => (pick(m).ms - pick(prev).ms) / added;
        return `${prev.count} -> ${m.count} databases: resources ${ratio(m.real.resources, prev.real.resources)}; `
            + `time: real ${times((x) => x.real)}, same-resources floor ${times((x) => x.replay)}, dummy floor ${times((x) => x.dummy)}; `
            + `per added resource: real ${slope((x) => x.real).toFixed(2)} ms, same-resources floor ${slope((x) => x.replay).toFixed(2)} ms `
            + `(${ratio(slope((x) => x.real), slope((x) => x.replay))})`;
    });
}

function justify(perType: Record<string, number>): string[] {
    const total = Object.values(perType).reduce((a, b) => a + b, 0);
    return [`Resources of one database (${total}; the rest of "per-db" is region-wide), and why each exists:`,
        ...Object.entries(perType).sort().map(([type, n]) =>
            `  ${String(n).padStart(2)}  ${type.padEnd(52)} ${WHY[type] ?? "(not yet justified: add it to WHY in tools/bench.ts)"}`)];
}

/** The render section: the program against both floors. False when no size could be measured. */
function renderSection(sizes: readonly number[], runs: (count: number) => number, scratch: string): boolean {
    const rows: Measured[] = [];
    for (const count of sizes) {
        const measured = measure(count, runs(count), scratch);
        if (typeof measured === "string") {
            console.log(`${count} databases: ${measured}`);
        } else {
            rows.push(measured);
            console.error(`measured ${count} databases`);
        }
    }
    if (rows.length > 0) {
        console.log([...table(rows), "", ...growth(rows), "", ...justify(rows[0].real.perType), "", ...perPath(sizes[0])].join("\n"));
    }
    return rows.length > 0;
}

/** Resources per database on each node path (issue 22.10): one untimed render per path, counted, not timed. */
function perPath(count: number): string[] {
    const lines = [`Resources per database by node path (${count} databases; the table above is the managedNodeGroup path):`];
    for (const provisioner of NODE_PROVISIONERS) {
        const sample = runBenchJob({ program: { kind: "real" }, request: benchStack(count, provisioner) });
        if (typeof sample === "string") {
            lines.push(`  ${provisioner}: failed: ${sample}`);
            continue;
        }
        const own = Object.entries(sample.perType).reduce((n, [, k]) => n + k, 0);
        const types = Object.entries(sample.perType).filter(([type]) => /NodeGroup|LaunchTemplate|NodePool/.test(type)).map(([type, n]) => `${n} ${type.split(":").pop()}`);
        lines.push(`  ${provisioner.padEnd(16)} ${own} per database (${types.join(", ")}); ${(sample.resources / count).toFixed(1)} per database with the region's share`);
    }
    return lines;
}

/** Runs per command in the interactive section: each is a whole command, seconds long. */
const INTERACTIVE_RUNS = 5;

function main(): void {
    const { values } = parseArgs({ options: { sizes: { type: "string" }, runs: { type: "string" }, interactive: { type: "boolean" } } });
    const parseSizes = (text: string) => text.split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const runs = (fallback: number) => (values.runs === undefined ? fallback : Math.max(1, Number(values.runs) || 1));
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-bench-"));
    try {
        if (!values.interactive && !renderSection(parseSizes(values.sizes ?? `10,100,${MAX_DATABASES_LIMIT}`), (count) => runs(defaultRuns(count)), scratch)) {
            process.exitCode = 1;
        }
        const interactiveSizes = parseSizes(values.interactive && values.sizes ? values.sizes : "10,30,100");
        console.log(["", ...measureInteractive(interactiveSizes, runs(INTERACTIVE_RUNS), benchStackText, scratch)].join("\n"));
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main();
}
