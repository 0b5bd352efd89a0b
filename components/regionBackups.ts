import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_POLICY_TAG, BackupSpec, DatabaseSpec, backupPolicyKey } from "../inventory";

export const REGION_BACKUPS_TYPE = "questdb-cloud:index:RegionBackups";

export interface RegionBackupsArgs {
    /** Every database of the region; each names its backup settings, decommissioned ones are skipped. Required. */
    readonly databases: readonly DatabaseSpec[];
    /** The AWS region, which decides the IAM partition. Required. */
    readonly awsRegion: string;
    /** Tags for the role and the policies. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The IAM partition of a region: China and GovCloud have their own ARNs. */
export function partitionOf(awsRegion: string): string {
    return awsRegion.startsWith("cn-") ? "aws-cn" : awsRegion.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** One entry per distinct backup setting in use, keyed by its content-derived policy key. */
export function backupPolicies(databases: readonly DatabaseSpec[]): Map<string, BackupSpec> {
    const policies = new Map<string, BackupSpec>();
    for (const database of databases.filter((d) => d.state !== "decommissioned")) {
        policies.set(backupPolicyKey(database.backup), database.backup);
    }
    return new Map([...policies].sort(([a], [b]) => a.localeCompare(b)));
}

export function lifecyclePolicyArgs(key: string, backup: BackupSpec, roleArn: pulumi.Input<string>, tags: Record<string, string>): aws.dlm.LifecyclePolicyArgs {
    return {
        // DLM accepts only letters, digits, spaces, '_' and '-' in a description.
        description: `questdb-cloud scheduled snapshots ${key}`,
        executionRoleArn: roleArn,
        state: "ENABLED",
        policyDetails: {
            resourceTypes: ["VOLUME"],
            // Volumes join a policy by tag, so adding a database never edits the policy.
            targetTags: { [BACKUP_POLICY_TAG]: key },
            schedules: [{
                name: key,
                createRule: { cronExpression: backup.schedule },
                retainRule: { interval: backup.retainDays, intervalUnit: "DAYS" },
                copyTags: true,
                tagsToAdd: { "questdb.cloud/snapshot": "scheduled" },
            }],
        },
        tags,
    };
}

/**
 * Scheduled EBS snapshots for the whole region: one Data Lifecycle Manager policy per distinct
 * schedule and retention, not one per database, selected by the volume's backup-policy tag.
 */
export class RegionBackups extends pulumi.ComponentResource {
    /** Policy key to DLM policy id. */
    readonly policyIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RegionBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(REGION_BACKUPS_TYPE, name, {}, opts);
        const tags = { ...(args.tags ?? {}) };
        const role = new aws.iam.Role(`${name}-role`, {
            description: "Lets Data Lifecycle Manager snapshot questdb-cloud data volumes",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        }, { parent: this });
        new aws.iam.RolePolicyAttachment(`${name}-role-policy`, {
            role: role.name,
            policyArn: `arn:${partitionOf(args.awsRegion)}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`,
        }, { parent: this });
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const [key, backup] of backupPolicies(args.databases)) {
            ids[key] = new aws.dlm.LifecyclePolicy(`${name}-${key}`, lifecyclePolicyArgs(key, backup, role.arn, tags), { parent: this }).id;
        }
        this.policyIds = pulumi.output(ids);
        this.registerOutputs({ policyIds: this.policyIds });
    }
}
