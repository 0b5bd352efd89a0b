/**
 * What a region on Karpenter can check of its cluster before any resource is registered (issue
 * 22.7), once per stack: that the node role can join, as an EKS access entry of type EC2_LINUX.
 * The NodePool and EC2NodeClass CRDs cannot be asked here: @pulumi/kubernetes 4.25 has no lookup
 * that reports absence (its only invokes are helm template, kustomize and yaml decode; a `.get` is
 * a read that fails the whole preview), so they are on the runbook's Karpenter checklist, and
 * the provider's server-side dry run refuses a NodePool whose CRD is missing at preview.
 */
import * as aws from "../components/aws";
import { ClusterFacts } from "../components/cluster";
import { Inventory, Problem } from "../inventory";
import { Answer, answer } from "./preflight";

/** The access entry type a self-managed (Karpenter-launched) Linux node's role needs to join. */
export const NODE_ACCESS_ENTRY_TYPE = "EC2_LINUX";

/** Whether any database of the inventory has a NodePool (paused ones keep theirs). */
export function onKarpenter(inventory: Inventory): boolean {
    return inventory.databases.some((d) => d.state !== "decommissioned" && d.nodeProvisioner === "karpenter");
}

/**
 * Pure: the problems of the access entry lookup's answer and of the cluster's security group.
 * `clusterSecurityGroupId` is getCluster's `vpcConfig.clusterSecurityGroupId`, the group every
 * EC2NodeClass puts its nodes in: without one the API server refuses the class mid-update
 * (Karpenter's schema requires `sg-...`), after other steps have run.
 */
export function karpenterPreflightProblems(inventory: Inventory, accessEntry: Answer<{ readonly type: string }>, clusterSecurityGroupId: string): Problem[] {
    const { region } = inventory;
    const securityGroup: Problem[] = /^sg-[0-9a-z]+$/.test(clusterSecurityGroupId) ? [] : [{
        where: "region (Karpenter preflight)", field: "clusterName", value: region.clusterName,
        reason: `reports no cluster security group (vpcConfig.clusterSecurityGroupId is "${clusterSecurityGroupId}"), which every EC2NodeClass puts its nodes in`,
        fix: `check the cluster: aws eks describe-cluster --name ${region.clusterName} --query cluster.resourcesVpcConfig.clusterSecurityGroupId --region ${region.awsRegion} (EKS creates one for every cluster; keep this region on managedNodeGroup until it prints an sg- id)`,
    }];
    return [...securityGroup, ...accessEntryProblems(inventory, accessEntry)];
}

function accessEntryProblems(inventory: Inventory, accessEntry: Answer<{ readonly type: string }>): Problem[] {
    const { region } = inventory;
    const create = `aws eks create-access-entry --cluster-name ${region.clusterName} --principal-arn ${region.nodeRoleArn} --type ${NODE_ACCESS_ENTRY_TYPE} --region ${region.awsRegion}`;
    const where = "region (Karpenter preflight)";
    const consequence = `nodes Karpenter launches with it could not join cluster ${region.clusterName}: every Karpenter database's pod would stay Pending`;
    if ("error" in accessEntry) {
        return [{ where, field: "nodeRoleArn", value: region.nodeRoleArn, reason: `has no EKS access entry (${accessEntry.error}); ${consequence}`,
            fix: `${create} (a cluster in CONFIG_MAP authentication mode maps the role in aws-auth instead, docs/runbook.md "Karpenter checklist"; the preview role needs eks:DescribeAccessEntry)` }];
    }
    if (accessEntry.ok.type !== NODE_ACCESS_ENTRY_TYPE) {
        return [{ where, field: "nodeRoleArn", value: region.nodeRoleArn, reason: `has an EKS access entry of type ${accessEntry.ok.type}, not ${NODE_ACCESS_ENTRY_TYPE}; ${consequence}`,
            fix: `an entry's type cannot change: aws eks delete-access-entry --cluster-name ${region.clusterName} --principal-arn ${region.nodeRoleArn} --region ${region.awsRegion}, then ${create}` }];
    }
    return [];
}

/** One getAccessEntry per stack; nothing is asked when no database is on Karpenter. */
export async function readKarpenterPreflightProblems(inventory: Inventory, cluster: Pick<ClusterFacts, "clusterSecurityGroupId">): Promise<Problem[]> {
    if (!onKarpenter(inventory)) {
        return [];
    }
    const { region } = inventory;
    const entry = await answer(() => aws.eks.getAccessEntry({ clusterName: region.clusterName, principalArn: region.nodeRoleArn }));
    return karpenterPreflightProblems(inventory, entry, cluster.clusterSecurityGroupId);
}

