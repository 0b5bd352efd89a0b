import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IN_NAMESPACE, STATE_TAG } from "../../inventory";
import { adoptedOptions } from "./adoption";
import { DeploymentContext, partName } from "./context";

export const EBS_CSI_DRIVER = "ebs.csi.aws.com";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export function storageQuantity(sizeGiB: number): string {
    return `${sizeGiB}Gi`;
}

export function volumeArgs(ctx: DeploymentContext): aws.ebs.VolumeArgs {
    const { volume, availabilityZone, state, restoreFromSnapshot } = ctx.database;
    // The state tag tells the policy pack that the missing `protect` is deliberate. Scheduled
    // snapshots are the backup job's (components/backupJob.ts), which finds the volume by id.
    const lifecycleTags: Record<string, string> = state === "decommissioned" ? { [STATE_TAG]: "decommissioned" } : {};
    return {
        availabilityZone,
        type: "gp3",
        size: volume.sizeGiB,
        iops: volume.iops,
        throughput: volume.throughputMiBps,
        encrypted: true,
        kmsKeyId: ctx.region.volumeKmsKeyId,
        snapshotId: restoreFromSnapshot,
        tags: { ...ctx.tags, ...lifecycleTags, Name: ctx.names.volumeName },
    };
}

/**
 * The data volume outlives every config edit: `protect` turns any delete or replace into a
 * preview error, and `retainOnDelete` keeps the volume in AWS even once it leaves the state.
 * Only a decommissioned database drops `protect`, the documented second step that lets its entry
 * be removed; the volume still stays in AWS.
 */
export function volumeOptions(ctx: DeploymentContext): pulumi.CustomResourceOptions {
    return {
        parent: ctx.parent,
        protect: ctx.database.state !== "decommissioned",
        retainOnDelete: true,
        ...adoptedOptions(ctx, ctx.database.adopt?.volumeId),
    };
}

export function finalSnapshotArgs(ctx: DeploymentContext, volumeId: pulumi.Input<string>): aws.ebs.SnapshotArgs {
    return {
        volumeId,
        description: `Final snapshot of ${ctx.database.id}, taken at decommission`,
        tags: { ...ctx.tags, Name: `${ctx.names.volumeName}-final` },
    };
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

/**
 * What the provider waits for after creating or updating the claim, and so the object it records
 * in the state: `Bound`, whatever the class, and the size just applied. Its built-in PVC await waits
 * for `Pending` in a `WaitForFirstConsumer` class, which a pre-bound claim never shows again, so
 * without `Bound` every later update (a volume grow) of a database bound in the legacy class would
 * time out after 5 minutes (docs/decisions.md, "Binding the data volume"). The size condition keeps
 * a stale copy out of the state: a claim has no `metadata.generation`, so the await's observer
 * takes the informer's first (cached, possibly pre-update) copy as current, and the next preview
 * would show the grow again as an update.
 */
export function claimWaitFor(sizeGiB: number): Record<string, string> {
    const conditions = ["jsonpath={.status.phase}=Bound", `jsonpath={.spec.resources.requests.storage}=${storageQuantity(sizeGiB)}`];
    return { "pulumi.com/waitFor": JSON.stringify(conditions) };
}

export function claimArgs(ctx: DeploymentContext, storageClassName: pulumi.Input<string>): k8s.core.v1.PersistentVolumeClaimArgs {
    return {
        metadata: { name: IN_NAMESPACE.dataClaim, namespace: ctx.names.namespace, labels: ctx.labels, annotations: claimWaitFor(ctx.database.volume.sizeGiB) },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            volumeName: ctx.names.persistentVolume,
            resources: { requests: { storage: storageQuantity(ctx.database.volume.sizeGiB) } },
        },
    };
}

export function createVolume(ctx: DeploymentContext): aws.ebs.Volume {
    return new aws.ebs.Volume(partName(ctx, "volume"), volumeArgs(ctx), volumeOptions(ctx));
}

/** A snapshot that outlives the database: Pulumi never deletes it, not even when the entry goes. */
export function createFinalSnapshot(ctx: DeploymentContext, volume: aws.ebs.Volume): aws.ebs.Snapshot {
    // The first snapshot of a large volume copies every block: allow it hours, not the default 10 minutes.
    return new aws.ebs.Snapshot(partName(ctx, "final-snapshot"), finalSnapshotArgs(ctx, volume.id),
        { parent: ctx.parent, retainOnDelete: true, customTimeouts: { create: "4h" } });
}

/** PV fields a controller owns once the PV exists; the program sets them only at creation. */
export const PV_CONTROLLER_FIELDS = ["spec.capacity", "spec.claimRef"];

export interface VolumeBinding {
    readonly persistentVolume: k8s.core.v1.PersistentVolume;
    readonly claim: k8s.core.v1.PersistentVolumeClaim;
}

/** Binds the volume into the database's namespace through a static PV and its claim. */
export function bindVolume(
    ctx: DeploymentContext,
    volume: aws.ebs.Volume,
    namespace: k8s.core.v1.Namespace,
    storageClass: { readonly name: string; readonly resource?: pulumi.Resource },
): VolumeBinding {
    const storageClassName = storageClass.name;
    // A cell names the owner's class, which is not in its program.
    const classDependency = storageClass.resource ? [storageClass.resource] : [];
    // Fields a controller owns after creation (docs/decisions.md, "Binding the data volume"):
    // - capacity: the CSI resizer; a larger claim makes it expand the volume (already grown by
    //   Pulumi, so the driver only confirms the size), set the PV's capacity and grow the
    //   filesystem online;
    // - claimRef: the PV controller adds the claim's uid and becomes its field manager. Ignored,
    //   pulumi-kubernetes drops the field from its server-side apply (or sends the live value),
    //   so a later change to the PV does not conflict on .spec.claimRef.
    const persistentVolume = new k8s.core.v1.PersistentVolume(
        partName(ctx, "pv"), persistentVolumeArgs(ctx, volume.id, storageClassName),
        { parent: ctx.parent, dependsOn: classDependency, ignoreChanges: PV_CONTROLLER_FIELDS });
    // The claim grows only after the EBS volume did.
    const claim = new k8s.core.v1.PersistentVolumeClaim(
        partName(ctx, "pvc"), claimArgs(ctx, storageClassName), { parent: ctx.parent, dependsOn: [namespace, persistentVolume, volume, ...classDependency] });
    return { persistentVolume, claim };
}
