import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, GatewaySpec } from "../inventory";
import { CERT_MANAGER_API_VERSION, GATEWAY_API_VERSION, TRAEFIK_API_VERSION } from "./deployment/gatewayRoutes";

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

/** Traefik applies the TLSOption of this name to every router that names none: its default TLS options. */
export const TRAEFIK_DEFAULT_TLS_OPTION = "default";

/**
 * Traefik's default TLS options, which the HTTPS listener's routers use (Traefik 3.7's Gateway
 * provider cannot give a listener options of its own). No session tickets: QuestDB's Java ILP
 * client (`org.questdb:questdb-client` 1.0.1 and the one in QuestDB 8.x) cannot read a response
 * from a Go TLS 1.3 server that sends them, so `https::` failed through Traefik; without them it
 * works, at the price of full handshakes instead of resumed ones (e2e/endpoints found it; a Go
 * server with `SessionTicketsDisabled` confirmed the cause). Otherwise Traefik's own defaults
 * (TLS 1.2 or newer, its ALPN list). A Traefik honours one `default` TLSOption cluster-wide and
 * ignores all of them when two namespaces define one, so the region's Traefik must define none.
 */
export function defaultTlsOptionArgs(args: RegionGatewayArgs): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: TRAEFIK_API_VERSION,
        kind: "TLSOption",
        metadata: { name: TRAEFIK_DEFAULT_TLS_OPTION, namespace: args.gateway.namespace },
        spec: { minVersion: "VersionTLS12", disableSessionTickets: true },
    };
}

/**
 * The region-level Gateway, when the program owns it (`gateway.className` set), with its wildcard
 * certificate and Traefik's default TLS options. A region that references an existing Gateway
 * gets an empty component, so the tree shows the choice (its Traefik's defaults are a cluster
 * precondition then, docs/runbook.md).
 */
export class RegionGateway extends pulumi.ComponentResource {
    constructor(name: string, args: RegionGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(REGION_GATEWAY_TYPE, name, {}, opts);
        if (args.gateway.className) {
            const certificate = new k8s.apiextensions.CustomResource(`${name}-wildcard`, wildcardCertificateArgs(args), { parent: this });
            const tlsDefaults = new k8s.apiextensions.CustomResource(`${name}-tls-defaults`, defaultTlsOptionArgs(args), { parent: this });
            new k8s.apiextensions.CustomResource(name, gatewayArgs(args), { parent: this, dependsOn: [certificate, tlsDefaults] });
        }
        this.registerOutputs({});
    }
}
