import * as aws from "@pulumi/aws";
import { InventoryError, Problem, RegionSpec } from "../inventory";

/** The EKS add-ons the program relies on, by add-on name. */
export const REQUIRED_ADDONS = {
    /** Attaches and resizes the data volumes (the PVs name its driver). */
    ebsCsi: "aws-ebs-csi-driver",
    /** Enforces the tenant-isolation NetworkPolicies, but only with `enableNetworkPolicy`. */
    vpcCni: "vpc-cni",
} as const;

/** What the AWS API said, or the error it answered with. */
export type Answer<T> = { readonly ok: T } | { readonly error: string };

export interface PreflightAnswers {
    readonly ebsCsi: Answer<{ readonly addonVersion?: string }>;
    readonly vpcCni: Answer<{ readonly configurationValues?: string }>;
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

/** The cluster lacks something the program relies on; formatted like a config error. */
export class PreflightError extends InventoryError {
    constructor(stack: string, problems: readonly Problem[]) {
        super(stack, problems);
        this.name = "PreflightError";
        this.message = this.message.replace(/ config has (\d+ problems?); nothing was changed:/,
            "'s cluster is missing what the program relies on ($1); nothing was changed:");
    }
}

async function answer<T>(call: () => Promise<T>): Promise<Answer<T>> {
    try {
        return { ok: await call() };
    } catch (err) {
        const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
        return { error: message || "the AWS API answered with an error (not found, or no permission)" };
    }
}

/**
 * Asks AWS once per stack, never per database: one getAddon per add-on and one getKey. Throws a
 * PreflightError listing everything missing, before any resource is registered.
 */
export async function assertClusterReady(region: RegionSpec): Promise<void> {
    const addon = (addonName: string) => () => aws.eks.getAddon({ clusterName: region.clusterName, addonName });
    const keyId = region.volumeKmsKeyId;
    const [ebsCsi, vpcCni, kmsKey] = await Promise.all([
        answer(addon(REQUIRED_ADDONS.ebsCsi)),
        answer(addon(REQUIRED_ADDONS.vpcCni)),
        keyId ? answer(() => aws.kms.getKey({ keyId })) : Promise.resolve(undefined),
    ]);
    const problems = preflightProblems(region, { ebsCsi, vpcCni, kmsKey });
    if (problems.length > 0) {
        throw new PreflightError(region.stack, problems);
    }
}
