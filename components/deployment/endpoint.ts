import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IN_NAMESPACE, RegionSpec } from "../../inventory";
import { adoptedObjectArgs, adoptedObjectOptions, adoptedOptions } from "./adoption";
import { DeploymentContext, partName } from "./context";
import { allowlistArgs, certificateArgs, httpRouteArgs, postgresTlsOptionArgs, tcpRouteArgs } from "./gatewayRoutes";
import { ingressArgs } from "./ingressRoute";

export { ingressArgs };

export const DNS_TTL_SECONDS = 300;

/** The load balancer the region's DNS records point at: the one `dnsTarget` names (the migration switch). */
export function dnsTargetHostname(region: RegionSpec): string {
    const target = region.dnsTarget === "gateway" ? region.gateway : region.ingress;
    if (!target) {
        throw new Error(`region ${region.stack}: dnsTarget ${region.dnsTarget} has no block; the validator should have refused it`);
    }
    return target.loadBalancerHostname;
}

export function dnsRecordArgs(ctx: DeploymentContext): aws.route53.RecordArgs {
    return {
        zoneId: ctx.region.hostedZoneId,
        name: ctx.names.hostname,
        type: "CNAME",
        ttl: DNS_TTL_SECONDS,
        records: [dnsTargetHostname(ctx.region)],
    };
}

/** Route53's import id for a record: zone, name and type joined by underscores. */
export function dnsRecordImportId(ctx: DeploymentContext): string | undefined {
    return ctx.database.adopt?.dnsRecord ? `${ctx.region.hostedZoneId}_${ctx.names.hostname}_CNAME` : undefined;
}

export interface Endpoint {
    readonly ingress?: k8s.networking.v1.Ingress;
    readonly gatewayObjects: readonly k8s.apiextensions.CustomResource[];
    readonly record: aws.route53.Record;
}

/**
 * The database's name and its routes. The name always exists while the database does (a paused
 * one keeps it; its routes lead to a Service without pods). Routes exist only when someone may
 * connect: an empty allowlist renders none, so the gateway has nothing to match. Both paths are
 * rendered while a region carries both blocks; DNS decides which one serves.
 */
export function createEndpoint(ctx: DeploymentContext, namespace: k8s.core.v1.Namespace): Endpoint {
    const opts = { parent: ctx.parent, dependsOn: [namespace] };
    const open = ctx.database.access.allowedCidrs.length > 0;
    const { ingress: ingressSpec, gateway } = ctx.region;
    const ingress = ingressSpec && open ? new k8s.networking.v1.Ingress(partName(ctx, "ingress"), adoptedObjectArgs(ctx, ingressArgs(ctx, ingressSpec)), { ...opts, ...adoptedObjectOptions(ctx, IN_NAMESPACE.ingress) }) : undefined;
    const gatewayObjects: k8s.apiextensions.CustomResource[] = [];
    if (gateway) {
        const custom = (part: string, args: k8s.apiextensions.CustomResourceArgs, dependsOn: pulumi.Resource[] = []) => {
            const created = new k8s.apiextensions.CustomResource(partName(ctx, part), args, { ...opts, dependsOn: [namespace, ...dependsOn] });
            gatewayObjects.push(created);
            return created;
        };
        const certificate = custom("certificate", certificateArgs(ctx, gateway));
        if (open) {
            const http = custom("http-allowlist", allowlistArgs(ctx, "Middleware"));
            const tcp = custom("tcp-allowlist", allowlistArgs(ctx, "MiddlewareTCP"));
            custom("http-route", httpRouteArgs(ctx, gateway), [http]);
            const postgresTls = custom("postgres-tls", postgresTlsOptionArgs(ctx));
            custom("postgres-route", tcpRouteArgs(ctx, gateway, "postgres"), [tcp, certificate, postgresTls]);
            custom("ilp-route", tcpRouteArgs(ctx, gateway, "ilp"), [tcp, certificate]);
        }
    }
    const record = new aws.route53.Record(partName(ctx, "dns"), dnsRecordArgs(ctx), { parent: ctx.parent, ...adoptedOptions(ctx, dnsRecordImportId(ctx)) });
    return { ingress, gatewayObjects, record };
}
