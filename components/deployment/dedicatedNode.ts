import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { Architecture, DATABASE_LABEL, DatabaseState } from "../../inventory";
import { adoptedOptions } from "./adoption";
import { DeploymentContext, partName } from "./context";
import { nodeUserData } from "./nodeTuning";

/** Root volume of the node; the database's data lives on its own EBS volume. */
export const ROOT_VOLUME_GIB = 40;

/** "1.31.3-20250103" -> "1.31". */
export function kubernetesMinorOf(releaseVersion: string): string {
    return releaseVersion.split(".").slice(0, 2).join(".");
}

export function amiTypeFor(architecture: Architecture): string {
    return architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** The taint that keeps every other workload off the node; the pod tolerates exactly this. */
export function databaseTaint(id: string) {
    return { key: DATABASE_LABEL, value: id, effect: "NO_SCHEDULE" as const };
}

export function launchTemplateArgs(ctx: DeploymentContext): aws.ec2.LaunchTemplateArgs {
    const tagSpec = (resourceType: string) => ({ resourceType, tags: { ...ctx.tags, Name: ctx.names.launchTemplate } });
    return {
        name: ctx.names.launchTemplate,
        description: `Dedicated QuestDB node of ${ctx.database.id}`,
        updateDefaultVersion: true,
        // IMDSv2 only, and a hop limit of 1 so that pods (one network hop away) cannot reach it.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{
            deviceName: "/dev/xvda",
            ebs: { volumeSize: ROOT_VOLUME_GIB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }],
        tagSpecifications: [tagSpec("instance"), tagSpec("volume")],
        // vm.max_map_count and the open-files limit QuestDB asks for (nodeTuning.ts).
        userData: Buffer.from(nodeUserData()).toString("base64"),
        tags: ctx.tags,
    };
}

/** Paused: no node, no cost. maxSize stays 1 because EKS requires it to be at least 1. */
export function scalingFor(state: DatabaseState): { minSize: number; desiredSize: number; maxSize: number } {
    const size = state === "paused" ? 0 : 1;
    return { minSize: size, desiredSize: size, maxSize: 1 };
}

/** An adopted node group keeps its legacy name; ours get a prefix so a replacement can coexist. */
function nodeGroupNaming(ctx: DeploymentContext): Pick<aws.eks.NodeGroupArgs, "nodeGroupName" | "nodeGroupNamePrefix"> {
    const legacy = ctx.database.adopt?.nodeGroupName;
    return legacy ? { nodeGroupName: legacy } : { nodeGroupNamePrefix: ctx.names.nodeGroupPrefix };
}

export function nodeGroupArgs(
    ctx: DeploymentContext,
    launchTemplate: { id: pulumi.Input<string>; version: pulumi.Input<string> },
): aws.eks.NodeGroupArgs {
    const { database, region } = ctx;
    return {
        clusterName: region.clusterName,
        ...nodeGroupNaming(ctx),
        nodeRoleArn: region.nodeRoleArn,
        // One subnet: the node can only ever come up in the AZ of the data volume.
        subnetIds: [database.subnetId],
        instanceTypes: [database.instanceType],
        amiType: amiTypeFor(database.architecture),
        releaseVersion: database.nodeImage,
        // Kubernetes minor of the release; without it a cluster upgrade's new release would be
        // sent with the old minor, which EKS rejects.
        version: kubernetesMinorOf(database.nodeImage),
        // A node that is NotReady while EC2 still calls it healthy is replaced too, after EKS's 30
        // minutes: no documented override exists for the kubelet's Ready (docs/decisions.md).
        nodeRepairConfig: { enabled: true },
        capacityType: "ON_DEMAND",
        scalingConfig: scalingFor(database.state),
        // A rolling update launches new nodes before draining the old one: up to two at once even
        // with one AZ (EKS user guide, "Managed node update behavior"); capacity notes: docs/runbook.md.
        updateConfig: { maxUnavailable: 1 },
        labels: { [DATABASE_LABEL]: database.id },
        taints: [databaseTaint(database.id)],
        launchTemplate,
        tags: ctx.tags,
    };
}

/**
 * Replacements (an instance type change) create the new node group before deleting the old one,
 * so the only downtime is one pod move. A fixed legacy name cannot coexist with its replacement,
 * so an adopted node group is replaced delete-first instead.
 */
export function nodeGroupOptions(ctx: DeploymentContext, after: readonly pulumi.Resource[] = []): pulumi.CustomResourceOptions {
    const legacy = ctx.database.adopt?.nodeGroupName;
    const order = after.length > 0 ? { dependsOn: [...after] } : {};
    if (!legacy) {
        return { parent: ctx.parent, ...order };
    }
    return { parent: ctx.parent, ...order, ...adoptedOptions(ctx, `${ctx.region.clusterName}:${legacy}`), deleteBeforeReplace: true };
}

export function launchTemplateOptions(ctx: DeploymentContext): pulumi.CustomResourceOptions {
    return { parent: ctx.parent, ...adoptedOptions(ctx, ctx.database.adopt?.launchTemplateId) };
}

export interface DedicatedNode {
    readonly nodeGroup: aws.eks.NodeGroup;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
}

/** `after`: resources the node group changes after (a paused database's StatefulSet, scaled to 0 first). */
export function createDedicatedNode(ctx: DeploymentContext, after: readonly pulumi.Resource[]): DedicatedNode {
    const launchTemplate = new aws.ec2.LaunchTemplate(partName(ctx, "node-template"), launchTemplateArgs(ctx), launchTemplateOptions(ctx));
    // A numbered version, never $Latest, which EKS reports back as a permanent diff.
    const version = launchTemplate.latestVersion.apply((v) => String(v));
    const nodeGroup = new aws.eks.NodeGroup(partName(ctx, "node"), nodeGroupArgs(ctx, { id: launchTemplate.id, version }), nodeGroupOptions(ctx, after));
    return { nodeGroup, launchTemplate };
}
