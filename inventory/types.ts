/**
 * The typed inventory of one region stack, after defaults are applied and validation passed.
 * Everything downstream (the region stack, the components, the tools) consumes these types and
 * never reads raw config.
 */

/**
 * Lifecycle state of a database. `paused`: no compute, everything else kept. `decommissioned`:
 * only the data volume and a final snapshot remain; the entry may then be removed.
 */
export type DatabaseState = "active" | "paused" | "decommissioned";

/** A scheduled restore drill of a database's newest snapshot (docs/runbook.md, "Restore drills"). */
export interface DrillSpec {
    /** When the drill runs: DLM cron form in UTC, as `BackupSpec.schedule`. Required in a drill block. */
    readonly schedule: string;
}

/**
 * Consistent EBS snapshots on a schedule, taken by a CronJob in the database's namespace inside a
 * QuestDB checkpoint (components/backupJob.ts), and optionally a restore drill.
 */
export interface BackupSpec {
    /**
     * DLM cron form in UTC, such as "cron(0 3 * * ? *)"; converted to the CronJob's schedule
     * (inventory/cron.ts); at most hourly. @default daily at 03:00 UTC
     */
    readonly schedule: string;
    /** Days a scheduled snapshot is kept; the backup job deletes older ones it tagged. @default 7 */
    readonly retainDays: number;
    /** A scheduled restore drill. @default undefined: no scheduled drill */
    readonly drill?: DrillSpec;
}

/**
 * The two reviewed steps of an adoption. `import`: every adopted resource is imported exactly as
 * it is (`ignoreChanges: ["*"]`): no update, no replacement, no restart. `converge`, in a later
 * deployment: the program's inputs apply, and the preview shows each difference.
 */
export type AdoptStep = "import" | "converge";

/**
 * Existing cloud and Kubernetes resources that a database's component takes over instead of
 * creating, the counterpart of an operator inheriting legacy resources. Each is optional.
 */
export interface AdoptSpec {
    /** Which step of the adoption this deployment is. Required: `import` first, `converge` in a later change. */
    readonly step: AdoptStep;
    /**
     * Import the database's Kubernetes objects, which must exist under this program's names: the
     * namespace `qdb-<id>` and, in it, the ConfigMap `questdb-config`, the StatefulSet, Service and
     * Ingress `questdb`. @default false
     */
    readonly kubernetes: boolean;
    /** The legacy EBS data volume, imported as the database's volume. */
    readonly volumeId?: string;
    /** The legacy EKS node group, imported under its existing name. */
    readonly nodeGroupName?: string;
    /** The legacy launch template of that node group. */
    readonly launchTemplateId?: string;
    /** Import the existing Route53 record `<id>.<dnsSuffix>`. @default false */
    readonly dnsRecord: boolean;
}

import type { NodeProvisioner } from "./nodeProvisioner";
import type { MaintenanceWindow } from "./maintenanceWindow";
import type { DisruptiveFacts } from "./disruptive";

/** CPU architecture of an instance type; decides the EKS AMI type. */
export type Architecture = "x86_64" | "arm64";

/** Size and performance of a database's gp3 data volume. */
export interface VolumeSpec {
    /** Size in GiB. @default 100 (region default, then `DEFAULTS.volume`) */
    readonly sizeGiB: number;
    /** Provisioned IOPS. @default 3000, gp3's baseline */
    readonly iops: number;
    /** Provisioned throughput in MiB/s. @default 125, gp3's baseline */
    readonly throughputMiBps: number;
}

/** Who may connect to a database from outside the cluster. */
export interface AccessSpec {
    /**
     * Client networks, as CIDRs, allowed to reach every protocol of the database; refused
     * elsewhere at the gateway (or ingress) and again by the NetworkPolicy. An empty list means
     * no external access at all. @default region `defaults.access` (required there)
     */
    readonly allowedCidrs: readonly string[];
}

/**
 * The region's Gateway API endpoint, served by Traefik v3 (docs/decisions.md, "Customer
 * endpoints"): HTTPS through an HTTPRoute, PostgreSQL wire and ILP over TLS through Traefik's
 * IngressRouteTCP (the only way to attach an allowlist to a TCP route and to answer a classic
 * PostgreSQL SSLRequest).
 */
export interface GatewaySpec {
    /** Name of the region's Gateway. Required. */
    readonly name: string;
    /** Namespace of the Gateway and of Traefik's pods, the source the NetworkPolicy admits. @default "traefik" */
    readonly namespace: string;
    /**
     * GatewayClass of a Gateway the program creates (with a wildcard certificate). Absent: the
     * Gateway already exists and is only referenced. @default undefined, reference an existing Gateway
     */
    readonly className?: string;
    /** Listener (sectionName) of the Gateway that HTTPRoutes attach to; HTTPS. @default "websecure" */
    readonly httpsListener: string;
    /** Port of that listener when the program creates the Gateway: Traefik's websecure entry point. @default 8443 */
    readonly httpsPort: number;
    /** Traefik entry point that carries PostgreSQL wire over TLS (public port 8812). @default "postgres" */
    readonly postgresEntryPoint: string;
    /** Traefik entry point that carries ILP over TCP with TLS (public port 9009). @default "ilp" */
    readonly ilpEntryPoint: string;
    /** cert-manager ClusterIssuer of each database's certificate (and the Gateway's wildcard). Required. */
    readonly clusterIssuer: string;
    /** DNS name of the NLB in front of Traefik; database records point here when `dnsTarget` is gateway. Required. */
    readonly loadBalancerHostname: string;
}

/** Which endpoint the databases' DNS records point at: the switch of a move from Ingress to Gateway API. */
export type DnsTarget = "gateway" | "ingress";

/** Legacy Ingress settings shared by every database of the region (HTTPS only). */
export interface IngressSpec {
    /** IngressClass that serves database endpoints. Required. */
    readonly className: string;
    /** cert-manager ClusterIssuer that signs each database's certificate. Required. */
    readonly clusterIssuer: string;
    /** DNS name of the ingress controller's load balancer; each database's record points here. Required. */
    readonly loadBalancerHostname: string;
    /** Namespace of the ingress controller, the only source allowed into database pods. @default "ingress-nginx" */
    readonly namespace: string;
}

/** Region-wide defaults that each database may override. */
export interface RegionDefaults {
    /** QuestDB image tag. Required. */
    readonly questdbVersion: string;
    /** EKS AMI release version of database nodes, e.g. "1.31.3-20250103". Required. */
    readonly nodeImage: string;
    /** EC2 instance type of database nodes. Required. */
    readonly instanceType: string;
    /** Data volume defaults. @default `DEFAULTS.volume` */
    readonly volume: VolumeSpec;
    /** Backup defaults. @default `DEFAULTS.backup` */
    readonly backup: BackupSpec;
    /** Who may connect to databases that set no `access`. Required: there is no safe guess. */
    readonly access: AccessSpec;
    /**
     * When databases that set none may be disrupted (inventory/maintenanceWindow.ts, "sun 02:00-04:00",
     * UTC). @default undefined: any time
     */
    readonly maintenanceWindow?: MaintenanceWindow;
}

/**
 * How the region's monitoring stack picks up the fleet. `monitoringNamespace` (the namespace)
 * stays a top-level region field for compatibility; this block holds the switches.
 */
export interface MonitoringSpec {
    /**
     * The cluster runs the Prometheus Operator (its monitoring.coreos.com CRDs exist): create one
     * ServiceMonitor per database and one PrometheusRule per region. Turn off on clusters without
     * the operator, where creating those objects fails. @default true
     */
    readonly prometheusOperator: boolean;
    /**
     * Grafana's dashboard sidecar watches ConfigMaps labelled `grafana_dashboard: "1"`: create the
     * region's fleet dashboard in `monitoringNamespace`. @default true
     */
    readonly grafanaDashboards: boolean;
    /**
     * Labels added to every ServiceMonitor and PrometheusRule, so that the Prometheus resource's
     * selectors pick them up (kube-prometheus-stack selects `release: <helm release>`). @default {}
     */
    readonly labels: Readonly<Record<string, string>>;
}

/** One region: one AWS region, one EKS cluster. */
/** The region's `rollout` block: what `qdb rollout` needs (docs/decisions.md, "Rollout waves and gates"); the program renders nothing from it. */
export interface RolloutSpec {
    /**
     * Prometheus's base URL, whose `/api/v1/alerts` the alert gate asks. No credentials here: they
     * come from QDB_PROMETHEUS_TOKEN or QDB_PROMETHEUS_TOKEN_FILE. @default undefined: the gate
     * cannot be checked, and `qdb rollout` refuses to write a wave after the canary
     */
    readonly prometheusUrl?: string;
    /** Hours the canary wave runs before the next is written. @default DEFAULTS.rollout.canaryBakeHours (24) */
    readonly canaryBakeHours: number;
    /** Hours each later wave runs before the next. @default DEFAULTS.rollout.waveBakeHours (12) */
    readonly waveBakeHours: number;
    /** Written with a revert by `qdb rollout` when an alert halted it: no wave is written until `qdb unset --stack <s> rollout.halted` removes it. @default undefined */
    readonly halted?: string;
}

export interface RegionSpec {
    /** The Pulumi stack name, used in error messages and tags. */
    readonly stack: string;
    /** The AWS region, from `aws:region`. Required. */
    readonly awsRegion: string;
    /** Name of the existing EKS cluster. Required. */
    readonly clusterName: string;
    /** Route53 hosted zone that holds `<id>.<dnsSuffix>` records. Required. */
    readonly hostedZoneId: string;
    /** DNS suffix; a database is reached at `<id>.<dnsSuffix>`. Required. */
    readonly dnsSuffix: string;
    /** IAM role ARN that database nodes run as. Required. */
    readonly nodeRoleArn: string;
    /** Availability zone to private subnet id. Each database's node lives in its AZ's subnet. Required. */
    readonly subnets: Readonly<Record<string, string>>;
    /** Legacy Ingress settings (HTTPS only). @default undefined; at least one of ingress and gateway */
    readonly ingress?: IngressSpec;
    /** Gateway API endpoint (HTTPS, PostgreSQL wire, ILP). @default undefined; at least one of ingress and gateway */
    readonly gateway?: GatewaySpec;
    /** Where DNS records point. @default "gateway" when a gateway is configured, else "ingress" */
    readonly dnsTarget: DnsTarget;
    /** Namespace of the monitoring stack, allowed to scrape port 9003. @default "monitoring" */
    readonly monitoringNamespace: string;
    /** Prometheus Operator and Grafana switches. @default `DEFAULTS.monitoring`: both on, no extra labels */
    readonly monitoring: MonitoringSpec;
    /** How dedicated nodes are provisioned (inventory/nodeProvisioner.ts). @default "managedNodeGroup" */
    readonly nodeProvisioner: NodeProvisioner;
    /** Capacity guard: the most databases that may hold a node group. @default 30 (EKS quota) */
    readonly maxDatabases: number;
    /** KMS key for data volumes. @default undefined, the account's aws/ebs key */
    readonly volumeKmsKeyId?: string;
    /** Defaults for each database. Required. */
    readonly defaults: RegionDefaults;
    /** Release channels: channel name to QuestDB version, e.g. {stable: "8.2.3", canary: "8.2.4"}. @default {} */
    readonly channels: Readonly<Record<string, string>>;
    /**
     * Ids of databases removed from this stack. Ids are never reused (a new database under an old
     * id would inherit its DNS name, its snapshots' tags and its place in the stack's history), so
     * an entry with one of these ids is refused. `qdb remove` appends to it. @default []
     */
    readonly retiredIds: readonly string[];
    /**
     * The stack that owns the cluster's once-per-cluster objects when several stacks (cells) share
     * the cluster (inventory/cells.ts): the owner names itself, every other cell names the owner.
     * @default undefined: the stack has the cluster to itself and owns them
     */
    readonly sharedClusterOwner?: string;
    /** `qdb rollout`'s settings and halt record. @default bake hours from DEFAULTS.rollout, no Prometheus, not halted */
    readonly rollout: RolloutSpec;
}

/** A database's `pending:` block, validated: what waits for its maintenance window. */
export interface PendingChange {
    /** The block's fields as written, e.g. {questdbVersion: "8.2.4"}. Required. */
    readonly fields: Readonly<Record<string, unknown>>;
    /** What the database will run once the block is promoted. Derived. */
    readonly promoted: DisruptiveFacts;
}

/** One customer database, every field resolved. */
export interface DatabaseSpec {
    /** DNS label; every resource name derives from it. Required, never changes. */
    readonly id: string;
    /** The AZ of the node and the volume. Required, never changes. */
    readonly availabilityZone: string;
    /** The region's subnet for `availabilityZone`. Derived. */
    readonly subnetId: string;
    /** EC2 instance type of the dedicated node. @default region `defaults.instanceType` */
    readonly instanceType: string;
    /** Architecture of `instanceType`. Derived. */
    readonly architecture: Architecture;
    /** The data volume. @default region `defaults.volume`, merged field by field */
    readonly volume: VolumeSpec;
    /** QuestDB image tag: the pinned version, else the channel's, else region `defaults.questdbVersion`. */
    readonly questdbVersion: string;
    /** The release channel the database follows, when it does not pin a version. @default undefined */
    readonly channel?: string;
    /** Permit a downgrade across major versions (data formats may not read back). @default false */
    readonly allowMajorDowngrade: boolean;
    /** EKS AMI release version. @default region `defaults.nodeImage` */
    readonly nodeImage: string;
    /** How its dedicated node is provisioned. @default region `nodeProvisioner` */
    readonly nodeProvisioner: NodeProvisioner;
    /** server.conf overrides, key to value. @default {} */
    readonly serverConf: Readonly<Record<string, string>>;
    /** Lifecycle state. @default "active" */
    readonly state: DatabaseState;
    /** Scheduled snapshots. @default region `defaults.backup`, merged field by field */
    readonly backup: BackupSpec;
    /** Snapshot that a new database's volume is created from. Only valid at creation. @default undefined */
    readonly restoreFromSnapshot?: string;
    /** Who may connect from outside the cluster. @default region `defaults.access` */
    readonly access: AccessSpec;
    /** Legacy resources to import. @default undefined, create everything */
    readonly adopt?: AdoptSpec;
    /**
     * When a change that restarts or moves the database may apply (docs/decisions.md, "Maintenance
     * windows"). @default region `defaults.maintenanceWindow`; undefined: any time
     */
    readonly maintenanceWindow?: MaintenanceWindow;
    /**
     * Disruptive changes waiting for the window: not rendered; `qdb promote` moves them into the
     * live fields while the window is open. @default undefined: nothing pending
     */
    readonly pending?: PendingChange;
    /**
     * Why a disruptive change applies now, outside the window; shown in impact. Counts once: a
     * value the last deployment already carried allows nothing new. @default undefined
     */
    readonly maintenanceOverride?: string;
    /**
     * When `qdb promote` moved the pending change into the live fields (ISO 8601, UTC); allows
     * that change when the instant is inside the window and new since the last deployment.
     * @default undefined
     */
    readonly promotedAt?: string;
    /**
     * The stack the database was created in, when it moved here from another cell (`qdb move`
     * writes it): its AWS tags, its snapshots' tags and its backup role's conditions keep naming
     * that stack, so the move changes none of its resources (docs/decisions.md, "Moving a
     * database between cells"). @default undefined: this stack
     */
    readonly originStack?: string;
}

/** A database this stack handed to another cell (inventory/moves.ts): rendered nowhere here, owned by `to`. */
export interface MovedOut {
    readonly id: string;
    /** The stack whose file now holds the database's entry. */
    readonly to: string;
}

/** A whole region stack's inventory. */
export interface Inventory {
    readonly region: RegionSpec;
    readonly databases: readonly DatabaseSpec[];
    /**
     * Databases this stack handed to another cell (`{id, movedTo}` entries): rendered nowhere
     * here, never refused as removed, never retired (inventory/moves.ts). @default []
     */
    readonly movedOut?: readonly MovedOut[];
}
