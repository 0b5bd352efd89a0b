/**
 * The dedicated node as a strategy: what the rest of a deployment needs from its node, whichever
 * way it is provisioned (the database's `nodeProvisioner`, resolved by the inventory). Both paths
 * label and taint the node with the database id (dedicatedNode.ts `databaseTaint`), which the pod
 * selects and tolerates; this is the only place that branches on the provisioner.
 */
import * as pulumi from "@pulumi/pulumi";
import { maintenanceWindowOf } from "../../inventory";
import { DeploymentContext } from "./context";
import { createDedicatedNode } from "./dedicatedNode";
import { NodeClassRef, createNodePool } from "./karpenterNode";

export interface DedicatedNodeHandle {
    /** What the StatefulSet waits for before it changes: the node group, or the NodePool. */
    readonly ready: pulumi.Resource;
    /** The EKS node group's name; undefined on the Karpenter path. */
    readonly nodeGroupName?: pulumi.Output<string>;
}

/**
 * `after`: what the node changes after (a paused database's StatefulSet, scaled to 0 first). Only
 * the node group scales on a pause; a NodePool stays and Karpenter removes the empty node.
 */
export function createNode(ctx: DeploymentContext, after: readonly pulumi.Resource[], nodeClass: NodeClassRef | undefined): DedicatedNodeHandle {
    if (ctx.database.nodeProvisioner === "karpenter") {
        if (!nodeClass) {
            throw new Error(`database ${ctx.database.id}: the Karpenter path needs the region's EC2NodeClass for ${ctx.database.nodeImage}`);
        }
        return { ready: createNodePool(ctx, nodeClass, maintenanceWindowOf(ctx.database)) };
    }
    const { nodeGroup } = createDedicatedNode(ctx, after);
    return { ready: nodeGroup, nodeGroupName: nodeGroup.nodeGroupName };
}
