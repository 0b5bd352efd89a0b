/**
 * Registering a Node as a kubelet does, reduced to what the tier's readers need: the object, then
 * its status Ready with capacity, then without the `node.kubernetes.io/not-ready` taint that the
 * API server's TaintNodesByCondition admission puts on every new node (the node lifecycle
 * controller, which the tier does not run, lifts it once the node is Ready). Shared by the fake
 * kubelet's per-zone nodes and the nodes the Karpenter stand-in launches, whose taints it judges.
 */
import { KubeClient, KubeObject } from "./kube";

const NOT_READY_TAINT = "node.kubernetes.io/not-ready";

export async function registerReadyNode(client: KubeClient, node: KubeObject): Promise<void> {
    await client.post("/api/v1/nodes", { ...node, apiVersion: "v1", kind: "Node", status: undefined });
    const now = new Date().toISOString();
    await client.patch(`/api/v1/nodes/${node.metadata.name}/status`, {
        status: {
            conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "e2e fake node", lastHeartbeatTime: now, lastTransitionTime: now }],
            capacity: { cpu: "64", memory: "512Gi", pods: "110" },
            allocatable: { cpu: "64", memory: "512Gi", pods: "110" },
        },
    });
    const registered = await client.get(`/api/v1/nodes/${node.metadata.name}`);
    const taints = (registered.spec.taints ?? []) as { key: string }[];
    if (taints.some((t) => t.key === NOT_READY_TAINT)) {
        await client.patch(`/api/v1/nodes/${node.metadata.name}`, { spec: { taints: taints.filter((t) => t.key !== NOT_READY_TAINT) } });
    }
}
