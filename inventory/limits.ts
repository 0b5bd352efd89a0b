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
