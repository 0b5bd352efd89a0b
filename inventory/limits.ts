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

/** An AWS quota that bounds a region, with where it is stated. */
export interface AwsQuota {
    /** The default value of the quota. */
    readonly value: number;
    /** Whether Service Quotas can raise it. */
    readonly adjustable: boolean;
    /** Service Quotas service code and quota code, where the quota has one. */
    readonly serviceCode?: string;
    readonly quotaCode?: string;
    /** Where the value is stated. */
    readonly source: string;
}

/**
 * The AWS quotas that bound a region stack: the one table that validation, the preflight, the
 * bench and docs/runbook.md ("What bounds a region") state. Checked against the EKS user guide's
 * service quotas page and IAM's quotas page (shared/reference/field-notes.md).
 */
export const AWS_QUOTAS = {
    /** Every managed node group of the cluster counts, this stack's or not; a replacement needs one more. */
    managedNodeGroupsPerCluster: {
        value: 30, adjustable: true, serviceCode: "eks", quotaCode: "L-6D54EA21",
        source: "EKS user guide, Amazon EKS service quotas (\"Managed node groups per cluster\")",
    },
    /** One per non-decommissioned database (its backup) plus one for the region's restore drills. */
    podIdentityAssociationsPerCluster: {
        value: 1000, adjustable: false,
        source: "EKS user guide, Amazon EKS service quotas (\"Pod Identity associations per cluster\", not adjustable)",
    },
    /** One backup role per non-decommissioned database plus the drill runner's; shared by every stack of the account. */
    iamRolesPerAccount: {
        value: 1000, adjustable: true, serviceCode: "iam", quotaCode: "L-FE177D64",
        source: "IAM user guide, IAM and AWS STS quotas (\"Roles per account\", default 1,000)",
    },
} as const satisfies Record<string, AwsQuota>;

/** Pod Identity associations and IAM roles the region holds besides its databases' (the drill runner's). */
export const REGION_OWN_ASSOCIATIONS = 1;

/**
 * The largest `maxDatabases` that can work on either path: every non-decommissioned database holds a
 * Pod Identity association, and the cluster's limit cannot be raised.
 */
export const MAX_DATABASES_LIMIT = AWS_QUOTAS.podIdentityAssociationsPerCluster.value - REGION_OWN_ASSOCIATIONS;
