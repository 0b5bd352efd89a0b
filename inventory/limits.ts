/**
 * gp3 limits as documented for CreateVolume/ModifyVolume. AWS has since raised them in some
 * regions (64 TiB, 80,000 IOPS, 2,000 MiB/s); we keep the limits that hold everywhere.
 */
export const GP3 = {
    minSizeGiB: 1,
    maxSizeGiB: 16_384,
    minIops: 3_000,
    maxIops: 16_000,
    maxIopsPerGiB: 500,
    minThroughputMiBps: 125,
    maxThroughputMiBps: 1_000,
    /** Throughput may not exceed 0.25 MiB/s per provisioned IOPS. */
    maxThroughputPerIops: 0.25,
} as const;

/**
 * AWS behaviour the runbook's timings rest on (issue 27.9, 27.10), stated once: the docs quote
 * these texts (test/inventory/awsFacts.test.ts).
 */
export const AWS_FACTS = {
    /** EBS ModifyVolume: modifications of one volume per rolling 24 hours, each after the last completed. */
    ebsModificationsPer24Hours: 4,
    /** A managed node group's rolling update, even with one AZ (EKS user guide, "Managed node update behavior"). */
    nodeGroupUpdateSurgeNodes: 2,
    /** Node auto repair's wait on a NotReady node (EKS user guide, "Automatically repair nodes"); no override (docs/decisions.md). */
    nodeRepairNotReadyMinutes: 30,
} as const;

const WORDS = ["zero", "one", "two", "three", "four", "five"];

/** The EBS modification limit as docs write it. */
export function ebsModificationLimitText(): string {
    return `up to ${WORDS[AWS_FACTS.ebsModificationsPer24Hours]} modifications of a volume in a rolling 24 hours, each after the previous one has completed`;
}

/** The node group surge as docs write it. */
export function nodeGroupSurgeText(): string {
    return `surges by up to ${WORDS[AWS_FACTS.nodeGroupUpdateSurgeNodes]} nodes even with one AZ`;
}
