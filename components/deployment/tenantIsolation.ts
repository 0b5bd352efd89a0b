import * as k8s from "@pulumi/kubernetes";
import { IN_NAMESPACE, PORTS } from "../../inventory";
import { adoptedObjectArgs, adoptedObjectOptions } from "./adoption";
import { DeploymentContext, partName } from "./context";

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function namespaceArgs(ctx: DeploymentContext): k8s.core.v1.NamespaceArgs {
    return {
        metadata: {
            name: ctx.names.namespace,
            labels: {
                ...ctx.labels,
                // The restricted Pod Security Standard: non-root, no privilege escalation, seccomp.
                "pod-security.kubernetes.io/enforce": "restricted",
            },
        },
    };
}

function fromNamespace(name: string) {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } };
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/** The port cert-manager's HTTP-01 solver pod listens on. */
export const ACME_SOLVER_PORT = 8089;

/**
 * Who may open connections to the database pod, besides monitoring. Client IPs are checked by
 * the gateway (or ingress-nginx), which sees them through the NLB's PROXY protocol; the pod only
 * ever sees the proxy, so this second fence admits the proxy's namespace, only to the ports its
 * routes carry, and not at all when the allowlist is empty. 8089: cert-manager's HTTP-01 solver
 * in this namespace, reached through the ingress controller (the gateway path issues by DNS-01).
 */
export function endpointSources(ctx: DeploymentContext): { namespace: string; ports: number[] }[] {
    const open = ctx.database.access.allowedCidrs.length > 0;
    const { ingress, gateway } = ctx.region;
    const sources: { namespace: string; ports: number[] }[] = [];
    if (ingress) {
        sources.push({ namespace: ingress.namespace, ports: open ? [PORTS.http, ACME_SOLVER_PORT] : [ACME_SOLVER_PORT] });
    }
    if (gateway && open) {
        const same = sources.find((s) => s.namespace === gateway.namespace);
        const ports = [PORTS.http, PORTS.pg, PORTS.ilp];
        if (same) same.ports = [...new Set([...same.ports, ...ports])].sort((a, b) => a - b);
        else sources.push({ namespace: gateway.namespace, ports });
    }
    return sources;
}

/**
 * Default deny in both directions. In: only the endpoint's proxy (endpointSources) and monitoring
 * (the status port). Out: only cluster DNS. No tenant can reach another tenant.
 */
export function networkPolicyArgs(ctx: DeploymentContext): k8s.networking.v1.NetworkPolicyArgs {
    return {
        metadata: { name: IN_NAMESPACE.networkPolicy, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                ...endpointSources(ctx).map((s) => ({ from: [fromNamespace(s.namespace)], ports: s.ports.map(tcp) })),
                { from: [fromNamespace(ctx.region.monitoringNamespace)], ports: [tcp(PORTS.status)] },
            ],
            // DNS only, and only to CoreDNS: the rest of kube-system (metrics, the EBS CSI
            // controller, the AWS load balancer controller) is no business of a database.
            egress: [{
                to: [{ ...fromNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
            }],
        },
    };
}

/** In-namespace names of the quota and limit range; the namespace already isolates them. */
export const QUOTA_NAME = "tenant-quota";
export const LIMIT_RANGE_NAME = "tenant-limits";

/** What a container that sets no requests gets (cert-manager's solver, a debug pod). */
export const STRAY_CONTAINER_REQUEST = { cpu: "100m", memory: "128Mi" } as const;

/**
 * The node is dedicated, so the quota is not about sharing a machine: it caps object counts and
 * keeps a second heavy pod out. pods 3 = QuestDB, the scheduled backup's pod
 * (components/deployment/backup.ts) and one transient pod (cert-manager's HTTP-01 solver or a debug
 * pod); the request caps fit QuestDB's request plus those two and nothing heavier
 * (test/guardrails checks the arithmetic). No LoadBalancer Service, ever, and one
 * claim: the data volume. NodePorts are not capped, because cert-manager's HTTP-01 solver Service
 * is a NodePort by default.
 */
export function resourceQuotaArgs(ctx: DeploymentContext): k8s.core.v1.ResourceQuotaArgs {
    return {
        metadata: { name: QUOTA_NAME, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            hard: {
                pods: "3",
                "services.loadbalancers": "0",
                services: "3",
                persistentvolumeclaims: "1",
                configmaps: "5",
                secrets: "5",
                "requests.cpu": "750m",
                "requests.memory": "1536Mi",
            },
        },
    };
}

/**
 * Default requests for containers that set none, so the request quota above can count them. No
 * default limit: a LimitRange default limit would also land on QuestDB's container, which sets no
 * limit on purpose (the node is its own), and cap its memory.
 */
export function limitRangeArgs(ctx: DeploymentContext): k8s.core.v1.LimitRangeArgs {
    return {
        metadata: { name: LIMIT_RANGE_NAME, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: { limits: [{ type: "Container", defaultRequest: { ...STRAY_CONTAINER_REQUEST } }] },
    };
}

export interface TenantIsolation {
    readonly namespace: k8s.core.v1.Namespace;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
    readonly resourceQuota: k8s.core.v1.ResourceQuota;
    readonly limitRange: k8s.core.v1.LimitRange;
}

export function createTenantIsolation(ctx: DeploymentContext): TenantIsolation {
    const namespace = new k8s.core.v1.Namespace(partName(ctx, "namespace"), adoptedObjectArgs(ctx, namespaceArgs(ctx)), { parent: ctx.parent, ...adoptedObjectOptions(ctx) });
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };
    const networkPolicy = new k8s.networking.v1.NetworkPolicy(partName(ctx, "isolation"), networkPolicyArgs(ctx), inNamespace);
    const resourceQuota = new k8s.core.v1.ResourceQuota(partName(ctx, "quota"), resourceQuotaArgs(ctx), inNamespace);
    const limitRange = new k8s.core.v1.LimitRange(partName(ctx, "limits"), limitRangeArgs(ctx), inNamespace);
    return { namespace, networkPolicy, resourceQuota, limitRange };
}
