import { BackupSpec, MonitoringSpec, VolumeSpec } from "./types";

/**
 * Every default of the program, in one place. The validator applies them; components never
 * invent their own.
 */
export const DEFAULTS = {
    /** EKS's default quota of managed node groups per cluster. */
    maxDatabases: 30,
    /** gp3's baseline performance at a size that suits a small time-series database. */
    volume: { sizeGiB: 100, iops: 3000, throughputMiBps: 125 } satisfies VolumeSpec,
    ingressNamespace: "ingress-nginx",
    /** Traefik's Helm chart: its namespace, websecure entry point and port; our TCP entry points. */
    gateway: { namespace: "traefik", httpsListener: "websecure", httpsPort: 8443, postgresEntryPoint: "postgres", ilpEntryPoint: "ilp" },
    /**
     * The HTTP path (docs/decisions.md, "Customer endpoints"). QuestDB's own query timeout is 60 s
     * (`query.timeout.sec`); a request may run that long and then stream its result, hence the
     * margin. /imp uploads and ILP-over-HTTP batches of 1 GiB must pass, with multipart overhead.
     */
    http: { maxBodyBytes: 2 * 1024 ** 3, questdbQueryTimeoutSec: 60, timeoutMarginSec: 60, minTimeoutSec: 300 },
    monitoringNamespace: "monitoring",
    /** Most EKS clusters we run have kube-prometheus-stack; a cluster without it opts out. */
    monitoring: { prometheusOperator: true, grafanaDashboards: true, labels: {} } satisfies MonitoringSpec,
    /**
     * The region's Pushgateway (components/pushgateway.ts), which the backup and drill scripts push
     * their results to. The image is pinned: a new tag is a reviewed change. A few hundred series
     * per region (about fifteen per database) fit in far less than these requests.
     */
    pushgateway: {
        image: "prom/pushgateway:v1.11.0",
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
    },
    state: "active",
    /**
     * `qdb rollout` (docs/decisions.md, "Rollout waves and gates"): how long a wave must have run
     * before the next is written. The canary wave bakes a day (issue 24: a day's traffic, backups
     * and drills included, reaches the new version); later waves half a day, since the canary has
     * already seen the version and each later wave is larger, so a fault shows sooner.
     */
    rollout: { canaryBakeHours: 24, waveBakeHours: 12 },
    /** A nightly snapshot kept a week: enough to undo a bad day, cheap because EBS snapshots are incremental. */
    backup: { schedule: "cron(0 3 * * ? *)", retainDays: 7 } satisfies BackupSpec,
} as const;
