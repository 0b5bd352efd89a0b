import * as pulumi from "@pulumi/pulumi";
import { DatabaseSpec, DatabaseState, RegionSpec } from "../inventory";
import { deploymentContext } from "./deployment/context";
import { databaseCredentials } from "./deployment/credentials";
import { createDataVolume } from "./deployment/dataVolume";
import { createDedicatedNode } from "./deployment/dedicatedNode";
import { createEndpoint } from "./deployment/endpoint";
import { createMetrics } from "./deployment/metrics";
import { createQuestDbServer } from "./deployment/server";
import { createTenantIsolation } from "./deployment/tenantIsolation";

export const QUESTDB_DEPLOYMENT_TYPE = "questdb-cloud:index:QuestDbDeployment";

export interface QuestDbDeploymentArgs {
    /** The database, fully resolved and validated by the inventory module. Required. */
    readonly database: DatabaseSpec;
    /** The region it runs in: cluster, subnets, DNS and ingress. Required. */
    readonly region: RegionSpec;
    /** Secret seed that the database's passwords are derived from. Required; pass a Pulumi secret. */
    readonly credentialsSeed: pulumi.Input<string>;
    /** StorageClass of the static PersistentVolume; it must allow volume expansion. Required. */
    readonly storageClassName: pulumi.Input<string>;
}

/**
 * One customer's QuestDB: its namespace, a dedicated tainted node in the AZ of its encrypted EBS
 * volume, the StatefulSet that binds the two, and its HTTPS endpoint with DNS.
 */
export class QuestDbDeployment extends pulumi.ComponentResource {
    /** The HTTPS URL of the web console and REST API. */
    readonly endpoint: pulumi.Output<string>;
    /** The EBS volume id of the data volume. */
    readonly volumeId: pulumi.Output<string>;
    /** The EKS node group name (AWS appends a unique suffix to the id-derived prefix). */
    readonly nodeGroupName: pulumi.Output<string>;
    /** The lifecycle state the database was deployed in. */
    readonly state: pulumi.Output<DatabaseState>;

    constructor(name: string, args: QuestDbDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super(QUESTDB_DEPLOYMENT_TYPE, name, {}, opts);
        const ctx = deploymentContext(this, args.database, args.region);
        const { namespace } = createTenantIsolation(ctx);
        const node = createDedicatedNode(ctx);
        const data = createDataVolume(ctx, namespace, args.storageClassName);
        const credentials = databaseCredentials(args.credentialsSeed, args.database.id);
        createQuestDbServer(ctx, namespace, credentials, [node.nodeGroup, data.claim]);
        createEndpoint(ctx, namespace);
        createMetrics(ctx, namespace);

        this.endpoint = pulumi.output(`https://${ctx.names.hostname}`);
        this.volumeId = data.volume.id;
        this.nodeGroupName = node.nodeGroup.nodeGroupName;
        this.state = pulumi.output(args.database.state);
        this.registerOutputs({
            endpoint: this.endpoint,
            volumeId: this.volumeId,
            nodeGroupName: this.nodeGroupName,
            state: this.state,
        });
    }
}
