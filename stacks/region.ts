import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FleetMonitoring, QuestDbDeployment } from "../components";
import { EBS_CSI_DRIVER } from "../components/deployment/dataVolume";
import { Inventory, RegionSpec } from "../inventory";
import { kubeconfigFor } from "./kubeconfig";

export const STORAGE_CLASS_NAME = "questdb-ebs-static";

/** What the stack exports for each database. */
export interface DatabaseOutputs {
    readonly endpoint: pulumi.Output<string>;
    readonly volumeId: pulumi.Output<string>;
    readonly nodeGroupName: pulumi.Output<string>;
    readonly state: pulumi.Output<string>;
}

/** One provider for the region's cluster, fed by a single `getCluster` call per stack. */
export function clusterProvider(region: RegionSpec): k8s.Provider {
    const cluster = aws.eks.getClusterOutput({ name: region.clusterName });
    const kubeconfig = pulumi.all([cluster.endpoint, cluster.certificateAuthorities]).apply(([endpoint, authorities]) =>
        kubeconfigFor({ name: region.clusterName, endpoint, certificateAuthorityData: authorities[0].data, awsRegion: region.awsRegion }));
    return new k8s.Provider(`${region.clusterName}-cluster`, { kubeconfig });
}

/**
 * Volumes are created by the program, not provisioned by the driver; the class exists so that a
 * larger claim is allowed to expand them (a static PV with no class cannot be resized).
 */
export function storageClassArgs(): k8s.storage.v1.StorageClassArgs {
    return {
        metadata: { name: STORAGE_CLASS_NAME },
        provisioner: EBS_CSI_DRIVER,
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
        volumeBindingMode: "WaitForFirstConsumer",
        parameters: { type: "gp3", encrypted: "true" },
    };
}

/** Builds the whole region: its provider, shared objects, and one deployment per database. */
export function createRegionStack(inventory: Inventory, credentialsSeed: pulumi.Input<string>): Record<string, DatabaseOutputs> {
    const provider = clusterProvider(inventory.region);
    const storageClass = new k8s.storage.v1.StorageClass("questdb-storage-class", storageClassArgs(), { provider });
    const outputs: Record<string, DatabaseOutputs> = {};
    for (const database of inventory.databases) {
        const deployment = new QuestDbDeployment(database.id, {
            database,
            region: inventory.region,
            credentialsSeed,
            storageClassName: storageClass.metadata.name,
        }, { providers: [provider] });
        outputs[database.id] = {
            endpoint: deployment.endpoint,
            volumeId: deployment.volumeId,
            nodeGroupName: deployment.nodeGroupName,
            state: deployment.state,
        };
    }
    new FleetMonitoring("questdb-fleet", { region: inventory.region }, { providers: [provider] });
    return outputs;
}
