import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Architecture, DATABASE_LABEL } from "../../inventory";
import { DeploymentContext, partName } from "./context";

/** Root volume of the node; the database's data lives on its own EBS volume. */
const ROOT_VOLUME_GIB = 40;

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
        tags: ctx.tags,
    };
}

export function nodeGroupArgs(
    ctx: DeploymentContext,
    launchTemplate: { id: pulumi.Input<string>; version: pulumi.Input<string> },
): aws.eks.NodeGroupArgs {
    const { database, region } = ctx;
    return {
        clusterName: region.clusterName,
        nodeGroupNamePrefix: ctx.names.nodeGroupPrefix,
        nodeRoleArn: region.nodeRoleArn,
        // One subnet: the node can only ever come up in the AZ of the data volume.
        subnetIds: [database.subnetId],
        instanceTypes: [database.instanceType],
        amiType: amiTypeFor(database.architecture),
        releaseVersion: database.nodeImage,
        capacityType: "ON_DEMAND",
        scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 },
        // A rolling update surges a new node before draining the old one.
        updateConfig: { maxUnavailable: 1 },
        labels: { [DATABASE_LABEL]: database.id },
        taints: [databaseTaint(database.id)],
        launchTemplate,
        tags: ctx.tags,
    };
}

export interface DedicatedNode {
    readonly nodeGroup: aws.eks.NodeGroup;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
}

export function createDedicatedNode(ctx: DeploymentContext): DedicatedNode {
    const opts = { parent: ctx.parent };
    const launchTemplate = new aws.ec2.LaunchTemplate(partName(ctx, "node-template"), launchTemplateArgs(ctx), opts);
    // A numbered version, never $Latest, which EKS reports back as a permanent diff.
    const version = launchTemplate.latestVersion.apply((v) => String(v));
    const nodeGroup = new aws.eks.NodeGroup(partName(ctx, "node"), nodeGroupArgs(ctx, { id: launchTemplate.id, version }), opts);
    return { nodeGroup, launchTemplate };
}
