/**
 * The whole real-engine tier: components built or found in the cache, a fresh control plane, the
 * CRDs the program's objects need, the cluster's preconditions, and the fake kubelet. Used by the
 * e2e tests and by `npm run bench:engine`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { CONFIG_NAMESPACE } from "../../inventory";
import { Cluster, startCluster } from "./cluster";
import { Components, ensureComponents } from "./components";
import { KubeClient } from "./kube";
import { KarpenterStandin } from "./karpenterStandin";
import { FakeKubelet } from "./kubelet";
import { EngineStack } from "./stack";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export interface Tier {
    readonly components: Components;
    readonly cluster: Cluster;
    readonly kubelet: FakeKubelet;
    /** Karpenter's provisioning and disruption, judged by its own Go packages (idle without NodePools). */
    readonly karpenter: KarpenterStandin;
    stop(): Promise<void>;
}

async function waitEstablished(client: KubeClient, name: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        const crd = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        if ((crd.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True")) {
            return;
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`CRD ${name} not Established within 60 s`);
}

/** Installs the published CRD manifests (no hand-written schema). */
export async function installCrds(client: KubeClient, files: readonly string[]): Promise<void> {
    for (const file of files) {
        // One manifest may hold several CRDs (Traefik ships all of its own in one file).
        const crds = parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS() as { kind?: string; metadata: { name: string } })
            .filter((d) => d?.kind === "CustomResourceDefinition");
        for (const crd of crds) {
            await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        }
        for (const crd of crds) {
            await waitEstablished(client, crd.metadata.name);
        }
    }
}

interface RegionBlock {
    readonly subnets?: Record<string, string>;
    readonly dnsSuffix?: string;
    readonly gateway?: { readonly namespace?: string };
}

/** A stack file's region block, as written (no defaults applied). */
function regionOf(stackYaml: string): RegionBlock {
    return (parse(stackYaml) as { config: Record<string, RegionBlock | undefined> }).config[`${CONFIG_NAMESPACE}:region`] ?? {};
}

/** The region's availability zones in a stack file's subnets. */
export function zonesOf(stackYaml: string): string[] {
    return Object.keys(regionOf(stackYaml).subnets ?? {});
}

/** The region's DNS suffix: databases answer at `<id>.<dnsSuffix>`. */
export function dnsSuffixOf(stackYaml: string): string {
    const suffix = regionOf(stackYaml).dnsSuffix;
    if (!suffix) {
        throw new Error("the stack file's region has no dnsSuffix");
    }
    return suffix;
}

/** The dev stack's file: the region the tier deploys into. */
export function devStackYaml(): string {
    return fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");
}

/** The QuestDB version a database of the stack runs when it pins none and follows no channel. */
export function defaultVersionOf(stackYaml: string): string {
    const version = (regionOf(stackYaml) as { defaults?: { questdbVersion?: string } }).defaults?.questdbVersion;
    if (!version) {
        throw new Error("the stack file's region has no defaults.questdbVersion");
    }
    return version;
}

/** The namespace of the region's Gateway, where its controller runs (none on the Ingress path). */
export function gatewayNamespaceOf(stackYaml: string): string | undefined {
    return regionOf(stackYaml).gateway?.namespace;
}

/**
 * What the program expects of a cluster (docs/runbook.md): the monitoring namespace, and the
 * gateway controller's namespace (Traefik's, installed by its chart) where the Gateway lives.
 */
async function clusterPreconditions(client: KubeClient): Promise<void> {
    const names = ["monitoring", gatewayNamespaceOf(devStackYaml())].filter((n): n is string => n !== undefined);
    for (const name of names) {
        await client.post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    }
}

export async function startTier(zones: readonly string[]): Promise<Tier> {
    const components = await ensureComponents();
    const started = Date.now();
    const cluster = await startCluster(components);
    try {
        await installCrds(cluster.client, components.crds);
        await clusterPreconditions(cluster.client);
        const karpenter = new KarpenterStandin(cluster.client, components.karpenterStandin);
        const kubelet = new FakeKubelet(cluster.client, zones, karpenter);
        await kubelet.start();
        console.log(`[e2e] control plane up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.server} (${cluster.dir})`);
        return {
            components, cluster, kubelet, karpenter,
            stop: async () => {
                kubelet.stop();
                await cluster.stop();
            },
        };
    } catch (err) {
        await cluster.stop();
        throw err;
    }
}

/** A new stack of the real program on the tier, from a stack file's text. */
export function newStack(tier: Tier, stackName: string, stackYaml: string): Promise<EngineStack> {
    return EngineStack.create(tier.components, tier.cluster, stackName, stackYaml);
}
