/**
 * What a scheduler, a kubelet and an ingress controller would do, reduced to the API writes the
 * Kubernetes provider's await logic reads: this tier runs no containers. A loop
 * - registers one Ready node per availability zone it is told about;
 * - binds every unscheduled pod to the node of its zone (pods/binding, as the scheduler does),
 *   except the pods a provisioner (the Karpenter stand-in) claims: those it binds where the
 *   provisioner says, once it has launched a node for them;
 * - reports a bound pod Running and Ready with a pod IP (pods/status, as a 1.36 kubelet does, with
 *   the observed generation), so
 *   the StatefulSet controller counts it ready and the EndpointSlice controller lists it;
 * - deletes terminating pods for good (what a kubelet does once the containers stopped);
 * - gives an Ingress a load-balancer hostname (ingress status, as the controller does);
 * - completes a volume expansion of a bound claim whose request outgrew its capacity: the PV's
 *   capacity (as the CSI external-resizer does, under its field manager, which is why the program
 *   ignores that field) and then the claim's status capacity (as the kubelet does after growing
 *   the filesystem).
 * The StatefulSet, Service, PVC and Ingress awaits of the provider then complete for real.
 */
import { registerReadyNode } from "./fakeNodes";
import { KubeClient, KubeObject } from "./kube";

export const FAKE_NODE_PREFIX = "e2e-node-";
const INGRESS_HOSTNAME = "e2e-ingress.elb.example";
/** The CSI external-resizer's field manager on the PVs it grows. */
export const RESIZER_MANAGER = "external-resizer";

/** Where the pods a provisioner takes go: `ns/name` of each claimed pod, and the node of those it placed. */
export interface Placement {
    readonly claimed: ReadonlySet<string>;
    readonly bindings: ReadonlyMap<string, string>;
}

/** Something that launches nodes for pending pods before the kubelet binds them (e2e/engine/karpenterStandin.ts). */
export interface Provisioner {
    reconcile(pods: readonly KubeObject[]): Promise<Placement>;
}

export class FakeKubelet {
    private timer: NodeJS.Timeout | undefined;
    private running = false;
    private ipCounter = 10;
    /** Pod IPs to report per namespace instead of a made-up one: where a real server listens. */
    private readonly pinnedPodIps = new Map<string, string>();
    /** Errors of the last pass, kept for diagnosis (a pass never throws). */
    lastErrors: string[] = [];

    constructor(private readonly client: KubeClient, private readonly zones: readonly string[], private readonly provisioner?: Provisioner) {}

    async start(intervalMs = 300): Promise<void> {
        for (const zone of this.zones) {
            await this.ensureNode(zone);
        }
        this.timer = setInterval(() => void this.pass(), intervalMs);
    }

    stop(): void {
        if (this.timer) {
            clearInterval(this.timer);
        }
    }

    /**
     * Reports pods of `namespace` at `ip` from now on, so the EndpointSlices that a proxy reads
     * lead to a real server listening there (the API server refuses loopback endpoint addresses).
     */
    pinPodIp(namespace: string, ip: string): void {
        this.pinnedPodIps.set(namespace, ip);
    }

    private async ensureNode(zone: string): Promise<void> {
        const name = `${FAKE_NODE_PREFIX}${zone}`;
        if (await this.client.find(`/api/v1/nodes/${name}`)) {
            return;
        }
        await registerReadyNode(this.client, {
            metadata: { name, labels: { "topology.kubernetes.io/zone": zone, "kubernetes.io/hostname": name } },
        });
    }

    private async pass(): Promise<void> {
        if (this.running) {
            return;
        }
        this.running = true;
        const errors: string[] = [];
        const guard = async (what: string, fn: () => Promise<unknown>) => {
            try {
                await fn();
            } catch (err) {
                errors.push(`${what}: ${(err as Error).message}`);
            }
        };
        try {
            const pods = await this.client.list("/api/v1/pods");
            // The provisioner first, so a node it launches in this pass takes its pod in this pass.
            // A pass where it failed binds no pod: a pod it would claim must not land on a zone node.
            let placement: Placement | undefined = this.provisioner ? undefined : { claimed: new Set(), bindings: new Map() };
            await guard("provisioner", async () => {
                placement = await this.provisioner?.reconcile(pods) ?? placement;
            });
            for (const pod of pods) {
                await guard(`pod ${pod.metadata.namespace}/${pod.metadata.name}`, () => this.handlePod(pod, placement));
            }
            for (const claim of await this.client.list("/api/v1/persistentvolumeclaims")) {
                await guard(`claim ${claim.metadata.namespace}/${claim.metadata.name}`, () => this.handleClaim(claim));
            }
            for (const ingress of await this.client.list("/apis/networking.k8s.io/v1/ingresses")) {
                await guard(`ingress ${ingress.metadata.namespace}/${ingress.metadata.name}`, () => this.handleIngress(ingress));
            }
        } catch (err) {
            errors.push(`list: ${(err as Error).message}`);
        } finally {
            this.lastErrors = errors;
            this.running = false;
        }
    }

    private podPath(pod: KubeObject): string {
        return `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
    }

    private async handlePod(pod: KubeObject, placement: Placement | undefined): Promise<void> {
        if (pod.metadata.deletionTimestamp) {
            await this.client.delete(`${this.podPath(pod)}`, { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0 });
            return;
        }
        if (!pod.spec.nodeName) {
            if (!placement) {
                return;
            }
            const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
            const node = placement.claimed.has(key) ? placement.bindings.get(key) : this.nodeFor(pod);
            if (!node) {
                return; // claimed by the provisioner, which has no node for it yet
            }
            await this.client.post(`${this.podPath(pod)}/binding`, {
                apiVersion: "v1", kind: "Binding",
                metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
                target: { apiVersion: "v1", kind: "Node", name: node },
            });
            return;
        }
        if (pod.status?.phase !== "Running") {
            await this.client.patch(`${this.podPath(pod)}/status`, { status: this.runningStatus(pod) });
        }
    }

    /** The node of the zone the pod's affinity asks for, else the first one. */
    private nodeFor(pod: KubeObject): string {
        const text = JSON.stringify(pod.spec.affinity ?? {}) + JSON.stringify(pod.spec.nodeSelector ?? {});
        const zone = this.zones.find((z) => text.includes(`"${z}"`)) ?? this.zones[0];
        return `${FAKE_NODE_PREFIX}${zone}`;
    }

    private runningStatus(pod: KubeObject): KubeObject {
        const now = new Date().toISOString();
        const ip = this.pinnedPodIps.get(pod.metadata.namespace) ?? `10.244.0.${this.ipCounter++ % 250 + 2}`;
        // As a 1.35+ kubelet writes them (PodObservedGenerationTracking, GA): the generation each condition saw, between its type and status.
        const generation = pod.metadata.generation as number | undefined;
        const condition = (type: string) => ({ type, ...(generation ? { observedGeneration: generation } : {}), status: "True", lastTransitionTime: now });
        const containerStatus = (c: KubeObject, init: boolean) => ({
            name: c.name, image: c.image, imageID: `${c.image}@sha256:${"0".repeat(64)}`, containerID: `containerd://${pod.metadata.uid}-${c.name}`,
            ready: !init, started: !init, restartCount: 0,
            state: init ? { terminated: { exitCode: 0, reason: "Completed", startedAt: now, finishedAt: now } } : { running: { startedAt: now } },
        });
        return {
            ...(generation ? { observedGeneration: generation } : {}), phase: "Running", podIP: ip, podIPs: [{ ip }], hostIP: "127.0.0.1", startTime: now,
            conditions: ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map(condition),
            initContainerStatuses: (pod.spec.initContainers ?? []).map((c: KubeObject) => containerStatus(c, true)),
            containerStatuses: (pod.spec.containers ?? []).map((c: KubeObject) => containerStatus(c, false)),
        };
    }

    private async handleClaim(claim: KubeObject): Promise<void> {
        const requested: string | undefined = claim.spec.resources?.requests?.storage;
        const capacity: string | undefined = claim.status?.capacity?.storage;
        if (claim.status?.phase !== "Bound" || !requested || !capacity || requested === capacity) {
            return;
        }
        const pvPath = `/api/v1/persistentvolumes/${claim.spec.volumeName}`;
        const pv = await this.client.get(pvPath);
        if (pv.spec.capacity?.storage !== requested) {
            await this.client.patch(`${pvPath}?fieldManager=${RESIZER_MANAGER}`, { spec: { capacity: { storage: requested } } });
        }
        const claimPath = `/api/v1/namespaces/${claim.metadata.namespace}/persistentvolumeclaims/${claim.metadata.name}`;
        await this.client.patch(`${claimPath}/status`, { status: { capacity: { storage: requested } } });
    }

    private async handleIngress(ingress: KubeObject): Promise<void> {
        if (ingress.status?.loadBalancer?.ingress?.length) {
            return;
        }
        await this.client.patch(
            `/apis/networking.k8s.io/v1/namespaces/${ingress.metadata.namespace}/ingresses/${ingress.metadata.name}/status`,
            { status: { loadBalancer: { ingress: [{ hostname: INGRESS_HOSTNAME }] } } });
    }
}
