import * as aws from "../components/aws";
import { ClusterFacts } from "../components/cluster";
import { partitionOf } from "../components/deployment/backup";
import { InventoryError, Problem, RegionSpec } from "../inventory";
import {
    EBS_DRIVER_KEY_ACTIONS, POD_IDENTITY_NODE_ACTIONS, SimulationOutcome, driverKeyRequest, driverRoleOf, nodeRoleRequest, simulate,
} from "./simulation";

/** The EKS add-ons the program relies on, by add-on name. */
export const REQUIRED_ADDONS = {
    /** Attaches and resizes the data volumes (the PVs name its driver). */
    ebsCsi: "aws-ebs-csi-driver",
    /** Enforces the tenant-isolation NetworkPolicies, but only with `enableNetworkPolicy`. */
    vpcCni: "vpc-cni",
    /** Hands the backup and drill pods their roles (EKS Pod Identity); without it every backup fails. */
    podIdentityAgent: "eks-pod-identity-agent",
} as const;

/** What the AWS API said, or the error it answered with. */
export type Answer<T> = { readonly ok: T } | { readonly error: string };

export interface PreflightAnswers {
    readonly ebsCsi: Answer<{ readonly addonVersion?: string }>;
    readonly vpcCni: Answer<{ readonly configurationValues?: string }>;
    readonly podIdentityAgent: Answer<unknown>;
    /** The simulation of the node role's eks-auth:AssumeRoleForPodIdentity on the cluster. */
    readonly nodeRole: Answer<SimulationOutcome>;
    /**
     * With `volumeKmsKeyId`: the EBS CSI driver's role (undefined when the add-on has none) and
     * the simulation of its key permissions under EBS's context.
     */
    readonly driverKey?: { readonly role?: string; readonly simulation?: Answer<SimulationOutcome> };
    /** Present when the region sets `volumeKmsKeyId`. */
    readonly kmsKey?: Answer<{ readonly keyState?: string; readonly keyUsage?: string; readonly keySpec?: string }>;
}

function clusterProblem(field: string, value: unknown, reason: string, fix: string): Problem {
    return { where: "region (cluster preflight)", field, value, reason, fix };
}

/** Whether the VPC CNI add-on's configuration turns on NetworkPolicy enforcement. */
export function networkPolicyEnabled(configurationValues: string | undefined): boolean {
    try {
        const value = (JSON.parse(configurationValues || "{}") as { enableNetworkPolicy?: unknown }).enableNetworkPolicy;
        return value === true || value === "true";
    } catch {
        return false;
    }
}

/** Pure: every precondition the answers show missing, each with its fix. */
export function preflightProblems(region: RegionSpec, answers: PreflightAnswers): Problem[] {
    const found: Problem[] = [];
    const cluster = region.clusterName;
    if ("error" in answers.ebsCsi) {
        found.push(clusterProblem(`add-on ${REQUIRED_ADDONS.ebsCsi}`, answers.ebsCsi.error, `is not installed on cluster ${cluster}; no data volume could attach`,
            `install it: aws eks create-addon --cluster-name ${cluster} --addon-name ${REQUIRED_ADDONS.ebsCsi} --service-account-role-arn <driver role>`));
    }
    if ("error" in answers.vpcCni) {
        found.push(clusterProblem(`add-on ${REQUIRED_ADDONS.vpcCni}`, answers.vpcCni.error, `is not an EKS add-on of cluster ${cluster}, so NetworkPolicies may not be enforced`,
            `install it as an add-on with network policy on: aws eks create-addon --cluster-name ${cluster} --addon-name ${REQUIRED_ADDONS.vpcCni} --configuration-values '{"enableNetworkPolicy":"true"}'`));
    } else if (!networkPolicyEnabled(answers.vpcCni.ok.configurationValues)) {
        found.push(clusterProblem(`add-on ${REQUIRED_ADDONS.vpcCni}.configurationValues.enableNetworkPolicy`, answers.vpcCni.ok.configurationValues ?? "(none)",
            "is not \"true\": the tenant-isolation NetworkPolicies would be accepted and silently not enforced",
            `aws eks update-addon --cluster-name ${cluster} --addon-name ${REQUIRED_ADDONS.vpcCni} --configuration-values '{"enableNetworkPolicy":"true"}'`));
    }
    if ("error" in answers.podIdentityAgent) {
        found.push(clusterProblem(`add-on ${REQUIRED_ADDONS.podIdentityAgent}`, answers.podIdentityAgent.error,
            `is not installed on cluster ${cluster}; every backup and drill pod would start without AWS credentials and fail`,
            `install it: aws eks create-addon --cluster-name ${cluster} --addon-name ${REQUIRED_ADDONS.podIdentityAgent} --region ${region.awsRegion}`));
    }
    found.push(...simulationProblems("nodeRoleArn", region.nodeRoleArn, answers.nodeRole,
        "cannot get Pod Identity credentials for the backup and drill pods on this cluster",
        `attach the AWS managed policy AmazonEKSWorkerNodePolicy (it allows ${POD_IDENTITY_NODE_ACTIONS.join(", ")}): aws iam attach-role-policy --role-name ${region.nodeRoleArn.split("/").pop()} --policy-arn arn:${partitionOf(region.awsRegion)}:iam::aws:policy/AmazonEKSWorkerNodePolicy`));
    found.push(...driverKeyProblems(region, answers));
    const key = answers.kmsKey;
    if (key && region.volumeKmsKeyId) {
        if ("error" in key) {
            found.push(clusterProblem("volumeKmsKeyId", region.volumeKmsKeyId, `cannot be read (${key.error}); volumes encrypted with it could not be created`,
                "check the ARN and the deploying role's kms:DescribeKey permission, or remove volumeKmsKeyId to use the account's aws/ebs key"));
        } else if (key.ok.keyState !== "Enabled" || key.ok.keyUsage !== "ENCRYPT_DECRYPT" || (key.ok.keySpec ?? "SYMMETRIC_DEFAULT") !== "SYMMETRIC_DEFAULT") {
            found.push(clusterProblem("volumeKmsKeyId", region.volumeKmsKeyId,
                `is ${key.ok.keyState ?? "in an unknown state"} (${key.ok.keyUsage ?? "?"}, ${key.ok.keySpec ?? "?"}); EBS needs an enabled symmetric encryption key`,
                "enable the key (or cancel its deletion), or name an enabled SYMMETRIC_DEFAULT key"));
        }
    }
    return found;
}

const SIMULATE_FIX = "give the role that runs the preview iam:SimulatePrincipalPolicy on it (docs/runbook.md, \"Preview role\")";

/** A simulation that failed to run, or that denied actions, as problems. */
function simulationProblems(field: string, role: string, answer: Answer<SimulationOutcome>, consequence: string, fix: string): Problem[] {
    if ("error" in answer) {
        return [clusterProblem(field, role, `could not be checked with the IAM policy simulator (${answer.error})`, SIMULATE_FIX)];
    }
    if (answer.ok.denied.length === 0) {
        return [];
    }
    return [clusterProblem(field, role, `is not allowed ${answer.ok.denied.join(", ")}, so it ${consequence}`, fix)];
}

/** The EBS CSI driver's role and a customer-managed key: without the key's permissions no volume attaches. */
function driverKeyProblems(region: RegionSpec, answers: PreflightAnswers): Problem[] {
    const driver = answers.driverKey;
    const keyArn = region.volumeKmsKeyId;
    if (!driver || !keyArn || "error" in answers.ebsCsi) {
        return [];
    }
    const field = `add-on ${REQUIRED_ADDONS.ebsCsi} role`;
    const grant = `aws iam put-role-policy --role-name <driver role> --policy-name questdb-volume-key --policy-document '${JSON.stringify(driverKeyPolicy(keyArn))}'`;
    if (!driver.role || !driver.simulation) {
        return [clusterProblem(field, "(none)",
            `has no IAM role (neither serviceAccountRoleArn nor a Pod Identity association), so it cannot use volumeKmsKeyId's key and no data volume would attach`,
            `give the add-on a role (aws eks update-addon --cluster-name ${region.clusterName} --addon-name ${REQUIRED_ADDONS.ebsCsi} --service-account-role-arn <driver role>), then ${grant}`)];
    }
    return simulationProblems(field, driver.role, driver.simulation,
        `cannot use volumeKmsKeyId's key through EBS; pods would stay ContainerCreating until the StatefulSet await times out`,
        grant.replace("<driver role>", driver.role.split("/").pop() as string) + "; and check the key policy (docs/runbook.md, \"Customer-managed volume key\")");
}

/** The identity policy the driver's role needs on the key (aws-ebs-csi-driver docs, "KMS key policy"). */
export function driverKeyPolicy(keyArn: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource: keyArn, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
            { Effect: "Allow", Action: EBS_DRIVER_KEY_ACTIONS.filter((a) => a !== "kms:CreateGrant"), Resource: keyArn },
        ],
    };
}

/** The cluster lacks something the program relies on; formatted like a config error. */
export class PreflightError extends InventoryError {
    constructor(stack: string, problems: readonly Problem[]) {
        super(stack, problems);
        this.name = "PreflightError";
        this.message = this.message.replace(/ config has (\d+ problems?); nothing was changed:/,
            "'s cluster is missing what the program relies on ($1); nothing was changed:");
    }
}

export async function answer<T>(call: () => Promise<T>): Promise<Answer<T>> {
    try {
        return { ok: await call() };
    } catch (err) {
        const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
        return { error: message || "the AWS API answered with an error (not found, or no permission)" };
    }
}

/**
 * Asks AWS once per stack, never per database: one getAddon per add-on, one getKey and one policy
 * simulation per role. Throws a PreflightError listing everything missing, before any resource is
 * registered. `more`: the other checks of the stack (node group quota, Karpenter), so that one
 * error lists every problem.
 */
export async function assertClusterReady(region: RegionSpec, cluster: ClusterFacts, more: readonly Promise<readonly Problem[]>[] = []): Promise<void> {
    const addon = (addonName: string) => () => aws.eks.getAddon({ clusterName: region.clusterName, addonName });
    const keyId = region.volumeKmsKeyId;
    const others = Promise.all(more);
    const [ebsCsi, vpcCni, podIdentityAgent, nodeRole, kmsKey] = await Promise.all([
        answer(addon(REQUIRED_ADDONS.ebsCsi)),
        answer(addon(REQUIRED_ADDONS.vpcCni)),
        answer(addon(REQUIRED_ADDONS.podIdentityAgent)),
        answer(() => simulate(nodeRoleRequest(region, cluster))),
        keyId ? answer(() => aws.kms.getKey({ keyId })) : Promise.resolve(undefined),
    ]);
    let driverKey: PreflightAnswers["driverKey"];
    if (keyId && "ok" in ebsCsi) {
        const role = driverRoleOf(ebsCsi.ok);
        driverKey = { role, simulation: role ? await answer(() => simulate(driverKeyRequest(role, keyId, region.awsRegion))) : undefined };
    }
    const problems = [...preflightProblems(region, { ebsCsi, vpcCni, podIdentityAgent, nodeRole, kmsKey, driverKey }), ...(await others).flat()];
    if (problems.length > 0) {
        throw new PreflightError(region.stack, problems);
    }
}
