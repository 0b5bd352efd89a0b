import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { DatabaseSpec, DatabaseState, DeployedFacts, QUESTDB_DEPLOYMENT_TYPE, RegionSpec, deployedFactsOf } from "../inventory";
import { DeploymentContext, deploymentContext } from "./deployment/context";
import { createBackupJob } from "./deployment/backup";
import { databaseCredentials } from "./deployment/credentials";
import { bindVolume, createFinalSnapshot, createVolume } from "./deployment/dataVolume";
import { NodeClassRef } from "./deployment/karpenterNode";
import { createNode } from "./deployment/node";
import { createEndpoint } from "./deployment/endpoint";
import { createMetrics } from "./deployment/metrics";
import { createQuestDbServer } from "./deployment/server";
import { createTenantIsolation } from "./deployment/tenantIsolation";
import type { PushTarget } from "./pushgateway";
import type { ClusterFacts } from "./cluster";

export { QUESTDB_DEPLOYMENT_TYPE };

export interface QuestDbDeploymentArgs {
    /** The database, fully resolved and validated by the inventory module. Required. */
    readonly database: DatabaseSpec;
    /** The region it runs in: cluster, subnets, DNS and ingress. Required. */
    readonly region: RegionSpec;
    /** The region's cluster (getCluster): the ARN the backup role's trust names, the address family its egress uses. Required. */
    readonly cluster: ClusterFacts;
    /** Secret seed that the database's passwords are derived from. Required; pass a Pulumi secret. */
    readonly credentialsSeed: pulumi.Input<string>;
    /**
     * StorageClass of the static PersistentVolume and its claim: its name (recorded in the facts)
     * and the class resource, which the PV and PVC wait for; it must allow volume expansion.
     * Required; `resource` is undefined on a cell, which names the cluster owner's class.
     */
    readonly storageClass: { readonly name: string; readonly resource?: pulumi.Resource };
    /**
     * The region's Pushgateway, which the backup job pushes each run's result to (and whose pods
     * its NetworkPolicy lets it reach). @default undefined: the job pushes nothing
     */
    readonly pushgateway?: PushTarget;
    /**
     * The region's EC2NodeClass for this database's node image and architecture (components/
     * karpenterNodeClasses.ts). Required when the database's `nodeProvisioner` is karpenter.
     * @default undefined: the managed node group path needs none
     */
    readonly nodeClass?: NodeClassRef;
}

/**
 * One customer's QuestDB: its namespace, a dedicated tainted node in the AZ of its encrypted EBS
 * volume, the StatefulSet that binds the two, and its HTTPS endpoint with DNS. A paused database
 * keeps everything but runs no node and no pod; a decommissioned one keeps only its volume and a
 * final snapshot.
 */
export class QuestDbDeployment extends pulumi.ComponentResource {
    /** The HTTPS URL of the web console and REST API; undefined once decommissioned. Known at plan time. */
    readonly endpoint: string | undefined;
    /** The EBS volume id of the data volume. */
    readonly volumeId: pulumi.Output<string>;
    /** The EKS node group name; undefined once decommissioned. */
    readonly nodeGroupName: pulumi.Output<string> | undefined;
    /** The final snapshot's id; set only once decommissioned. */
    readonly finalSnapshotId: pulumi.Output<string> | undefined;
    /** The backup job's IAM role (Pod Identity); undefined once decommissioned. */
    readonly backupRoleArn: pulumi.Output<string> | undefined;
    /** The lifecycle state the database was deployed in. */
    readonly state: DatabaseState;
    /** What the next deployment must not contradict (AZ, size, version); see inventory/transitions.ts. */
    readonly facts: DeployedFacts;

    constructor(name: string, args: QuestDbDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super(QUESTDB_DEPLOYMENT_TYPE, name, {}, opts);
        const ctx = deploymentContext(this, args.database, args.region, args.cluster);
        const volume = createVolume(ctx);
        const running = args.database.state !== "decommissioned" ? createRunningParts(ctx, volume, args) : undefined;
        const snapshot = running ? undefined : createFinalSnapshot(ctx, volume);

        // Plain where the value is known at plan time: every Output is promises the SDK must settle,
        // and a 1000-database stack holds thousands of these (docs/offline-tools.md, bench).
        this.endpoint = running ? `https://${ctx.names.hostname}` : undefined;
        this.volumeId = volume.id;
        this.nodeGroupName = running?.nodeGroupName;
        this.finalSnapshotId = snapshot?.id;
        this.backupRoleArn = running?.backupRoleArn;
        this.state = args.database.state;
        this.facts = deployedFactsOf(args.database, args.region, args.storageClass.name);
        this.registerOutputs({
            endpoint: this.endpoint,
            volumeId: this.volumeId,
            nodeGroupName: this.nodeGroupName,
            finalSnapshotId: this.finalSnapshotId,
            state: this.state,
        });
    }
}

/**
 * Which of node and pod changes first. Pausing stops QuestDB before its node goes, so the node is
 * never drained under a running database; resuming brings the node up before the pod that needs
 * it. Pulumi orders updates along dependsOn, so the state decides which depends on which.
 */
export function podFirst(state: DatabaseState): boolean {
    return state === "paused";
}

/** Everything but the volume: what pausing scales to zero and decommissioning removes. */
function createRunningParts(ctx: DeploymentContext, volume: aws.ebs.Volume, args: QuestDbDeploymentArgs) {
    const { namespace } = createTenantIsolation(ctx);
    const binding = bindVolume(ctx, volume, namespace, args.storageClass);
    const credentials = databaseCredentials(args.credentialsSeed, ctx.database.id);
    let nodeGroupName: pulumi.Output<string> | undefined;
    if (podFirst(ctx.database.state)) {
        const server = createQuestDbServer(ctx, namespace, credentials, [binding.claim]);
        nodeGroupName = createNode(ctx, [server.statefulSet], args.nodeClass).nodeGroupName;
    } else {
        const node = createNode(ctx, [], args.nodeClass);
        nodeGroupName = node.nodeGroupName;
        createQuestDbServer(ctx, namespace, credentials, [node.ready, binding.claim]);
    }
    createEndpoint(ctx, namespace);
    createMetrics(ctx, namespace);
    const backupRoleArn = createBackupJob(ctx, namespace, volume, args.pushgateway);
    return { nodeGroupName, backupRoleArn };
}
