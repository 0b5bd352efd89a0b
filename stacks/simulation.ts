/**
 * The identity side of the roles the program relies on but does not own, checked once per stack
 * with IAM's policy simulator (`aws.iam.getPrincipalPolicySimulation`, which needs
 * iam:SimulatePrincipalPolicy on the preview role). The simulator evaluates the role's own
 * policies only: a KMS key policy is not part of it, so the runbook's checklist carries that.
 */
import * as aws from "../components/aws";
import { ClusterFacts } from "../components/cluster";
import { RegionSpec } from "../inventory";

/** What the Pod Identity agent asks EKS Auth for with the node's role (EKS user guide, "EKS Pod Identity"). */
export const POD_IDENTITY_NODE_ACTIONS = ["eks-auth:AssumeRoleForPodIdentity"] as const;

/**
 * What EC2 does with the EBS CSI driver's credentials on a customer-managed key when it attaches
 * a volume: a grant for EC2, and the data-key actions (aws-ebs-csi-driver docs, "KMS key policy").
 */
export const EBS_DRIVER_KEY_ACTIONS = [
    "kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey",
] as const;

/** The request context EBS sends to KMS on the caller's behalf. */
export function ebsKmsContext(awsRegion: string): { key: string; type: string; values: string[] }[] {
    return [
        { key: "kms:GrantIsForAWSResource", type: "boolean", values: ["true"] },
        { key: "kms:ViaService", type: "string", values: [`ec2.${awsRegion}.amazonaws.com`] },
    ];
}

/** The actions the simulator did not allow, each with its decision (implicitDeny, explicitDeny). */
export interface SimulationOutcome {
    readonly denied: readonly string[];
}

export interface SimulationRequest {
    readonly policySourceArn: string;
    readonly actionNames: readonly string[];
    readonly resourceArns: readonly string[];
    readonly contexts?: readonly { key: string; type: string; values: string[] }[];
}

/** The node role's Pod Identity permission on this cluster. */
export function nodeRoleRequest(region: Pick<RegionSpec, "nodeRoleArn">, cluster: Pick<ClusterFacts, "arn">): SimulationRequest {
    return { policySourceArn: region.nodeRoleArn, actionNames: POD_IDENTITY_NODE_ACTIONS, resourceArns: [cluster.arn] };
}

/** The EBS CSI driver role's permissions on the volume key, with EBS's context. */
export function driverKeyRequest(driverRoleArn: string, keyArn: string, awsRegion: string): SimulationRequest {
    return { policySourceArn: driverRoleArn, actionNames: EBS_DRIVER_KEY_ACTIONS, resourceArns: [keyArn], contexts: ebsKmsContext(awsRegion) };
}

export async function simulate(request: SimulationRequest): Promise<SimulationOutcome> {
    const answer = await aws.iam.getPrincipalPolicySimulation({
        policySourceArn: request.policySourceArn,
        actionNames: [...request.actionNames],
        resourceArns: [...request.resourceArns],
        ...(request.contexts ? { contexts: request.contexts.map((c) => ({ ...c, values: [...c.values] })) } : {}),
    });
    return { denied: answer.results.filter((r) => !r.allowed).map((r) => `${r.actionName} (${r.decision})`) };
}

/** The role the EBS CSI add-on runs its controller with: IRSA's serviceAccountRoleArn, or its Pod Identity association's. */
export function driverRoleOf(addon: { serviceAccountRoleArn?: string; podIdentityAssociations?: readonly { roleArn: string; serviceAccount: string }[] }): string | undefined {
    const viaPodIdentity = addon.podIdentityAssociations?.find((a) => a.serviceAccount === "ebs-csi-controller-sa") ?? addon.podIdentityAssociations?.[0];
    return viaPodIdentity?.roleArn || addon.serviceAccountRoleArn || undefined;
}
