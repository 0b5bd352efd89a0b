import * as k8s from "@pulumi/kubernetes";
import { IN_NAMESPACE, PORTS } from "../../inventory";
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
export function networkPolicyArgs(ctx: DeploymentContext): k8s.networking.v1.NetworkPolicyArgs {
    return {
        metadata: { name: IN_NAMESPACE.networkPolicy, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                { from: [fromNamespace(ctx.region.ingress.namespace)], ports: [tcp(PORTS.http), tcp(PORTS.pg), tcp(PORTS.ilp)] },
                { from: [fromNamespace(ctx.region.monitoringNamespace)], ports: [tcp(PORTS.status)] },
            ],
            egress: [{
                to: [fromNamespace("kube-system")],
                ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
            }],
        },
    };
}

export interface TenantIsolation {
    readonly namespace: k8s.core.v1.Namespace;
    readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
}

export function createTenantIsolation(ctx: DeploymentContext): TenantIsolation {
    const namespace = new k8s.core.v1.Namespace(partName(ctx, "namespace"), namespaceArgs(ctx), { parent: ctx.parent });
    const networkPolicy = new k8s.networking.v1.NetworkPolicy(
        partName(ctx, "isolation"), networkPolicyArgs(ctx), { parent: ctx.parent, dependsOn: [namespace] });
    return { namespace, networkPolicy };
}
