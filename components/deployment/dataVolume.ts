import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IN_NAMESPACE } from "../../inventory";
import { DeploymentContext, partName } from "./context";

export const EBS_CSI_DRIVER = "ebs.csi.aws.com";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export function storageQuantity(sizeGiB: number): string {
    return `${sizeGiB}Gi`;
}

export function volumeArgs(ctx: DeploymentContext): aws.ebs.VolumeArgs {
    const { volume, availabilityZone } = ctx.database;
    return {
        availabilityZone,
        type: "gp3",
        size: volume.sizeGiB,
        iops: volume.iops,
        throughput: volume.throughputMiBps,
        encrypted: true,
        kmsKeyId: ctx.region.volumeKmsKeyId,
        tags: { ...ctx.tags, Name: ctx.names.volumeName },
    };
}

/**
 * The data volume outlives every config edit: `protect` turns any delete or replace into a
 * preview error, and `retainOnDelete` keeps the volume in AWS even once it leaves the state.
 */
export function volumeOptions(parent: pulumi.Resource): pulumi.CustomResourceOptions {
    return { parent, protect: true, retainOnDelete: true };
}

export function persistentVolumeArgs(
    ctx: DeploymentContext,
    volumeId: pulumi.Input<string>,
    storageClassName: pulumi.Input<string>,
): k8s.core.v1.PersistentVolumeArgs {
    return {
        metadata: { name: ctx.names.persistentVolume, labels: ctx.labels },
        spec: {
            capacity: { storage: storageQuantity(ctx.database.volume.sizeGiB) },
            accessModes: ["ReadWriteOnce"],
            volumeMode: "Filesystem",
            // Deleting the PV object must never delete the EBS volume behind it.
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName,
            csi: { driver: EBS_CSI_DRIVER, volumeHandle: volumeId, fsType: "ext4" },
            nodeAffinity: {
                required: {
                    nodeSelectorTerms: [{
                        matchExpressions: [{ key: ZONE_LABEL, operator: "In", values: [ctx.database.availabilityZone] }],
                    }],
                },
            },
            // Pre-bound: no other claim in the cluster can take this volume.
            claimRef: { namespace: ctx.names.namespace, name: IN_NAMESPACE.dataClaim },
        },
    };
}

export function claimArgs(ctx: DeploymentContext, storageClassName: pulumi.Input<string>): k8s.core.v1.PersistentVolumeClaimArgs {
    return {
        metadata: { name: IN_NAMESPACE.dataClaim, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            volumeName: ctx.names.persistentVolume,
            resources: { requests: { storage: storageQuantity(ctx.database.volume.sizeGiB) } },
        },
    };
}

export interface DataVolume {
    readonly volume: aws.ebs.Volume;
    readonly persistentVolume: k8s.core.v1.PersistentVolume;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
}

export function createDataVolume(ctx: DeploymentContext, namespace: k8s.core.v1.Namespace, storageClassName: pulumi.Input<string>): DataVolume {
    const volume = new aws.ebs.Volume(partName(ctx, "volume"), volumeArgs(ctx), volumeOptions(ctx.parent));
    const persistentVolume = new k8s.core.v1.PersistentVolume(
        partName(ctx, "pv"), persistentVolumeArgs(ctx, volume.id, storageClassName), { parent: ctx.parent });
    // The claim grows only after the EBS volume did, so the CSI resizer finds it already grown.
    const claim = new k8s.core.v1.PersistentVolumeClaim(
        partName(ctx, "pvc"), claimArgs(ctx, storageClassName), { parent: ctx.parent, dependsOn: [namespace, persistentVolume, volume] });
    return { volume, persistentVolume, claim };
}
