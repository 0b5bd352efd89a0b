/** What the Karpenter files read back from the tier: a database's data identity, its Karpenter nodes, and waits. */
import { readWorld } from "../fakeaws/provider";
import { KubeClient, KubeObject } from "./kube";
import { NODE_POOL_LABEL } from "./karpenterStandin";
import { EngineStack } from "./stack";

/** The data's identity: the EBS volume's id and the PV's and claim's uids. */
export async function dataIdentity(stack: EngineStack, client: KubeClient, id: string): Promise<string[]> {
    const volume = Object.entries(readWorld(stack.worldFile)).find(([, e]) => e.type === "aws:ebs/volume:Volume" && (e.inputs.tags as Record<string, string>).Name === `qdb-${id}-data`);
    const pv = await client.get(`/api/v1/persistentvolumes/qdb-${id}-data`);
    const claim = await client.get(`/api/v1/namespaces/qdb-${id}/persistentvolumeclaims/questdb-data`);
    return [volume?.[0] ?? "no volume", pv.metadata.uid, claim.metadata.uid];
}

/** The nodes Karpenter (the stand-in) runs for a NodePool. */
export function poolNodes(client: KubeClient, pool: string): Promise<KubeObject[]> {
    return client.list(`/api/v1/nodes?labelSelector=${encodeURIComponent(`${NODE_POOL_LABEL}=${pool}`)}`);
}

/** The database's QuestDB pod. */
export function questDbPod(client: KubeClient, id: string): Promise<KubeObject | undefined> {
    return client.find(`/api/v1/namespaces/qdb-${id}/pods/questdb-0`);
}

export function isReady(pod: KubeObject | undefined): boolean {
    return (pod?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True");
}

/** Polls until `check` returns a value, or fails naming what it waited for and the last state seen. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, describe: () => Promise<unknown>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const value = await check();
        if (value !== undefined) {
            return value;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${JSON.stringify(await describe()).slice(0, 2000)}`);
}

/** The database's pod Ready on a node of its NodePool: that node. */
export function readyOnPool(client: KubeClient, id: string, pool: string): () => Promise<KubeObject | undefined> {
    return async () => {
        const pod = await questDbPod(client, id);
        const nodes = await poolNodes(client, pool);
        return isReady(pod) && !pod?.metadata.deletionTimestamp ? nodes.find((n) => n.metadata.name === pod?.spec.nodeName) : undefined;
    };
}

/** A clock that starts at `iso` and runs at real speed from now: budgets see that moment, consolidateAfter still elapses. */
export function clockFrom(iso: string): () => Date {
    const offset = Date.parse(iso) - Date.now();
    return () => new Date(Date.now() + offset);
}
