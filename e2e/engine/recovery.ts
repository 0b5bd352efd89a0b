/**
 * The runbook's recovery of an interrupted `up` ("When a deployment was interrupted"), run as the
 * runbook prints it with the built CLI, and the checks that the stack converged with nothing
 * orphaned (issue 25.1). The cloud here is the fake AWS plugin's world and the tier's API server.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { Deployment, pendingCreates, tagsOf } from "../../tools/pending/resolve";
import { World, readWorld } from "../fakeaws/provider";
import { KubeClient, KubeObject } from "./kube";
import { EngineStack } from "./stack";

/** What a checkpoint says was in flight when the CLI died. */
export interface PendingOperation {
    readonly type: string;
    readonly urn: string;
    readonly resourceType: string;
}

/** Runs one printed command in the stack's project directory with the built CLI first on PATH. */
export function runPrinted(stack: EngineStack, pulumiBin: string, command: string): string {
    const r = spawnSync("bash", ["-c", command], {
        cwd: stack.workDir, env: { ...process.env, ...stack.env, PATH: `${path.dirname(pulumiBin)}:${stack.env.PATH}` }, encoding: "utf8", timeout: 180_000, maxBuffer: 256 * 1024 ** 2,
    });
    if (r.status !== 0) {
        throw new Error(`\`${command}\` exited with ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    }
    return `${r.stdout}${r.stderr}`;
}

export function deploymentOf(stack: EngineStack): Deployment {
    return (JSON.parse(stack.cliRun(["stack", "export", "--stack", stack.stackName])) as { deployment: Deployment }).deployment;
}

/** The claim size the state recorded for a database's PVC (`<id>-pvc`): what the next preview diffs against. */
export function recordedClaimSize(stack: EngineStack, id: string): unknown {
    const claim = (deploymentOf(stack).resources ?? []).find((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim" && r.urn.endsWith(`::${id}-pvc`));
    return (claim?.outputs as { spec?: { resources?: { requests?: { storage?: string } } } } | undefined)?.spec?.resources?.requests?.storage;
}

export function pendingOperations(stack: EngineStack): PendingOperation[] {
    return (deploymentOf(stack).pending_operations ?? []).map((p) => ({ type: p.type, urn: p.resource.urn, resourceType: p.resource.type }));
}

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** `npx tsx tools/pendingCreates.ts ...`, run from the checkout as the runbook has it. */
export function pendingCreatesTool(args: readonly string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "pendingCreates.ts"), ...args], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The `pulumi ...` commands a tool printed, one per indented line, in order. */
export function printedPulumiCommands(text: string): string[] {
    return text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("pulumi "));
}

/**
 * The operator's lookup, made against the fake cloud: for each AWS pending create, what AWS holds
 * of its type with its database's tags and no resource of the state has. One: `--import`; none:
 * `--absent`; more than one fails (the lookup would be ambiguous).
 */
export function awsFindings(world: World, deployment: Deployment): string[] {
    const known = new Set((deployment.resources ?? []).map((r) => r.id));
    return pendingCreates(deployment).filter((p) => p.resource.type.startsWith("aws:")).flatMap(({ resource }) => {
        const wanted = tagsOf(resource);
        const held = Object.entries(world).filter(([id, e]) => e.type === resource.type && !known.has(id)
            && ["questdb.cloud/stack", "questdb.cloud/database", "Name"].every((k) => tagsOf(e)[k] === wanted[k])
            // Untagged kinds (a DNS record) are found by their name.
            && e.inputs.name === resource.inputs?.name);
        if (held.length > 1) {
            throw new Error(`${resource.urn}: AWS holds ${held.length} resources with its tags: ${held.map(([id]) => id).join(", ")}`);
        }
        return held.length === 1 ? ["--import", `${resource.urn}=${held[0][0]}`] : ["--absent", resource.urn];
    });
}

/** The AWS types the tier's fake plugin keeps that the program did not create (add-ons, SSM parameters, the fault mode). */
const NOT_THE_PROGRAMS = new Set(["aws:eks/addon:Addon", "aws:ssm/parameter:Parameter", "aws:eks/accessEntry:AccessEntry",
    "aws:servicequotas/serviceQuota:ServiceQuota", "aws:eks/cluster:Cluster", "e2e:faults"]);

/** The data volumes AWS holds for one database, found the runbook's way: by the tags the program gives them. */
export function volumesTagged(world: World, stackName: string, database: string): string[] {
    return Object.entries(world)
        .filter(([, e]) => e.type === "aws:ebs/volume:Volume")
        .filter(([, e]) => {
            const tags = (e.inputs.tags ?? {}) as Record<string, string>;
            return tags["questdb.cloud/stack"] === stackName && tags["questdb.cloud/database"] === database;
        })
        .map(([id]) => id);
}

/** AWS resources the program's kinds that no resource of the state names: what an interrupted create can leave. */
export function awsOrphans(world: World, deployment: Deployment): string[] {
    const ids = new Set((deployment.resources ?? []).filter((r) => r.type.startsWith("aws:")).map((r) => r.id));
    return Object.entries(world).filter(([id, e]) => !NOT_THE_PROGRAMS.has(e.type) && !ids.has(id)).map(([id, e]) => `${e.type} ${id}`);
}

/** Objects Kubernetes itself makes in every namespace. */
const MADE_BY_KUBERNETES = new Set(["ConfigMap/kube-root-ca.crt", "ServiceAccount/default"]);

/** The API path of a Pulumi Kubernetes type's collection in a namespace, from the API's discovery. */
async function collectionPath(client: KubeClient, type: string, namespace: string): Promise<string | undefined> {
    const [, groupVersion, kind] = type.split(":");
    const base = groupVersion.startsWith("core/") ? `/api/${groupVersion.slice(5)}` : `/apis/${groupVersion}`;
    const resources = ((await client.get(base)).resources ?? []) as { name: string; kind: string; namespaced: boolean }[];
    const resource = resources.find((r) => r.kind === kind && r.namespaced && !r.name.includes("/"));
    return resource && `${base}/namespaces/${namespace}/${resource.name}`;
}

/**
 * Objects in the databases' namespaces, of every namespaced kind the state holds, that the state
 * does not name: an object the program names twice, or one outside the state.
 */
export async function kubernetesOrphans(client: KubeClient, deployment: Deployment, namespaces: readonly string[]): Promise<string[]> {
    const k8s = (deployment.resources ?? []).filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.id);
    const ids = new Set(k8s.map((r) => `${r.type} ${r.id}`));
    const orphans: string[] = [];
    for (const type of new Set(k8s.map((r) => r.type))) {
        for (const namespace of namespaces) {
            const collection = await collectionPath(client, type, namespace);
            for (const object of collection ? await client.list(collection) : [] as KubeObject[]) {
                const kind = type.split(":")[2];
                if (!MADE_BY_KUBERNETES.has(`${kind}/${object.metadata.name}`) && !ids.has(`${type} ${namespace}/${object.metadata.name}`)) {
                    orphans.push(`${type} ${namespace}/${object.metadata.name}`);
                }
            }
        }
    }
    return orphans;
}

/** The current world, for tests that read it between steps. */
export const worldOf = (stack: EngineStack): World => readWorld(stack.worldFile);
