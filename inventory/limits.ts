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
