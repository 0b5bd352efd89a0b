/**
 * What the Karpenter path needs from AWS before any resource is registered, once per stack: the
 * AMI id of each node image (AWS's public EKS AMI parameters, once per image and architecture)
 * An image with no parameter is a clear error.
 */
import * as aws from "@pulumi/aws";
import { karpenterNodeImages, nodeImageKey } from "../components";
import type { NodeImageKey } from "../components/karpenterNodeClasses";
import { kubernetesMinorOf } from "../components/deployment/dedicatedNode";
import { Inventory, Problem } from "../inventory";
import { PreflightError } from "./preflight";

/**
 * The public parameter of an AL2023 EKS AMI release, e.g. 1.31.3-20250103 on x86_64:
 * /aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.31-v20250103/image_id
 * (the path Karpenter's own al2023 family resolves pinned aliases through).
 */
export function amiParameterName(key: NodeImageKey): string {
    const minor = kubernetesMinorOf(key.nodeImage);
    const date = key.nodeImage.split("-").pop();
    return `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/${key.architecture}/standard/amazon-eks-node-al2023-${key.architecture}-standard-${minor}-v${date}/image_id`;
}

export interface KarpenterInputs {
    readonly images: readonly NodeImageKey[];
    readonly amiIds: ReadonlyMap<string, string>;
}

/**
 * The command that lists every published AL2023 release of a node image's Kubernetes minor and
 * architecture. The release's `image_id` sits two levels below the path, so `--recursive`.
 */
export function publishedImagesCommand(key: NodeImageKey, awsRegion: string): string {
    const path = `/aws/service/eks/optimized-ami/${kubernetesMinorOf(key.nodeImage)}/amazon-linux-2023/${key.architecture}/standard`;
    // "recommended" is an alias AWS moves, not a release version a nodeImage can name.
    return `aws ssm get-parameters-by-path --path ${path} --recursive --query "Parameters[?ends_with(Name, '/image_id') && !contains(Name, '/recommended/')].Name" --output text --region ${awsRegion}`;
}

/** A node image with no published AMI parameter, naming the databases that use it. */
export function unpublishedImageProblem(inventory: Inventory, key: NodeImageKey, answer: string): Problem {
    const users = inventory.databases.filter((d) => d.nodeProvisioner === "karpenter" && nodeImageKey(d) === nodeImageKey(key)).map((d) => d.id);
    return {
        where: "region (Karpenter node images)", field: "nodeImage", value: key.nodeImage,
        reason: `has no AL2023 EKS AMI on ${key.architecture} (SSM parameter ${amiParameterName(key)}: ${answer}); used by ${users.join(", ")}`,
        fix: `use an EKS AL2023 release version that exists, in defaults.nodeImage or the database's nodeImage; list them with ${publishedImagesCommand(key, inventory.region.awsRegion)}`,
    };
}

/** Undefined when no running database of the stack is on Karpenter: nothing is asked. */
export async function resolveKarpenterInputs(inventory: Inventory): Promise<KarpenterInputs | undefined> {
    const images = karpenterNodeImages(inventory.databases);
    if (images.length === 0) {
        return undefined;
    }
    const { region } = inventory;
    const problems: Problem[] = [];
    const amiIds = new Map<string, string>();
    await Promise.all(images.map(async (key) => {
        const name = amiParameterName(key);
        try {
            amiIds.set(nodeImageKey(key), (await aws.ssm.getParameter({ name })).value);
        } catch (err) {
            problems.push(unpublishedImageProblem(inventory, key, (err instanceof Error ? err.message : String(err)).split("\n")[0]));
        }
    }));
    if (problems.length > 0) {
        throw new PreflightError(region.stack, problems);
    }
    return { images, amiIds };
}
