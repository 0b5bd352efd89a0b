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
            const users = inventory.databases.filter((d) => d.nodeProvisioner === "karpenter" && nodeImageKey(d) === nodeImageKey(key)).map((d) => d.id);
            problems.push({
                where: "region (Karpenter node images)", field: "nodeImage", value: key.nodeImage,
                reason: `has no AL2023 EKS AMI on ${key.architecture} (SSM parameter ${name}: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}); used by ${users.join(", ")}`,
                fix: `use an EKS AL2023 release version that exists (aws ssm get-parameters-by-path --path /aws/service/eks/optimized-ami/${kubernetesMinorOf(key.nodeImage)}/amazon-linux-2023/${key.architecture}/standard --region ${region.awsRegion}), in defaults.nodeImage or the database's nodeImage`,
            });
        }
    }));
    if (problems.length > 0) {
        throw new PreflightError(region.stack, problems);
    }
    return { images, amiIds };
}
