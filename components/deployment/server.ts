import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IN_NAMESPACE, PORTS, renderServerConf } from "../../inventory";
import { SERVER_DEFAULTED_IMMUTABLE, adoptedObjectArgs, adoptedObjectOptions } from "./adoption";
import { DeploymentContext, partName } from "./context";
import { ADMIN_USER, Credentials } from "./credentials";
import { questdbPodSpec } from "./podSpec";
import { rolloutTimeouts } from "./rollout";

export const CONFIG_CHECKSUM_ANNOTATION = "questdb.cloud/config-checksum";
/** Changes with the credentials seed: a Secret read through env does not restart a pod, a template change does. */
export const CREDENTIALS_VERSION_ANNOTATION = "questdb.cloud/credentials-version";

export function configChecksum(serverConf: string): string {
    return crypto.createHash("sha256").update(serverConf).digest("hex");
}

export function questdbImage(version: string): string {
    return `questdb/questdb:${version}`;
}

export function configMapArgs(ctx: DeploymentContext, serverConf: string): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: IN_NAMESPACE.configMap, namespace: ctx.names.namespace, labels: ctx.labels },
        data: { "server.conf": serverConf },
    };
}

export function credentialsSecretArgs(ctx: DeploymentContext, credentials: Credentials): k8s.core.v1.SecretArgs {
    return {
        metadata: { name: IN_NAMESPACE.credentialsSecret, namespace: ctx.names.namespace, labels: ctx.labels },
        type: "Opaque",
        stringData: {
            "http.user": ADMIN_USER,
            "http.password": credentials.httpPassword,
            "pg.user": ADMIN_USER,
            "pg.password": credentials.pgPassword,
        },
    };
}

export function statefulSetArgs(ctx: DeploymentContext, serverConf: string, credentialsVersion: pulumi.Input<string>): k8s.apps.v1.StatefulSetArgs {
    const selector = { "app.kubernetes.io/name": "questdb", "questdb.cloud/database": ctx.database.id };
    return {
        metadata: { name: IN_NAMESPACE.statefulSet, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            // Open source QuestDB runs exactly one writer; a paused database runs none.
            replicas: ctx.database.state === "paused" ? 0 : 1,
            serviceName: IN_NAMESPACE.service,
            selector: { matchLabels: selector },
            updateStrategy: { type: "RollingUpdate" },
            template: {
                metadata: {
                    labels: { ...ctx.labels, ...selector },
                    // A server.conf edit or a credentials rotation changes these, which rolls the pod:
                    // the ConfigMap and Secret are updated in place and a running pod never rereads them.
                    annotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(serverConf), [CREDENTIALS_VERSION_ANNOTATION]: credentialsVersion },
                },
                spec: questdbPodSpec({ id: ctx.database.id, image: questdbImage(ctx.database.questdbVersion), restoreFromSnapshot: ctx.database.restoreFromSnapshot }),
            },
        },
    };
}

export function serviceArgs(ctx: DeploymentContext): k8s.core.v1.ServiceArgs {
    return {
        metadata: { name: IN_NAMESPACE.service, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            type: "ClusterIP",
            selector: { "app.kubernetes.io/name": "questdb", "questdb.cloud/database": ctx.database.id },
            ports: [
                { name: "http", port: PORTS.http, targetPort: "http" },
                { name: "pg", port: PORTS.pg, targetPort: "pg" },
                { name: "ilp", port: PORTS.ilp, targetPort: "ilp" },
                // Health and Prometheus metrics; the NetworkPolicy admits only the monitoring namespace.
                { name: "status", port: PORTS.status, targetPort: "status" },
            ],
        },
    };
}

export interface QuestDbServer {
    readonly statefulSet: k8s.apps.v1.StatefulSet;
    readonly service: k8s.core.v1.Service;
}

export function createQuestDbServer(
    ctx: DeploymentContext,
    namespace: k8s.core.v1.Namespace,
    credentials: Credentials,
    runsAfter: pulumi.Resource[],
): QuestDbServer {
    const serverConf = renderServerConf(ctx.database.serverConf);
    const inNamespace: pulumi.CustomResourceOptions = { parent: ctx.parent, dependsOn: [namespace] };
    const configMap = new k8s.core.v1.ConfigMap(partName(ctx, "config"), adoptedObjectArgs(ctx, configMapArgs(ctx, serverConf)),
        { ...inNamespace, ...adoptedObjectOptions(ctx, IN_NAMESPACE.configMap) });
    const secret = new k8s.core.v1.Secret(partName(ctx, "credentials"), credentialsSecretArgs(ctx, credentials), inNamespace);
    const statefulSet = new k8s.apps.v1.StatefulSet(partName(ctx, "questdb"), adoptedObjectArgs(ctx, statefulSetArgs(ctx, serverConf, credentials.version)), {
        parent: ctx.parent,
        // The node and the claim must exist first, or the pod waits Pending and `up` times out.
        dependsOn: [namespace, configMap, secret, ...runsAfter],
        // A slow but healthy rollout (volume move, image pull, WAL replay) must not fail `up`.
        customTimeouts: rolloutTimeouts(),
        ...adoptedObjectOptions(ctx, IN_NAMESPACE.statefulSet, SERVER_DEFAULTED_IMMUTABLE.statefulSet),
    });
    const service = new k8s.core.v1.Service(partName(ctx, "service"), adoptedObjectArgs(ctx, serviceArgs(ctx)), { ...inNamespace, ...adoptedObjectOptions(ctx, IN_NAMESPACE.service, SERVER_DEFAULTED_IMMUTABLE.service) });
    return { statefulSet, service };
}
