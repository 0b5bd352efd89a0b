// The one place that uses @pulumi/kubernetesx: its PodBuilder turns env, port and mount maps
// into a pod spec with less noise. It is unmaintained (see docs/decisions.md), so keep it here.
import * as kx from "@pulumi/kubernetesx";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, IN_NAMESPACE, PORTS } from "../../inventory";
import { databaseTaint } from "./dedicatedNode";

export const DATA_PATH = "/var/lib/questdb";
/** The uid and gid of the questdb user in the official image. */
export const QUESTDB_UID = 10001;

export interface PodSpecInput {
    readonly id: string;
    readonly image: string;
}

function secretEnv(key: string) {
    return { secretKeyRef: { name: IN_NAMESPACE.credentialsSecret, key } };
}

function statusProbe(periodSeconds: number, failureThreshold: number): k8s.types.input.core.v1.Probe {
    return { httpGet: { path: "/status", port: PORTS.status }, periodSeconds, failureThreshold, timeoutSeconds: 5 };
}

export function questdbContainer(image: string): kx.types.Container {
    return {
        name: "questdb",
        image,
        ports: { http: PORTS.http, pg: PORTS.pg, ilp: PORTS.ilp, status: PORTS.status },
        env: {
            QDB_HTTP_USER: secretEnv("http.user"),
            QDB_HTTP_PASSWORD: secretEnv("http.password"),
            QDB_PG_USER: secretEnv("pg.user"),
            QDB_PG_PASSWORD: secretEnv("pg.password"),
        },
        volumeMounts: [
            { name: "data", mountPath: DATA_PATH },
            { name: "config", mountPath: `${DATA_PATH}/conf/server.conf`, subPath: "server.conf", readOnly: true },
            { name: "tmp", mountPath: "/tmp" },
        ],
        // A crashed database may replay WAL for minutes before it answers; allow ten.
        startupProbe: statusProbe(10, 60),
        readinessProbe: statusProbe(10, 3),
        livenessProbe: statusProbe(15, 4),
        // The node is dedicated: request a floor, set no limit, let QuestDB use the machine.
        resources: { requests: { cpu: "500m", memory: "1Gi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
    };
}

/** The pod spec of a database: pinned to its node, non-root, no service account token. */
export function questdbPodSpec(input: PodSpecInput): pulumi.Output<k8s.types.input.core.v1.PodSpec> {
    const taint = databaseTaint(input.id);
    return new kx.PodBuilder({
        containers: [questdbContainer(input.image)],
        volumes: [
            { name: "data", persistentVolumeClaim: { claimName: IN_NAMESPACE.dataClaim } },
            { name: "config", configMap: { name: IN_NAMESPACE.configMap } },
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
        ],
        nodeSelector: { [DATABASE_LABEL]: input.id },
        tolerations: [{ key: taint.key, operator: "Equal", value: taint.value, effect: "NoSchedule" }],
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 120,
        securityContext: {
            runAsNonRoot: true,
            runAsUser: QUESTDB_UID,
            runAsGroup: QUESTDB_UID,
            fsGroup: QUESTDB_UID,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
        },
    }).podSpec;
}
