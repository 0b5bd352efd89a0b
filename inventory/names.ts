/**
 * Every name derived from a database id. Names are a contract: they come from the id alone,
 * never from list position, so reordering the inventory renames nothing. Changing a template
 * here renames (and so replaces) resources in every region: add an alias when you do.
 */

/** The type token of one database's component; its logical name is the database id. Renaming it needs an alias. */
export const QUESTDB_DEPLOYMENT_TYPE = "questdb-cloud:index:QuestDbDeployment";

/** Kubernetes label and taint key that binds a database to its node. */
export const DATABASE_LABEL = "questdb.cloud/database";

/** Terraform's unique suffix after a name prefix is 26 characters long. */
const PREFIX_SUFFIX_LENGTH = 26;

/** Names inside a database's own namespace: fixed, because the namespace isolates them. */
export const IN_NAMESPACE = {
    statefulSet: "questdb",
    service: "questdb",
    ingress: "questdb",
    configMap: "questdb-config",
    credentialsSecret: "questdb-credentials",
    tlsSecret: "questdb-tls",
    /** The gateway path's own certificate and its Secret (the Ingress path's comes from ingress-shim). */
    certificate: "questdb-endpoint",
    endpointTlsSecret: "questdb-endpoint-tls",
    /** Traefik Middleware / MiddlewareTCP holding the database's client allowlist. */
    allowlist: "client-allowlist",
    httpRoute: "questdb",
    postgresRoute: "questdb-postgres",
    /** Traefik TLSOption of the PostgreSQL route: ALPN `postgresql`, which libpq 17's direct TLS requires. */
    postgresTls: "questdb-postgres-tls",
    ilpRoute: "questdb-ilp",
    dataClaim: "questdb-data",
    networkPolicy: "tenant-isolation",
    /** The scheduled consistent snapshot: CronJob, its ServiceAccount, script ConfigMap and NetworkPolicies. */
    backup: "questdb-backup",
    backupScript: "questdb-backup-script",
    backupIngress: "questdb-from-backup",
} as const;

export interface DerivedNames {
    /** Kubernetes namespace. */
    readonly namespace: string;
    /** Cluster-scoped PersistentVolume. */
    readonly persistentVolume: string;
    /** EKS node group name prefix; AWS appends a unique suffix so a replacement can coexist. */
    readonly nodeGroupPrefix: string;
    /** EC2 launch template. */
    readonly launchTemplate: string;
    /** The `Name` tag of the data volume. */
    readonly volumeName: string;
    /** Public host name. */
    readonly hostname: string;
}

export function derivedNames(id: string, dnsSuffix: string): DerivedNames {
    return {
        namespace: `qdb-${id}`,
        persistentVolume: `qdb-${id}-data`,
        nodeGroupPrefix: `qdb-${id}-`,
        launchTemplate: `qdb-${id}`,
        volumeName: `qdb-${id}-data`,
        hostname: `${id}.${dnsSuffix}`,
    };
}

/**
 * Whether an EKS node group of the cluster is database `id`'s: its prefix and AWS's unique suffix,
 * exactly (`qdb-a-` alone would also match `qdb-a-b-…`). Ids are unique across a cluster's stacks.
 */
export function isNodeGroupOf(nodeGroupName: string, id: string): boolean {
    const prefix = derivedNames(id, "").nodeGroupPrefix;
    return nodeGroupName.startsWith(prefix) && nodeGroupName.length === prefix.length + PREFIX_SUFFIX_LENGTH;
}

/** Pulumi logical names of a database's resources, all prefixed by the id. */
export function logicalName(id: string, part: string): string {
    return part === "" ? id : `${id}-${part}`;
}

interface NameLimit {
    readonly what: string;
    readonly length: (names: DerivedNames) => number;
    readonly max: number;
}

/** The limit each derived name must respect; the validator checks every one. */
export const NAME_LIMITS: readonly NameLimit[] = [
    { what: "Kubernetes namespace", length: (n) => n.namespace.length, max: 63 },
    { what: "EKS node group name", length: (n) => n.nodeGroupPrefix.length + PREFIX_SUFFIX_LENGTH, max: 63 },
    { what: "launch template name", length: (n) => n.launchTemplate.length, max: 128 },
    { what: "PersistentVolume name", length: (n) => n.persistentVolume.length, max: 253 },
    { what: "host name", length: (n) => n.hostname.length, max: 253 },
];

/** The longest id every derived name accepts, for error messages. */
export function maxIdLength(dnsSuffix: string): number {
    let longest = 63;
    for (const limit of NAME_LIMITS) {
        const probe = limit.length(derivedNames("", dnsSuffix));
        longest = Math.min(longest, limit.max - probe);
    }
    return longest;
}

/** Tag on a decommissioned database's volume: tells the policy pack that dropping `protect` is deliberate. */
export const STATE_TAG = "questdb.cloud/state";

/** AWS tag naming the stack (region) a resource belongs to. */
export const STACK_TAG = "questdb.cloud/stack";

/**
 * Tag on snapshots the backup job takes, value "scheduled" (as DLM's snapshots before them): the
 * job's retention and its IAM policy delete only snapshots that carry it, so a final snapshot or a
 * hand-made one is never aged out.
 */
export const SNAPSHOT_KIND_TAG = "questdb.cloud/snapshot";

/** Tag on scheduled snapshots: the `backup.schedule` they were taken on, as written in config. */
export const SCHEDULE_TAG = "questdb.cloud/schedule";

/** The platform namespace restore drills run in (components/restoreDrills.ts). */
export const DRILL_NAMESPACE = "questdb-drills";

/** A database's drill CronJob in DRILL_NAMESPACE; `kubectl create job --from=cronjob/<it>` runs one now. */
export function drillCronJobName(id: string): string {
    return `drill-${id}`;
}
