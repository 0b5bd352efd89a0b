import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FleetMonitoring, QuestDbDeployment, RegionBackups, RegionGateway } from "../components";
import { EBS_CSI_DRIVER } from "../components/deployment/dataVolume";
import { DeployedFacts, Inventory, RegionSpec } from "../inventory";
import { kubeconfigFor } from "./kubeconfig";

export const STORAGE_CLASS_NAME = "questdb-ebs-static";

/** What the stack exports for each database: its handles, and the facts the next change is checked against. */
export interface DatabaseOutputs extends DeployedFacts {
    readonly endpoint: string | undefined;
    readonly volumeId: pulumi.Output<string>;
    readonly nodeGroupName: pulumi.Output<string> | undefined;
    readonly finalSnapshotId: pulumi.Output<string> | undefined;
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
    const { region } = inventory;
    const provider = clusterProvider(region);
    const storageClass = new k8s.storage.v1.StorageClass("questdb-storage-class", storageClassArgs(), { provider });
    const outputs: Record<string, DatabaseOutputs> = {};
    for (const database of inventory.databases) {
        const deployment = new QuestDbDeployment(database.id, {
            database,
            region,
            credentialsSeed,
            storageClassName: storageClass.metadata.name,
        }, { providers: [provider] });
        outputs[database.id] = {
            ...deployment.facts,
            endpoint: deployment.endpoint,
            volumeId: deployment.volumeId,
            nodeGroupName: deployment.nodeGroupName,
            finalSnapshotId: deployment.finalSnapshotId,
        };
    }
    new RegionBackups("questdb-backups", { databases: inventory.databases, awsRegion: region.awsRegion, tags: { "questdb.cloud/stack": region.stack } });
    new FleetMonitoring("questdb-fleet", { region }, { providers: [provider] });
    if (region.gateway) {
        new RegionGateway("questdb-gateway", { gateway: region.gateway, dnsSuffix: region.dnsSuffix }, { providers: [provider] });
    }
    return outputs;
}
