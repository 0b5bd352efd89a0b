/**
 * How a database's data volume is bound into Kubernetes, and which of the binding's fields may
 * ever change. The PV, the PVC and the StorageClass have immutable fields; changing one replaces
 * the object delete-first, and the protection finalizers hold that delete while the volume is in
 * use, so such a change must never reach a preview (docs/decisions.md, "Binding the data volume").
 */
import type { DeployedFacts } from "./deployedFacts";

/**
 * The StorageClasses of data volumes, by name. A class's `volumeBindingMode`, `reclaimPolicy` and
 * `parameters` are immutable, so a different class is a new name, never an edit.
 */
export const STORAGE_CLASSES = {
    /**
     * Before #12: `WaitForFirstConsumer`. A pre-bound claim binds at once whatever the mode, while
     * the Kubernetes provider waits for such a claim to stay `Pending`: a new database's create
     * raced and timed out. Kept for the databases whose PV and PVC still name it.
     */
    legacy: "questdb-ebs-static",
    /** `Immediate`: the provider waits for `Bound`, which a pre-bound claim reaches at once. */
    current: "questdb-ebs-static-immediate",
} as const;

/**
 * The class of a database's PV and PVC. A database deployed before keeps the class it was bound
 * with, since a PV's or PVC's class cannot change in place; a deployment that recorded no class
 * predates the field and used the legacy class. A new database, or one whose PV went with a
 * decommission, gets the current class.
 */
export function storageClassFor(previous: DeployedFacts | undefined): string {
    if (!previous || previous.state === "decommissioned") {
        return STORAGE_CLASSES.current;
    }
    return previous.storageClassName ?? STORAGE_CLASSES.legacy;
}

/**
 * The only input paths of the binding objects that may ever change after creation; every other
 * field is immutable in the Kubernetes API (a PV's source, affinity and class; a PVC's class,
 * volume and access modes; a class's mode, reclaim policy and parameters) and would replace the
 * object delete-first, where the protection finalizer holds the delete while the volume is in
 * use. Whatever inventory edit would touch one is refused by checkTransitions (AZ, restored
 * snapshot, KMS key, removal), and the class is kept per database (storageClassFor).
 */
export const BINDING_MAY_CHANGE: Readonly<Record<string, readonly string[]>> = {
    // Labels only; capacity and claimRef are controller-owned and ignoreChanges.
    "kubernetes:core/v1:PersistentVolume": ["metadata.labels", "metadata.annotations"],
    // The request grows with the volume (never shrinks: refused).
    "kubernetes:core/v1:PersistentVolumeClaim": ["metadata.labels", "metadata.annotations", "spec.resources.requests.storage"],
    "kubernetes:storage.k8s.io/v1:StorageClass": ["metadata.labels", "metadata.annotations", "allowVolumeExpansion"],
};
