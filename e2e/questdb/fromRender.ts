import * as path from "path";
import { Render, RenderedResource, SECRET_MASK } from "../../render";
import { TYPES, resourcesOfDatabase } from "../../test/support/stacks";

/** The official image starts QuestDB with `-d /var/lib/questdb` (its Dockerfile and entrypoint). */
export const IMAGE_ROOT = "/var/lib/questdb";

export interface RenderedProbe {
    readonly kind: "startupProbe" | "readinessProbe" | "livenessProbe";
    readonly path: string;
    /** The container port the probe targets (a named port resolved). */
    readonly port: number;
}

/** What a database's pod would start QuestDB with, read from the render alone. */
export interface QuestDbLaunch {
    readonly id: string;
    /** The image tag. */
    readonly version: string;
    /** The ConfigMap's server.conf. */
    readonly serverConf: string;
    /** server.conf's place under QuestDB's root, where the init container copies it. */
    readonly confPath: string;
    /** The container's environment with every secretKeyRef resolved from the rendered Secret. */
    readonly env: Readonly<Record<string, string>>;
    readonly probes: readonly RenderedProbe[];
}

interface Container {
    name: string;
    image: string;
    command?: string[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
    ports?: { name?: string; containerPort: number }[];
    volumeMounts?: { name: string; mountPath: string }[];
    startupProbe?: { httpGet?: { path: string; port: number | string } };
    readinessProbe?: { httpGet?: { path: string; port: number | string } };
    livenessProbe?: { httpGet?: { path: string; port: number | string } };
}

interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    volumes: { name: string; configMap?: { name: string } }[];
}

function only(resources: RenderedResource[], type: string, id: string): RenderedResource {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) {
        throw new Error(`database ${id}: expected one ${type}, the render has ${found.length}`);
    }
    return found[0];
}

function mountPath(container: Container, volume: string, id: string): string {
    const mount = container.volumeMounts?.find((m) => m.name === volume);
    if (!mount) {
        throw new Error(`database ${id}: container ${container.name} does not mount volume ${volume}`);
    }
    return mount.mountPath;
}

/** server.conf's path relative to the data volume, from the init container's `cp <src> <dest>`. */
function confPathOf(pod: PodSpec, configMapName: string, id: string): string {
    const init = pod.initContainers?.find((c) => c.command?.join(" ").includes("server.conf"));
    if (!init) {
        throw new Error(`database ${id}: no init container copies server.conf`);
    }
    const copy = /cp (\S+) (\S+)/.exec(init.command!.join(" "));
    const configVolume = pod.volumes.find((v) => v.configMap?.name === configMapName);
    if (!copy || !configVolume) {
        throw new Error(`database ${id}: the init container's command or the ConfigMap volume is not what the test understands: ${init.command!.join(" ")}`);
    }
    const [, source, dest] = copy;
    const configDir = mountPath(init, configVolume.name, id);
    if (source !== path.posix.join(configDir, "server.conf")) {
        throw new Error(`database ${id}: the init container copies ${source}, not the ConfigMap's server.conf at ${configDir}`);
    }
    const dataDir = mountPath(init, "data", id);
    const relative = path.posix.relative(dataDir, dest);
    if (relative.startsWith("..")) {
        throw new Error(`database ${id}: server.conf is copied to ${dest}, outside the data volume ${dataDir}`);
    }
    return relative;
}

function secretValue(secret: RenderedResource, key: string, id: string): string {
    const inputs = secret.inputs as { stringData?: Record<string, string>; data?: Record<string, string> };
    const value = inputs.stringData?.[key] ?? (inputs.data?.[key] !== undefined ? Buffer.from(inputs.data[key], "base64").toString() : undefined);
    if (value === undefined || value === SECRET_MASK) {
        throw new Error(`database ${id}: the Secret has no readable ${key} (render with revealSecrets: true)`);
    }
    return value;
}

function probesOf(container: Container, id: string): RenderedProbe[] {
    const kinds = ["startupProbe", "readinessProbe", "livenessProbe"] as const;
    return kinds.filter((kind) => container[kind]).map((kind) => {
        const get = container[kind]!.httpGet;
        if (!get) {
            throw new Error(`database ${id}: ${kind} is not an httpGet probe`);
        }
        const port = typeof get.port === "number" ? get.port : container.ports?.find((p) => p.name === get.port)?.containerPort;
        if (port === undefined) {
            throw new Error(`database ${id}: ${kind} names port ${get.port}, which the container does not declare`);
        }
        return { kind, path: get.path, port };
    });
}

/** A container's environment, every secretKeyRef resolved from the database's rendered Secret. */
function resolvedEnv(container: Pick<Container, "env">, secret: RenderedResource, id: string): Record<string, string> {
    const secretName = (secret.inputs as { metadata: { name: string } }).metadata.name;
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && ref.name !== secretName) {
            throw new Error(`database ${id}: env ${e.name} refers to Secret ${ref.name}, not the rendered ${secretName}`);
        }
        env[e.name] = ref ? secretValue(secret, ref.key, id) : e.value ?? "";
    }
    return env;
}

/**
 * The environment a database's CronJob (its backup, or its drill) gives its script, from a render
 * made with `revealSecrets: true`: what the e2e files run snapshot.sh and drill.sh with.
 */
export function cronJobEnv(render: Render, id: string, cronJobName: string): Record<string, string> {
    const cronJob = only(render.resources.filter((r) => r.name === cronJobName), TYPES.cronJob, id);
    const container = (cronJob.inputs as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }).spec.jobTemplate.spec.template.spec.containers[0];
    return resolvedEnv(container, only(resourcesOfDatabase(render, id), TYPES.secret, id), id);
}

/** Reads a database's QuestDB launch from a render made with `revealSecrets: true`. */
export function questDbLaunch(render: Render, id: string): QuestDbLaunch {
    const resources = resourcesOfDatabase(render, id);
    // The database's ConfigMap is the one holding server.conf (the backup job has its own, for its script).
    const configMap = only(resources.filter((r) => r.type !== TYPES.configMap || "server.conf" in ((r.inputs as { data?: object }).data ?? {})), TYPES.configMap, id);
    const secret = only(resources, TYPES.secret, id);
    const statefulSet = only(resources, TYPES.statefulSet, id);
    const pod = (statefulSet.inputs as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
    const container = pod.containers.find((c) => c.name === "questdb");
    if (!container) {
        throw new Error(`database ${id}: no questdb container in the StatefulSet`);
    }
    const dataDir = mountPath(container, "data", id);
    if (dataDir !== IMAGE_ROOT) {
        throw new Error(`database ${id}: the data volume is mounted at ${dataDir}, but the image runs QuestDB with root ${IMAGE_ROOT}`);
    }
    const env = resolvedEnv(container, secret, id);
    const configMapInputs = configMap.inputs as { metadata: { name: string }; data: Record<string, string> };
    return {
        id,
        version: container.image.split(":").pop()!,
        serverConf: configMapInputs.data["server.conf"],
        confPath: confPathOf(pod, configMapInputs.metadata.name, id),
        env,
        probes: probesOf(container, id),
    };
}
