import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, DEFAULTS, DRILL_NAMESPACE, RegionSpec } from "../inventory";
import { DRILLS_NAMESPACE_LABEL, onSharedCluster } from "../inventory/cells";
import { MONITORING_API_VERSION, METRICS_PATH, PUSHGATEWAY_SCRAPE_JOB, pushgatewayRuleGroup } from "./monitoring";

export const PUSHGATEWAY_TYPE = "questdb-cloud:index:Pushgateway";

/** The Deployment, Service, ServiceMonitor, NetworkPolicy and PrometheusRule are all called this. */
export const PUSHGATEWAY_NAME = PUSHGATEWAY_SCRAPE_JOB;
/** The Pushgateway's own port (its default). */
export const PUSHGATEWAY_PORT = 9091;
/** The image runs as `nobody`; set explicitly so that runAsNonRoot can check it. */
const PUSHGATEWAY_UID = 65534;
/** Where the Pushgateway persists what was pushed, so that a container restart keeps it. */
const DATA_DIR = "/data";
/** The pod label value under `app.kubernetes.io/component` of the pods allowed to push, as their NetworkPolicies select them. */
export const PUSHERS = { backup: "backup", drill: "drill-runner" } as const;

export interface PushgatewayResources {
    readonly requests: Readonly<Record<string, string>>;
    readonly limits: Readonly<Record<string, string>>;
}

export interface PushgatewayArgs {
    /**
     * The region: the Pushgateway runs in `monitoringNamespace` (@default "monitoring"),
     * `monitoring.labels` (@default {}) label its ServiceMonitor and PrometheusRule, `stack` and
     * `awsRegion` label its alert. Required.
     */
    readonly region: RegionSpec;
    /** The container image, pinned to a version tag or a digest. @default DEFAULTS.pushgateway.image */
    readonly image?: string;
    /** Requests and limits of its container. @default DEFAULTS.pushgateway.resources */
    readonly resources?: PushgatewayResources;
}

/** Where the scripts push, and what their NetworkPolicies must let them reach: plain values, known at plan time. */
export interface PushTarget {
    /** `http://<service>.<namespace>.svc:<port>`; the scripts append `/metrics/job/<job>/database/<id>`. No secret in it. */
    readonly url: string;
    /** The Pushgateway's namespace: the region's monitoring namespace. */
    readonly namespace: string;
    /** The Pushgateway pod's labels, which an egress rule selects. */
    readonly podLabels: Readonly<Record<string, string>>;
    /** Its HTTP port, 9091 (the Pushgateway's default), which the egress rule opens. */
    readonly port: number;
}

/**
 * Whether the region gets a Pushgateway: only with the Prometheus Operator, since its scrape is a
 * ServiceMonitor and its alert a PrometheusRule. Without one, the scripts get no URL and push nothing.
 */
export function hasPushgateway(region: Pick<RegionSpec, "monitoring">): boolean {
    return region.monitoring.prometheusOperator;
}

const podLabels = { "app.kubernetes.io/name": PUSHGATEWAY_NAME, "app.kubernetes.io/component": "pushgateway" };
const objectLabels = { ...podLabels, "app.kubernetes.io/part-of": "questdb-cloud", "app.kubernetes.io/managed-by": "pulumi" };

export function pushTarget(region: Pick<RegionSpec, "monitoringNamespace">): PushTarget {
    const namespace = region.monitoringNamespace;
    return { url: `http://${PUSHGATEWAY_NAME}.${namespace}.svc:${PUSHGATEWAY_PORT}`, namespace, podLabels, port: PUSHGATEWAY_PORT };
}

/** The one egress rule a pushing pod needs: the Pushgateway's pods in their namespace, on its port, nothing wider. */
export function pushgatewayEgressRule(target: PushTarget): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    return {
        to: [{
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": target.namespace } },
            podSelector: { matchLabels: { ...target.podLabels } },
        }],
        ports: [{ protocol: "TCP", port: target.port }],
    };
}

/** Refuses an image that is not pinned: a moving tag would change what runs without a preview showing it. */
export function pushgatewayArgsProblems(args: PushgatewayArgs): string[] {
    const image = args.image ?? DEFAULTS.pushgateway.image;
    const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:v?\d+\.\d+\.\d+$/.test(image);
    return pinned ? [] : [`Pushgateway image "${image}" is not pinned: use a version tag such as ${DEFAULTS.pushgateway.image}, or a digest`];
}

export function pushgatewayDeploymentArgs(args: PushgatewayArgs): k8s.apps.v1.DeploymentArgs {
    const probe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: 10 });
    return {
        metadata: { name: PUSHGATEWAY_NAME, namespace: args.region.monitoringNamespace, labels: objectLabels },
        spec: {
            replicas: 1,
            selector: { matchLabels: podLabels },
            template: {
                metadata: { labels: podLabels },
                spec: {
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    securityContext: { runAsNonRoot: true, runAsUser: PUSHGATEWAY_UID, runAsGroup: PUSHGATEWAY_UID, fsGroup: PUSHGATEWAY_UID, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{
                        name: "pushgateway",
                        image: args.image ?? DEFAULTS.pushgateway.image,
                        // No admin API (wiping groups) and no lifecycle API: pushing is all a client may do.
                        args: [`--web.listen-address=:${PUSHGATEWAY_PORT}`, `--persistence.file=${DATA_DIR}/metrics`, "--persistence.interval=1m"],
                        ports: [{ name: "http", containerPort: PUSHGATEWAY_PORT }],
                        readinessProbe: probe("/-/ready"),
                        livenessProbe: probe("/-/healthy"),
                        resources: structuredClone(args.resources ?? DEFAULTS.pushgateway.resources),
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                        volumeMounts: [{ name: "data", mountPath: DATA_DIR }],
                    }],
                    // Survives a container restart, not a pod move: the next run of each job pushes again.
                    volumes: [{ name: "data", emptyDir: { sizeLimit: "64Mi" } }],
                },
            },
        },
    };
}

export function pushgatewayServiceArgs(region: Pick<RegionSpec, "monitoringNamespace">): k8s.core.v1.ServiceArgs {
    return {
        metadata: { name: PUSHGATEWAY_NAME, namespace: region.monitoringNamespace, labels: objectLabels },
        spec: { type: "ClusterIP", selector: podLabels, ports: [{ name: "http", port: PUSHGATEWAY_PORT, targetPort: "http" }] },
    };
}

/**
 * Who may reach the Pushgateway: the backup pods of database namespaces, the drill runner, and the
 * monitoring namespace itself (Prometheus). Nothing else can push a result that hides a failure.
 */
export function pushgatewayNetworkPolicyArgs(region: Pick<RegionSpec, "monitoringNamespace" | "stack" | "sharedClusterOwner">): k8s.networking.v1.NetworkPolicyArgs {
    const component = (value: string) => ({ matchLabels: { "app.kubernetes.io/component": value } });
    // On a shared cluster every cell's runner has its own drills namespace, all labelled alike.
    const drills = onSharedCluster(region)
        ? { matchExpressions: [{ key: DRILLS_NAMESPACE_LABEL, operator: "Exists" }] }
        : { matchLabels: { "kubernetes.io/metadata.name": DRILL_NAMESPACE } };
    return {
        metadata: { name: PUSHGATEWAY_NAME, namespace: region.monitoringNamespace, labels: objectLabels },
        spec: {
            podSelector: { matchLabels: podLabels },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [
                    { namespaceSelector: { matchExpressions: [{ key: DATABASE_LABEL, operator: "Exists" }] }, podSelector: component(PUSHERS.backup) },
                    { namespaceSelector: drills, podSelector: component(PUSHERS.drill) },
                    { podSelector: {} },
                ],
                ports: [{ protocol: "TCP", port: PUSHGATEWAY_PORT }],
            }],
        },
    };
}

/**
 * The scrape: `honorLabels`, so that every pushed series keeps the `job` and `database` its
 * script pushed it under instead of the Pushgateway's own (Prometheus docs, `honor_labels`).
 */
export function pushgatewayServiceMonitorArgs(region: Pick<RegionSpec, "monitoringNamespace" | "monitoring">): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: MONITORING_API_VERSION,
        kind: "ServiceMonitor",
        metadata: { name: PUSHGATEWAY_NAME, namespace: region.monitoringNamespace, labels: { ...objectLabels, ...region.monitoring.labels } },
        spec: {
            selector: { matchLabels: objectLabels },
            namespaceSelector: { matchNames: [region.monitoringNamespace] },
            endpoints: [{ port: "http", path: METRICS_PATH, scheme: "http", interval: "30s", scrapeTimeout: "10s", honorLabels: true }],
        },
    };
}

export function pushgatewayPrometheusRuleArgs(region: RegionSpec): k8s.apiextensions.CustomResourceArgs {
    return {
        apiVersion: MONITORING_API_VERSION,
        kind: "PrometheusRule",
        metadata: { name: PUSHGATEWAY_NAME, namespace: region.monitoringNamespace, labels: { ...objectLabels, ...region.monitoring.labels } },
        spec: { groups: [pushgatewayRuleGroup({ stack: region.stack, awsRegion: region.awsRegion, namespace: region.monitoringNamespace })] },
    };
}

/**
 * The region's Prometheus Pushgateway (docs/decisions.md, "Backup metrics through a
 * Pushgateway"): the backup and drill Jobs push their results to it when they end, and Prometheus
 * scrapes it. One per region, in the monitoring namespace, with its scrape, its alert and a
 * NetworkPolicy that admits only the pushers and monitoring.
 */
export class Pushgateway extends pulumi.ComponentResource {
    /** Where the scripts push; pass it to QuestDbDeployment and RestoreDrills. */
    readonly target: PushTarget;

    constructor(name: string, args: PushgatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = pushgatewayArgsProblems(args);
        if (problems.length > 0) {
            throw new Error(`Pushgateway ${name}: ${problems.join("; ")}`);
        }
        super(PUSHGATEWAY_TYPE, name, {}, opts);
        const { region } = args;
        this.target = pushTarget(region);
        const deployment = new k8s.apps.v1.Deployment(name, pushgatewayDeploymentArgs(args), { parent: this });
        const service = new k8s.core.v1.Service(`${name}-service`, pushgatewayServiceArgs(region), { parent: this });
        new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, pushgatewayNetworkPolicyArgs(region), { parent: this });
        new k8s.apiextensions.CustomResource(`${name}-metrics`, pushgatewayServiceMonitorArgs(region), { parent: this, dependsOn: [service] });
        new k8s.apiextensions.CustomResource(`${name}-alerts`, pushgatewayPrometheusRuleArgs(region), { parent: this });
        this.registerOutputs({ url: this.target.url, deployment: deployment.id });
    }
}
