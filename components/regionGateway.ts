import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, GatewaySpec } from "../inventory";
import { CERT_MANAGER_API_VERSION, GATEWAY_API_VERSION } from "./deployment/gatewayRoutes";

export const REGION_GATEWAY_TYPE = "questdb-cloud:index:RegionGateway";

export interface RegionGatewayArgs {
    /** The region's gateway settings; the component creates objects only when `className` is set. Required. */
    readonly gateway: GatewaySpec;
    /** The region's DNS suffix; the HTTPS listener serves `*.<dnsSuffix>`. Required. */
    readonly dnsSuffix: string;
}

/** The wildcard certificate's Secret: one per region, in the Gateway's namespace. */
export function wildcardSecretName(gateway: GatewaySpec): string {
    return `${gateway.name}-wildcard-tls`;
}

/**
 * One certificate for `*.<dnsSuffix>` on the HTTPS listener: a listener per database would hit
 * Gateway API's 64-listener limit, and a wildcard needs a DNS-01 issuer (Route53), which also
 * serves every database's own certificate.
 */
export function wildcardCertificateArgs(args: RegionGatewayArgs): k8s.apiextensions.CustomResourceArgs {
    const { gateway } = args;
    return {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: "Certificate",
        metadata: { name: `${gateway.name}-wildcard`, namespace: gateway.namespace },
        spec: {
            secretName: wildcardSecretName(gateway),
            dnsNames: [`*.${args.dnsSuffix}`],
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: gateway.clusterIssuer },
            privateKey: { rotationPolicy: "Always" },
        },
    };
}

/**
 * HTTPS only: no plain-HTTP listener exists, so nothing is served unencrypted. Routes attach only
 * from database namespaces (they carry the database label). PostgreSQL and ILP are Traefik entry
 * points of their own (IngressRouteTCP), configured with Traefik, not on this object.
 */
export function gatewayArgs(args: RegionGatewayArgs): k8s.apiextensions.CustomResourceArgs {
    const { gateway } = args;
    return {
        apiVersion: GATEWAY_API_VERSION,
        kind: "Gateway",
        metadata: { name: gateway.name, namespace: gateway.namespace },
        spec: {
            gatewayClassName: gateway.className,
            listeners: [{
                name: gateway.httpsListener,
                protocol: "HTTPS",
                port: gateway.httpsPort,
                hostname: `*.${args.dnsSuffix}`,
                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: wildcardSecretName(gateway) }] },
                allowedRoutes: {
                    namespaces: { from: "Selector", selector: { matchExpressions: [{ key: DATABASE_LABEL, operator: "Exists" }] } },
                    kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
                },
            }],
        },
    };
}

/**
 * The region-level Gateway, when the program owns it (`gateway.className` set). A region that
 * references an existing Gateway gets an empty component, so the tree shows the choice.
 */
export class RegionGateway extends pulumi.ComponentResource {
    constructor(name: string, args: RegionGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(REGION_GATEWAY_TYPE, name, {}, opts);
        if (args.gateway.className) {
            const certificate = new k8s.apiextensions.CustomResource(`${name}-wildcard`, wildcardCertificateArgs(args), { parent: this });
            new k8s.apiextensions.CustomResource(name, gatewayArgs(args), { parent: this, dependsOn: [certificate] });
        }
        this.registerOutputs({});
    }
}
