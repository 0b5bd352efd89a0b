import type { NodeProvisioner } from "./nodeProvisioner";
import { DatabaseState } from "./types";

/**
 * What the last deployment recorded about a database, read back from the stack's own outputs.
 * These are the facts an edit must not contradict: data lives in this AZ, on a volume this big.
 */
export interface DeployedFacts {
    readonly state: DatabaseState;
    readonly availabilityZone?: string;
    readonly sizeGiB?: number;
    readonly questdbVersion?: string;
    readonly restoreFromSnapshot?: string;
    /** The KMS key its data volume is encrypted with: the region's `volumeKmsKeyId`, or AWS_MANAGED_EBS_KEY. */
    readonly volumeKmsKeyId?: string;
    /** The StorageClass its PV and PVC name; absent once decommissioned, and in outputs written before #12. */
    readonly storageClassName?: string;
    /**
     * How its node was provisioned and on what instance type; absent once decommissioned, and in
     * outputs written before #22 (the node group path was then the only one). The node group quota
     * preflight compares them: a changed instance type replaces the node group create-first.
     */
    readonly nodeProvisioner?: NodeProvisioner;
    readonly instanceType?: string;
}
