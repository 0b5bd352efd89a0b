import * as k8s from "@pulumi/kubernetes";
import { GatewaySpec, IN_NAMESPACE, PORTS, httpLimits } from "../../inventory";
import { DeploymentContext } from "./context";

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
export const TRAEFIK_API_VERSION = "traefik.io/v1alpha1";
export const CERT_MANAGER_API_VERSION = "cert-manager.io/v1";

type Args = k8s.apiextensions.CustomResourceArgs;

function metadata(ctx: DeploymentContext, name: string) {
    return { name, namespace: ctx.names.namespace, labels: ctx.labels };
}

/**
 * The database's own certificate for `<id>.<dnsSuffix>`, served on the PostgreSQL and ILP entry
 * points. cert-manager renews it (by default a third of its lifetime before expiry) and rotates
 * the key each time.
 */
export function certificateArgs(ctx: DeploymentContext, gateway: GatewaySpec): Args {
    return {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: "Certificate",
        metadata: metadata(ctx, IN_NAMESPACE.certificate),
        spec: {
            secretName: IN_NAMESPACE.endpointTlsSecret,
            dnsNames: [ctx.names.hostname],
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: gateway.clusterIssuer },
            privateKey: { rotationPolicy: "Always" },
        },
    };
}

/**
 * The client allowlist as a Traefik middleware, for HTTP (`Middleware`) or TCP (`MiddlewareTCP`).
 * No ipStrategy: Traefik then matches the connection's remote address, which the NLB's PROXY
 * protocol makes the client's, and never a spoofable X-Forwarded-For header.
 */
export function allowlistArgs(ctx: DeploymentContext, kind: "Middleware" | "MiddlewareTCP"): Args {
    return {
        apiVersion: TRAEFIK_API_VERSION,
        kind,
        metadata: metadata(ctx, IN_NAMESPACE.allowlist),
        spec: { ipAllowList: { sourceRange: [...ctx.database.access.allowedCidrs] } },
    };
}

/** Gateway API durations: whole seconds, at most five digits per unit. */
function duration(seconds: number): string {
    return seconds < 100_000 ? `${seconds}s` : `${Math.ceil(seconds / 60)}m`;
}

/**
 * HTTPS for the console, REST, /imp and ILP over HTTP: attached to the region Gateway's HTTPS
 * listener, filtered by the allowlist middleware, with the database's own timeouts.
 */
export function httpRouteArgs(ctx: DeploymentContext, gateway: GatewaySpec): Args {
    const { timeoutSeconds } = httpLimits(ctx.database.serverConf);
    return {
        apiVersion: GATEWAY_API_VERSION,
        kind: "HTTPRoute",
        metadata: metadata(ctx, IN_NAMESPACE.httpRoute),
        spec: {
            parentRefs: [{
                group: "gateway.networking.k8s.io", kind: "Gateway",
                name: gateway.name, namespace: gateway.namespace, sectionName: gateway.httpsListener,
            }],
            hostnames: [ctx.names.hostname],
            rules: [{
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                filters: [{ type: "ExtensionRef", extensionRef: { group: "traefik.io", kind: "Middleware", name: IN_NAMESPACE.allowlist } }],
                backendRefs: [{ name: IN_NAMESPACE.service, port: PORTS.http }],
                timeouts: { request: duration(timeoutSeconds), backendRequest: duration(timeoutSeconds) },
            }],
        },
    };
}

/** PostgreSQL's ALPN protocol id (PostgreSQL 17 docs, "SSL Session Encryption"). */
export const POSTGRES_ALPN = "postgresql";

/**
 * TLS for the PostgreSQL route. libpq 17 and newer offer ALPN `postgresql` in every TLS start,
 * after an SSLRequest as with `sslnegotiation=direct`; Traefik's default TLS options offer only
 * h2, http/1.1 and acme-tls/1, so Go's TLS ends such a handshake with "no application protocol"
 * (seen in e2e/endpoints). Older libpq, pgjdbc and most drivers send no ALPN: either way works.
 */
export function postgresTlsOptionArgs(ctx: DeploymentContext): Args {
    return {
        apiVersion: TRAEFIK_API_VERSION,
        kind: "TLSOption",
        metadata: metadata(ctx, IN_NAMESPACE.postgresTls),
        spec: { minVersion: "VersionTLS12", alpnProtocols: [POSTGRES_ALPN] },
    };
}

export type TcpProtocol = "postgres" | "ilp";

/**
 * PostgreSQL wire or ILP over TLS: Traefik terminates TLS for `<id>.<dnsSuffix>` (SNI) on the
 * protocol's entry point. For PostgreSQL, Traefik answers a classic client's SSLRequest before
 * the handshake, and a libpq 17 `sslnegotiation=direct` client starts TLS at once; both reach the
 * same router. Gateway API's TLSRoute has no filters, so no allowlist could attach to it.
 */
export function tcpRouteArgs(ctx: DeploymentContext, gateway: GatewaySpec, protocol: TcpProtocol): Args {
    const entryPoint = protocol === "postgres" ? gateway.postgresEntryPoint : gateway.ilpEntryPoint;
    return {
        apiVersion: TRAEFIK_API_VERSION,
        kind: "IngressRouteTCP",
        metadata: metadata(ctx, protocol === "postgres" ? IN_NAMESPACE.postgresRoute : IN_NAMESPACE.ilpRoute),
        spec: {
            entryPoints: [entryPoint],
            routes: [{
                match: `HostSNI(\`${ctx.names.hostname}\`)`,
                middlewares: [{ name: IN_NAMESPACE.allowlist }],
                services: [{ name: IN_NAMESPACE.service, port: protocol === "postgres" ? PORTS.pg : PORTS.ilp }],
            }],
            tls: {
                secretName: IN_NAMESPACE.endpointTlsSecret,
                // No namespace: Traefik resolves the TLSOption in the route's own, as it should.
                ...(protocol === "postgres" ? { options: { name: IN_NAMESPACE.postgresTls } } : {}),
            },
        },
    };
}
