import { DatabaseState } from "./types";
import type { DisruptiveFacts } from "./disruptive";

/**
 * What the last deployment recorded about a database, read back from the stack's own outputs.
 * These are the facts an edit must not contradict: data lives in this AZ, on a volume this big;
 * and what runs (version, server.conf, node), which a maintenance window protects. The disruptive
 * facts are absent in outputs written before maintenance windows existed: nothing is checked then.
 */
export interface DeployedFacts extends Partial<DisruptiveFacts> {
    readonly state: DatabaseState;
    readonly availabilityZone?: string;
    readonly sizeGiB?: number;
    readonly questdbVersion?: string;
    readonly restoreFromSnapshot?: string;
    /** The KMS key its data volume is encrypted with: the region's `volumeKmsKeyId`, or AWS_MANAGED_EBS_KEY. */
    readonly volumeKmsKeyId?: string;
    /** The StorageClass its PV and PVC name; absent once decommissioned, and in outputs written before #12. */
    readonly storageClassName?: string;
    /** The `maintenanceOverride` it was deployed with: counts once, so a later disruptive edit needs a new reason. */
    readonly maintenanceOverride?: string;
    /** The `promotedAt` it was deployed with: a promotion is allowed once. */
    readonly promotedAt?: string;
}
