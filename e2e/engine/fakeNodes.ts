/**
 * Registering a Node as a kubelet does, reduced to what the tier's readers need: the object, then
 * its status Ready with capacity. Shared by the fake kubelet's per-zone nodes and the nodes the
 * Karpenter stand-in launches.
 */
import { KubeClient, KubeObject } from "./kube";

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
}
