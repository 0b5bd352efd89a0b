import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FleetMonitoring, KarpenterNodeClasses, Pushgateway, QuestDbDeployment, RegionGateway, RestoreDrills, hasPushgateway } from "../components";
import { EBS_CSI_DRIVER } from "../components/deployment/dataVolume";
import { DeployedFacts, Inventory, STORAGE_CLASSES, storageClassFor } from "../inventory";
import { cellRole, ownsClusterObjects } from "../inventory/cells";
import { pushTarget } from "../components/pushgateway";
import { clusterProvider } from "./provider";
import type { KarpenterInputs } from "./karpenter";
import { nodeImageKey } from "../components";
import { drilledDatabases } from "../components/restoreDrills";
import type { ClusterFacts } from "../components/cluster";

/** What the stack exports for each database: its handles, and the facts the next change is checked against. */
export interface DatabaseOutputs extends DeployedFacts {
    readonly endpoint: string | undefined;
    readonly volumeId: pulumi.Output<string>;
    readonly nodeGroupName: pulumi.Output<string> | undefined;
    readonly finalSnapshotId: pulumi.Output<string> | undefined;
    /** The backup job's role; absent once decommissioned. What tools/simulatePolicies.ts simulates. */
    readonly backupRoleArn?: pulumi.Output<string>;
    /** The region's drill runner role, on each database it drills; absent on the others. */
    readonly drillRoleArn?: pulumi.Output<string>;
}

/** Logical names of the classes: the legacy one keeps its original name, so its object is never touched. */
const STORAGE_CLASS_RESOURCES: Readonly<Record<string, string>> = {
    [STORAGE_CLASSES.legacy]: "questdb-storage-class",
    [STORAGE_CLASSES.current]: "questdb-storage-class-immediate",
};

/**
 * Volumes are created by the program, not provisioned by the driver; the class exists so that a
 * larger claim is allowed to expand them (a static PV with no class cannot be resized). The
 * legacy class keeps its `WaitForFirstConsumer` (immutable); new bindings use `Immediate`.
 */
export function storageClassArgs(name: string): k8s.storage.v1.StorageClassArgs {
    return {
        metadata: { name },
        provisioner: EBS_CSI_DRIVER,
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
        volumeBindingMode: name === STORAGE_CLASSES.legacy ? "WaitForFirstConsumer" : "Immediate",
        parameters: { type: "gp3", encrypted: "true" },
    };
}

/**
 * The classes the region needs: always the current one (for the next new database), and the
 * legacy one while any database's PV still names it. Once none does, it leaves the program and
 * Pulumi deletes it; a StorageClass delete touches no PV. The owner of a shared cluster keeps
 * every class, because it cannot see which ones the other cells' claims still name; a cell
 * creates none and names the owner's.
 */
export function storageClassesNeeded(role: ReturnType<typeof cellRole>, classOf: ReadonlyMap<string, string>): string[] {
    if (role === "cell") {
        return [];
    }
    const kept = role === "owner" ? Object.values(STORAGE_CLASSES) : [STORAGE_CLASSES.current, ...classOf.values()];
    return [...new Set(kept)].sort();
}

function createStorageClasses(needed: readonly string[], provider: k8s.Provider): Map<string, pulumi.Resource> {
    return new Map(needed.map((name) => [name,
        new k8s.storage.v1.StorageClass(STORAGE_CLASS_RESOURCES[name] ?? `questdb-storage-class-${name}`, storageClassArgs(name), { provider })]));
}

/** Builds the whole region: its provider, shared objects, and one deployment per database. */
export function createRegionStack(
    inventory: Inventory, credentialsSeed: pulumi.Input<string>, cluster: ClusterFacts, previous: Readonly<Record<string, DeployedFacts>> = {},
    karpenter?: KarpenterInputs, retainedVolumeIds: Readonly<Record<string, string>> = {},
): Record<string, DatabaseOutputs> {
    const { region } = inventory;
    const provider = clusterProvider(region, cluster);
    const classOf = new Map(inventory.databases.filter((d) => d.state !== "decommissioned").map((d) => [d.id, storageClassFor(previous[d.id])]));
    const owns = ownsClusterObjects(region);
    const classes = createStorageClasses(storageClassesNeeded(cellRole(region), classOf), provider);
    // Backup and drill results are pushed here (docs/decisions.md); only where Prometheus Operator objects can exist. A cell pushes to the owner's.
    const pushgateway = !hasPushgateway(region) ? undefined
        : owns ? new Pushgateway("questdb-pushgateway", { region }, { providers: [provider] }).target : pushTarget(region);
    // One EC2NodeClass per node image of the region's Karpenter databases (components/karpenterNodeClasses.ts).
    const nodeClasses = karpenter ? new KarpenterNodeClasses("questdb-node-classes", {
        region, ...karpenter, securityGroupId: cluster.clusterSecurityGroupId,
    }, { providers: [provider] }).classes : undefined;
    const outputs: Record<string, DatabaseOutputs> = {};
    for (const database of inventory.databases) {
        const name = classOf.get(database.id) ?? STORAGE_CLASSES.current;
        const deployment = new QuestDbDeployment(database.id, {
            database,
            region,
            cluster,
            credentialsSeed,
            storageClass: { name, resource: classes.get(name) },
            pushgateway,
            nodeClass: nodeClasses?.get(nodeImageKey(database)),
        }, { providers: [provider] });
        outputs[database.id] = {
            ...deployment.facts,
            endpoint: deployment.endpoint,
            volumeId: deployment.volumeId,
            nodeGroupName: deployment.nodeGroupName,
            finalSnapshotId: deployment.finalSnapshotId,
            ...(deployment.backupRoleArn ? { backupRoleArn: deployment.backupRoleArn } : {}),
        };
    }
    // Scheduled snapshots are per database (components/deployment/backup.ts); drills are the region's.
    // The drills' deny list: every volume the program manages, and those of removed databases, which AWS keeps.
    const volumeIds = { ...retainedVolumeIds, ...Object.fromEntries(Object.entries(outputs).map(([id, o]) => [id, o.volumeId])) };
    const drills = new RestoreDrills("questdb-drills", { databases: inventory.databases, region, cluster, volumeIds, pushgateway }, { providers: [provider] });
    if (drills.roleArn) {
        for (const database of drilledDatabases(inventory.databases)) {
            outputs[database.id] = { ...outputs[database.id], drillRoleArn: drills.roleArn };
        }
    }
    if (!owns) {
        return outputs;
    }
    new FleetMonitoring("questdb-fleet", { region }, { providers: [provider] });
    if (region.gateway) {
        new RegionGateway("questdb-gateway", { gateway: region.gateway, dnsSuffix: region.dnsSuffix }, { providers: [provider] });
    }
    return outputs;
}
