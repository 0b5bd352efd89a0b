import * as k8s from "@pulumi/kubernetes";
import { cellScopedName } from "../inventory/cells";
import * as pulumi from "@pulumi/pulumi";
import { Architecture, DatabaseSpec, RegionSpec } from "../inventory";
import { awsTags } from "./deployment/context";
import { NODE_CLASS_API, NodeClassRef } from "./deployment/karpenterNode";
import { ROOT_VOLUME_GIB } from "./deployment/dedicatedNode";
import { nodeUserData } from "./deployment/nodeTuning";

export const KARPENTER_NODE_CLASSES_TYPE = "questdb-cloud:index:KarpenterNodeClasses";

/** One node image on one architecture: what an EC2NodeClass pins. */
export interface NodeImageKey {
    readonly nodeImage: string;
    readonly architecture: Architecture;
}

export function nodeImageKey(d: NodeImageKey): string {
    return `${d.nodeImage}/${d.architecture}`;
}

/** "1.31.3-20250103" on x86_64 -> "qdb-al2023-x86-64-1.31.3-20250103": cluster-scoped, from the image alone. */
export function nodeClassName(key: NodeImageKey): string {
    return `qdb-al2023-${key.architecture.replace("_", "-")}-${key.nodeImage}`;
}

/** The distinct node images of the region's running Karpenter databases, sorted: never one class per database. */
export function karpenterNodeImages(databases: readonly DatabaseSpec[]): NodeImageKey[] {
    const keys = new Map<string, NodeImageKey>();
    for (const d of databases.filter((x) => x.nodeProvisioner === "karpenter" && x.state !== "decommissioned")) {
        keys.set(nodeImageKey(d), { nodeImage: d.nodeImage, architecture: d.architecture });
    }
    return [...keys.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, key]) => key);
}

/** "arn:aws:iam::123456789012:role/path/qdb-node" -> "qdb-node": EC2NodeClass names the role, not its ARN. */
export function roleNameOf(roleArn: string): string {
    return roleArn.split("/").pop() as string;
}

export function nodeClassArgs(region: RegionSpec, key: NodeImageKey, amiId: string, securityGroupId: pulumi.Input<string>) {
    return {
        apiVersion: NODE_CLASS_API,
        kind: "EC2NodeClass",
        // skipAwait: a class that leaves the program keeps Karpenter's finalizer until its last
        // node drifts away, in that database's window; the delete must not wait for it.
        metadata: { name: cellScopedName(nodeClassName(key), region), labels: { "app.kubernetes.io/managed-by": "pulumi" }, annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
            // Pinned by id, never by alias: an alias follows the control plane's version, so an
            // upgrade would drift the whole fleet at once.
            amiFamily: "AL2023",
            amiSelectorTerms: [{ id: amiId }],
            role: roleNameOf(region.nodeRoleArn),
            subnetSelectorTerms: Object.keys(region.subnets).sort().map((az) => ({ id: region.subnets[az] })),
            securityGroupSelectorTerms: [{ id: securityGroupId }],
            // IMDSv2 only, hop limit 1: pods cannot reach the node's credentials.
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda", rootVolume: true,
                ebs: { volumeSize: `${ROOT_VOLUME_GIB}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            }],
            // The launch template's nodeadm tuning; Karpenter merges its own NodeConfig into the MIME parts.
            userData: nodeUserData(),
            tags: { ...awsTags("shared", region.stack), "questdb.cloud/node-image": key.nodeImage },
        },
    };
}

export interface KarpenterNodeClassesArgs {
    /** The region: subnets, node role, stack. Required. */
    readonly region: RegionSpec;
    /** The node images to serve, from `karpenterNodeImages`. Required; empty creates nothing. */
    readonly images: readonly NodeImageKey[];
    /** AMI id per `nodeImageKey`, resolved at preview (stacks/karpenter.ts). Required for every image. */
    readonly amiIds: ReadonlyMap<string, string>;
    /** The cluster's node security group (getCluster's clusterSecurityGroupId). Required. */
    readonly securityGroupId: pulumi.Input<string>;
}

/** The region's EC2NodeClasses: one per node image and architecture that a Karpenter database uses. */
export class KarpenterNodeClasses extends pulumi.ComponentResource {
    /** Per `nodeImageKey`: the class's name and resource, for the NodePools. */
    readonly classes: ReadonlyMap<string, NodeClassRef>;

    constructor(name: string, args: KarpenterNodeClassesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(KARPENTER_NODE_CLASSES_TYPE, name, {}, opts);
        const classes = new Map<string, NodeClassRef>();
        for (const key of args.images) {
            const id = nodeImageKey(key);
            // Cluster-scoped, and tagged with its stack: each cell has its own.
            const className = cellScopedName(nodeClassName(key), args.region);
            const resource = new k8s.apiextensions.CustomResource(className,
                nodeClassArgs(args.region, key, args.amiIds.get(id) as string, args.securityGroupId), { parent: this });
            classes.set(id, { name: className, resource });
        }
        this.classes = classes;
        this.registerOutputs({});
    }
}
