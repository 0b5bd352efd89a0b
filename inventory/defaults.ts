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
    monitoringNamespace: "monitoring",
    /** Most EKS clusters we run have kube-prometheus-stack; a cluster without it opts out. */
    monitoring: { prometheusOperator: true, grafanaDashboards: true, labels: {} } satisfies MonitoringSpec,
    state: "active",
    /** A nightly snapshot kept a week: enough to undo a bad day, cheap because EBS snapshots are incremental. */
    backup: { schedule: "cron(0 3 * * ? *)", retainDays: 7 } satisfies BackupSpec,
} as const;
