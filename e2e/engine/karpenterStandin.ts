/**
 * The tier's stand-in for Karpenter (docs/e2e-engine.md, "The Karpenter stand-in"): on each pass of
 * the fake kubelet it hands the cluster's NodePools, EC2NodeClasses, Karpenter nodes, pods and
 * volumes to the `karpenter-standin judge` binary (e2e/karpenter-standin, built on Karpenter's own
 * Go packages), and writes what it decided: nodes launched (Ready at once), annotated, pods bound,
 * evicted, nodes deleted. It decides nothing itself.
 */
import { execFile } from "child_process";
import { KubeClient, KubeObject } from "./kube";
import { registerReadyNode } from "./fakeNodes";
import { Placement, Provisioner } from "./kubelet";

export const NODE_POOL_LABEL = "karpenter.sh/nodepool";
const NODE_POOLS = "/apis/karpenter.sh/v1/nodepools";
const NODE_CLASSES = "/apis/karpenter.k8s.aws/v1/ec2nodeclasses";

/** Karpenter's wait of minutes becomes seconds: consolidateAfter 5m is judged as 3 s. */
export const TIME_SCALE = 100;

interface Decision {
    readonly launch: { nodePool: string; forPod: string; node: KubeObject }[];
    readonly patch: { node: string; annotations: Record<string, string | null> }[];
    readonly bind: { pod: string; node: string }[];
    readonly delete: { node: string; reason: string; evict: string[] }[];
    readonly claimed: string[];
    readonly pending: { pod: string; reasons: string[] }[];
    readonly held: { node: string; reason: string }[];
}

/** What the stand-in did, in order, for the scenarios to assert on. */
export interface StandinEvent {
    readonly action: "launch" | "delete";
    readonly node: string;
    readonly nodePool: string;
    readonly reason: string;
    readonly labels: Record<string, string>;
}

function judge(binary: string, world: unknown): Promise<Decision> {
    return new Promise((resolve, reject) => {
        const child = execFile(binary, ["judge"], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`karpenter-standin judge: ${err.message}: ${stderr}`));
            } else {
                resolve(JSON.parse(stdout) as Decision);
            }
        });
        child.stdin?.end(JSON.stringify(world));
    });
}

export class KarpenterStandin implements Provisioner {
    readonly events: StandinEvent[] = [];
    /** The last decision's notes: why pods wait and drifted nodes stay. */
    lastPending: Decision["pending"] = [];
    /** Every pod's latest refusal, kept after the pod went elsewhere: what a failed scenario reports. */
    readonly refusals = new Map<string, string[]>();
    lastHeld: Decision["held"] = [];
    /** The clock budgets' schedules are judged against; a scenario sets it in or out of a window (timers keep real time). */
    budgetClock: () => Date = () => new Date();

    constructor(private readonly client: KubeClient, private readonly binary: string) {}

    async reconcile(pods: readonly KubeObject[]): Promise<Placement> {
        const nodePools = await this.client.list(NODE_POOLS);
        const nodes = await this.client.list(`/api/v1/nodes?labelSelector=${encodeURIComponent(NODE_POOL_LABEL)}`);
        if (nodePools.length === 0 && nodes.length === 0) {
            return { claimed: new Set(), bindings: new Map() };
        }
        const world = {
            now: new Date().toISOString(), budgetNow: this.budgetClock().toISOString(), timeScale: TIME_SCALE, nodePools, nodes, pods,
            nodeClasses: await this.client.list(NODE_CLASSES),
            volumes: await this.client.list("/api/v1/persistentvolumes"),
            claims: await this.client.list("/api/v1/persistentvolumeclaims"),
        };
        const decision = await judge(this.binary, world);
        this.lastPending = decision.pending;
        decision.pending.forEach((p) => this.refusals.set(p.pod, p.reasons));
        this.lastHeld = decision.held;
        await this.apply(decision);
        return { claimed: new Set(decision.claimed), bindings: new Map(decision.bind.map((b) => [b.pod, b.node])) };
    }

    /** Launches first (a drift replacement exists before its candidate drains), deletes last. */
    private async apply(decision: Decision): Promise<void> {
        for (const { nodePool, node, forPod } of decision.launch) {
            await registerReadyNode(this.client, node);
            this.events.push({ action: "launch", node: node.metadata.name, nodePool, reason: `for ${forPod}`, labels: node.metadata.labels });
        }
        for (const { node, annotations } of decision.patch) {
            await this.client.patch(`/api/v1/nodes/${node}`, { metadata: { annotations } });
        }
        for (const { node, reason, evict } of decision.delete) {
            const labels = (await this.client.get(`/api/v1/nodes/${node}`)).metadata.labels ?? {};
            for (const pod of evict) {
                // Karpenter drains through the Eviction API, so disruption budgets of pods apply.
                const [namespace, name] = pod.split("/");
                await this.client.post(`/api/v1/namespaces/${namespace}/pods/${name}/eviction`, {
                    apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace },
                });
            }
            await this.client.delete(`/api/v1/nodes/${node}`);
            this.events.push({ action: "delete", node, nodePool: labels[NODE_POOL_LABEL], reason, labels });
        }
    }
}
