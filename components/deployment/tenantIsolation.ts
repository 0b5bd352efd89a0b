import * as k8s from "@pulumi/kubernetes";
import { IN_NAMESPACE, PORTS } from "../../inventory";
import { adoptedObjectOptions } from "./adoption";
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

/**
 * Default deny in both directions. In: only the ingress controller (HTTP, PG wire and ILP) and
 * monitoring (the status port). Out: only cluster DNS. No tenant can reach another tenant.
 */
/** The port cert-manager's HTTP-01 solver pod listens on. */
export const ACME_SOLVER_PORT = 8089;

export function networkPolicyArgs(ctx: DeploymentContext): k8s.networking.v1.NetworkPolicyArgs {
    return {
        metadata: { name: IN_NAMESPACE.networkPolicy, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                // 8089: cert-manager's HTTP-01 solver pod, which answers the ACME challenge in this
                // namespace; without it the certificate of an HTTP-01 issuer never issues.
                { from: [fromNamespace(ctx.region.ingress.namespace)], ports: [tcp(PORTS.http), tcp(PORTS.pg), tcp(PORTS.ilp), tcp(ACME_SOLVER_PORT)] },
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
 * keeps a second heavy pod out. pods 2 = QuestDB plus one transient pod (cert-manager's HTTP-01
 * solver or a debug pod); the request caps fit QuestDB's request plus one stray container and
 * nothing heavier (test/guardrails checks the arithmetic). No LoadBalancer Service, ever, and one
 * claim: the data volume. NodePorts are not capped, because cert-manager's HTTP-01 solver Service
 * is a NodePort by default.
 */
export function resourceQuotaArgs(ctx: DeploymentContext): k8s.core.v1.ResourceQuotaArgs {
    return {
        metadata: { name: QUOTA_NAME, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            hard: {
                pods: "2",
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
    const namespace = new k8s.core.v1.Namespace(partName(ctx, "namespace"), namespaceArgs(ctx), { parent: ctx.parent, ...adoptedObjectOptions(ctx) });
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };
    const networkPolicy = new k8s.networking.v1.NetworkPolicy(partName(ctx, "isolation"), networkPolicyArgs(ctx), inNamespace);
    const resourceQuota = new k8s.core.v1.ResourceQuota(partName(ctx, "quota"), resourceQuotaArgs(ctx), inNamespace);
    const limitRange = new k8s.core.v1.LimitRange(partName(ctx, "limits"), limitRangeArgs(ctx), inNamespace);
    return { namespace, networkPolicy, resourceQuota, limitRange };
}
