import * as k8s from "@pulumi/kubernetes";
import { IN_NAMESPACE, IngressSpec, httpLimits } from "../../inventory";
import { DeploymentContext } from "./context";

/** ingress-nginx annotations of the legacy path; the controller the Ingress path assumes. */
export const NGINX = {
    allowlist: "nginx.ingress.kubernetes.io/whitelist-source-range",
    bodySize: "nginx.ingress.kubernetes.io/proxy-body-size",
    readTimeout: "nginx.ingress.kubernetes.io/proxy-read-timeout",
    sendTimeout: "nginx.ingress.kubernetes.io/proxy-send-timeout",
    requestBuffering: "nginx.ingress.kubernetes.io/proxy-request-buffering",
    forceSslRedirect: "nginx.ingress.kubernetes.io/force-ssl-redirect",
} as const;

/**
 * The legacy path: HTTPS only (an Ingress carries no TCP). The allowlist, body size and timeouts
 * are ingress-nginx annotations; uploads stream instead of being buffered to the controller's disk.
 * The certificate comes from cert-manager's ingress-shim, as before, so a region that keeps this
 * path sees no certificate churn.
 */
export function ingressArgs(ctx: DeploymentContext, ingress: IngressSpec): k8s.networking.v1.IngressArgs {
    const host = ctx.names.hostname;
    const limits = httpLimits(ctx.database.serverConf);
    return {
        metadata: {
            name: IN_NAMESPACE.ingress,
            namespace: ctx.names.namespace,
            labels: ctx.labels,
            annotations: {
                "cert-manager.io/cluster-issuer": ingress.clusterIssuer,
                [NGINX.allowlist]: ctx.database.access.allowedCidrs.join(","),
                [NGINX.bodySize]: `${Math.ceil(limits.maxBodyBytes / 1024 ** 2)}m`,
                [NGINX.readTimeout]: String(limits.timeoutSeconds),
                [NGINX.sendTimeout]: String(limits.timeoutSeconds),
                [NGINX.requestBuffering]: "off",
                [NGINX.forceSslRedirect]: "true",
            },
        },
        spec: {
            ingressClassName: ingress.className,
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
