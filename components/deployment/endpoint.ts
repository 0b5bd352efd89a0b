import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { IN_NAMESPACE } from "../../inventory";
import { adoptedObjectOptions, adoptedOptions } from "./adoption";
import { DeploymentContext, partName } from "./context";

export const DNS_TTL_SECONDS = 300;

export function ingressArgs(ctx: DeploymentContext): k8s.networking.v1.IngressArgs {
    const host = ctx.names.hostname;
    return {
        metadata: {
            name: IN_NAMESPACE.ingress,
            namespace: ctx.names.namespace,
            labels: ctx.labels,
            annotations: { "cert-manager.io/cluster-issuer": ctx.region.ingress.clusterIssuer },
        },
        spec: {
            ingressClassName: ctx.region.ingress.className,
            tls: [{ hosts: [host], secretName: IN_NAMESPACE.tlsSecret }],
            rules: [{
                host,
                http: {
                    paths: [{
                        path: "/",
                        pathType: "Prefix",
                        backend: { service: { name: IN_NAMESPACE.service, port: { name: "http" } } },
                    }],
                },
            }],
        },
    };
}

export function dnsRecordArgs(ctx: DeploymentContext): aws.route53.RecordArgs {
    return {
        zoneId: ctx.region.hostedZoneId,
        name: ctx.names.hostname,
        type: "CNAME",
        ttl: DNS_TTL_SECONDS,
        records: [ctx.region.ingress.loadBalancerHostname],
    };
}

/** Route53's import id for a record: zone, name and type joined by underscores. */
export function dnsRecordImportId(ctx: DeploymentContext): string | undefined {
    return ctx.database.adopt?.dnsRecord ? `${ctx.region.hostedZoneId}_${ctx.names.hostname}_CNAME` : undefined;
}

export interface Endpoint {
    readonly ingress: k8s.networking.v1.Ingress;
    readonly record: aws.route53.Record;
}

export function createEndpoint(ctx: DeploymentContext, namespace: k8s.core.v1.Namespace): Endpoint {
    const ingress = new k8s.networking.v1.Ingress(partName(ctx, "ingress"), ingressArgs(ctx),
        { parent: ctx.parent, dependsOn: [namespace], ...adoptedObjectOptions(ctx, IN_NAMESPACE.ingress) });
    const record = new aws.route53.Record(partName(ctx, "dns"), dnsRecordArgs(ctx), { parent: ctx.parent, ...adoptedOptions(ctx, dnsRecordImportId(ctx)) });
    return { ingress, record };
}
