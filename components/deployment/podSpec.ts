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
    /** The snapshot the volume was created from, if any: its first start recovers from the checkpoint in it. @default undefined */
    readonly restoreFromSnapshot?: string;
}

/** Written by the init container once it has handled a restored volume's first start. */
export const RESTORE_MARKER = ".questdb-cloud-restore-handled";

/**
 * QuestDB's documented restore (operations/backup): an empty `_restore` file in the root directory
 * makes it recover from the checkpoint that a consistent snapshot holds (`.checkpoint`), and it
 * deletes the file on success. Only on a restored volume's first start: the marker keeps a later
 * restart from asking again, and a crash-consistent snapshot without a checkpoint needs nothing.
 */
export function restoreTriggerCommand(): string {
    return `if [ ! -e ${DATA_PATH}/${RESTORE_MARKER} ]; then if [ -d ${DATA_PATH}/.checkpoint ]; then touch ${DATA_PATH}/_restore; fi; touch ${DATA_PATH}/${RESTORE_MARKER}; fi`;
}

function secretEnv(key: string) {
    return { secretKeyRef: { name: IN_NAMESPACE.credentialsSecret, key } };
}

/** Probe timing; rollout.ts sizes the provider's rollout wait from it. */
export interface ProbeTiming {
    readonly periodSeconds: number;
    readonly failureThreshold: number;
}

/**
 * A crashed database may replay WAL for minutes before it answers: startup allows ten. Ready after
 * one good answer; restarted after a minute without one.
 */
export const PROBES = {
    startup: { periodSeconds: 10, failureThreshold: 60 },
    readiness: { periodSeconds: 10, failureThreshold: 3 },
    liveness: { periodSeconds: 15, failureThreshold: 4 },
} as const satisfies Record<string, ProbeTiming>;

/** QuestDB flushes and closes its tables on SIGTERM; give it two minutes. */
export const TERMINATION_GRACE_SECONDS = 120;

function statusProbe(timing: ProbeTiming): k8s.types.input.core.v1.Probe {
    return { httpGet: { path: "/status", port: PORTS.status }, ...timing, timeoutSeconds: 5 };
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
            { name: "tmp", mountPath: "/tmp" },
        ],
        startupProbe: statusProbe(PROBES.startup),
        readinessProbe: statusProbe(PROBES.readiness),
        livenessProbe: statusProbe(PROBES.liveness),
        // The node is dedicated: request a floor, set no limit, let QuestDB use the machine.
        resources: { requests: { cpu: "500m", memory: "1Gi" } },
        securityContext: CONTAINER_SECURITY,
    };
}

const CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

/** Where the ConfigMap's server.conf is mounted for the init container to copy. */
export const CONFIG_SOURCE_PATH = "/etc/questdb";

/**
 * Copies server.conf into QuestDB's conf/ on the data volume before every start. A subPath
 * mount there would make the runtime create conf/ as root on a fresh volume, and QuestDB (not
 * root) writes its other config files into conf/ on first start.
 */
export function prepareConfigContainer(image: string, restored = false): kx.types.Container {
    const copy = `mkdir -p ${DATA_PATH}/conf && cp ${CONFIG_SOURCE_PATH}/server.conf ${DATA_PATH}/conf/server.conf`;
    return {
        name: "prepare-config",
        image,
        command: ["sh", "-c", restored ? `${copy} && ${restoreTriggerCommand()}` : copy],
        volumeMounts: [
            { name: "data", mountPath: DATA_PATH },
            { name: "config", mountPath: CONFIG_SOURCE_PATH, readOnly: true },
        ],
        resources: { requests: { cpu: "50m", memory: "32Mi" } },
        securityContext: CONTAINER_SECURITY,
    };
}

/** The pod spec of a database: pinned to its node, non-root, no service account token. */
export function questdbPodSpec(input: PodSpecInput): pulumi.Output<k8s.types.input.core.v1.PodSpec> {
    const taint = databaseTaint(input.id);
    return new kx.PodBuilder({
        initContainers: [prepareConfigContainer(input.image, input.restoreFromSnapshot !== undefined)],
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
        terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
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
