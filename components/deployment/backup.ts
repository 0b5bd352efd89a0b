import * as fs from "fs";
import * as path from "path";
import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, IN_NAMESPACE, PORTS, SCHEDULE_TAG, SNAPSHOT_KIND_TAG, STACK_TAG, validSchedule } from "../../inventory";
import { DeploymentContext, partName } from "./context";
import { PUSHERS, PushTarget, pushgatewayEgressRule } from "../pushgateway";
import { awsEgressRules, podIdentityTrustPolicy } from "../cluster";

export { POD_IDENTITY_AGENT, podIdentityTrustPolicy } from "../cluster";

/**
 * The image the backup and drill scripts run in: the AWS CLI v2 on Amazon Linux 2, which also has
 * bash, curl and GNU date, all the scripts use. Pinned; a new tag is a reviewed change.
 */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.22.26";
/** A non-root uid for script pods; the AWS CLI image needs none of its own. */
export const SCRIPT_UID = 65532;
/** The backup pod's label value under `app.kubernetes.io/component`, which both NetworkPolicies select. */
export const BACKUP_COMPONENT = PUSHERS.backup;
/** Where scripts are mounted in their pods. */
export const SCRIPT_DIR = "/scripts";
/** A run that still holds its checkpoint after this long is killed; its trap releases the checkpoint. */
export const BACKUP_DEADLINE_SECONDS = 1800;

export const SNAPSHOT_SCRIPT = fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "backup", "snapshot.sh"), "utf8");
/** What snapshot.sh and drill.sh source to push their results: each script's ConfigMap carries it beside the script. */
export const PUSH_SCRIPT = fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "backup", "push.sh"), "utf8");
/** What both scripts source for EC2 reads after a create and for secrets kept out of argv: carried beside each script too. */
export const COMMON_SCRIPT = fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "backup", "common.sh"), "utf8");

/** The IAM partition of a region: China and GovCloud have their own ARNs. */
export function partitionOf(awsRegion: string): string {
    return awsRegion.startsWith("cn-") ? "aws-cn" : awsRegion.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

export interface BackupPolicyInput {
    readonly id: string;
    readonly stack: string;
    readonly awsRegion: string;
    /** The ARN of the database's own data volume. */
    readonly volumeArn: string;
}

/**
 * What one database's backup job may do in AWS: snapshot its own volume (by ARN), only into
 * snapshots tagged as its scheduled ones, and delete only snapshots carrying those tags. Describe
 * calls cannot be scoped by resource in IAM, so DescribeSnapshots is on "*".
 */
export function backupPolicyDocument(input: BackupPolicyInput): Record<string, unknown> {
    const snapshots = `arn:${partitionOf(input.awsRegion)}:ec2:${input.awsRegion}::snapshot/*`;
    const ownTags = (prefix: string) => ({
        [`${prefix}/${DATABASE_LABEL}`]: input.id,
        [`${prefix}/${STACK_TAG}`]: input.stack,
        [`${prefix}/${SNAPSHOT_KIND_TAG}`]: "scheduled",
    });
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "SnapshotOwnVolume", Effect: "Allow", Action: "ec2:CreateSnapshot", Resource: input.volumeArn },
            { Sid: "OnlyTaggedSnapshots", Effect: "Allow", Action: "ec2:CreateSnapshot", Resource: snapshots, Condition: { StringEquals: ownTags("aws:RequestTag") } },
            { Sid: "TagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: snapshots, Condition: { StringEquals: { "ec2:CreateAction": "CreateSnapshot" } } },
            { Sid: "RetireOwnScheduled", Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: snapshots, Condition: { StringEquals: ownTags("ec2:ResourceTag") } },
            { Sid: "ReadSnapshotState", Effect: "Allow", Action: "ec2:DescribeSnapshots", Resource: "*" },
        ],
    };
}

/** Labels of the backup pod; the NetworkPolicies below select exactly these. */
export function backupPodLabels(ctx: DeploymentContext): Record<string, string> {
    return { ...ctx.labels, "app.kubernetes.io/component": BACKUP_COMPONENT };
}

/** The QuestDB pod's labels, as its StatefulSet and Service select it. */
function questdbPodSelector(ctx: DeploymentContext): Record<string, string> {
    return { "app.kubernetes.io/name": "questdb", [DATABASE_LABEL]: ctx.database.id };
}

const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: IN_NAMESPACE.credentialsSecret, key } } });

export const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

export const RESTRICTED_POD = {
    runAsNonRoot: true,
    runAsUser: SCRIPT_UID,
    runAsGroup: SCRIPT_UID,
    seccompProfile: { type: "RuntimeDefault" },
};

/**
 * The scheduled consistent snapshot. No toleration and no node selector: the pod never lands on
 * the database's tainted node, and needs nothing there (it talks to QuestDB over the Service and
 * to EBS over the API). The ServiceAccount token is not mounted: Pod Identity injects its own.
 */
export function backupCronJobArgs(ctx: DeploymentContext, volumeId: pulumi.Input<string>, pushgateway?: PushTarget): k8s.batch.v1.CronJobArgs {
    const { id, backup } = ctx.database;
    const env = [
        { name: "QDB_URL", value: `http://${IN_NAMESPACE.service}.${ctx.names.namespace}.svc:${PORTS.http}` },
        secretEnv("QDB_USER", "http.user"),
        secretEnv("QDB_PASSWORD", "http.password"),
        { name: "VOLUME_ID", value: volumeId },
        { name: "DATABASE", value: id },
        // The stack its snapshots are tagged with, and its role's conditions name: kept across a move.
        { name: "STACK", value: ctx.tagStack },
        { name: "SCHEDULE", value: backup.schedule },
        { name: "RETAIN_DAYS", value: String(backup.retainDays) },
        { name: "AWS_REGION", value: ctx.region.awsRegion },
        { name: "HOME", value: "/tmp" },
        // Last, so that adding it moved no other variable; the script pushes nothing without it.
        ...(pushgateway ? [{ name: "PUSHGATEWAY_URL", value: pushgateway.url }] : []),
        // The script releases a checkpoint left open only once it is older than any run can live.
        { name: "JOB_DEADLINE_SECONDS", value: String(BACKUP_DEADLINE_SECONDS) },
    ];
    return {
        metadata: { name: IN_NAMESPACE.backup, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: scriptCronJobSpec({
            schedule: backup.schedule, podLabels: backupPodLabels(ctx), deadlineSeconds: BACKUP_DEADLINE_SECONDS,
            // Time for the trap to release the checkpoint after SIGTERM.
            graceSeconds: 60,
            serviceAccount: IN_NAMESPACE.backup, mountToken: false, container: "snapshot", script: "snapshot.sh",
            scriptConfigMap: IN_NAMESPACE.backupScript, env,
        }),
    };
}

/** What differs between the CronJobs that run one of scripts/backup/ in the AWS CLI image. */
export interface ScriptCronJob {
    /** DLM cron form, as in `backup.schedule`. */
    readonly schedule: string;
    readonly podLabels: Readonly<Record<string, string>>;
    readonly deadlineSeconds: number;
    /** How long the script's trap has to clean up after SIGTERM. */
    readonly graceSeconds: number;
    readonly serviceAccount: string;
    /** Whether the pod gets a Kubernetes API token (the drill needs one; the backup does not). */
    readonly mountToken: boolean;
    readonly container: string;
    /** The script's file name, mounted from `scriptConfigMap` under SCRIPT_DIR. */
    readonly script: string;
    readonly scriptConfigMap: string;
    readonly env: k8s.types.input.core.v1.EnvVar[];
}

/** A CronJob spec for one script run at a time, once, in UTC, under restricted pod security. */
export function scriptCronJobSpec(job: ScriptCronJob): k8s.types.input.batch.v1.CronJobSpec {
    return {
        schedule: validSchedule(job.schedule).kubernetes,
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        // A run missed by more than an hour is skipped, not started late at a busy time.
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
            metadata: { labels: job.podLabels },
            spec: {
                // No retry: a second run right after a failed one helps nobody; the alert does.
                backoffLimit: 0,
                activeDeadlineSeconds: job.deadlineSeconds,
                template: {
                    metadata: { labels: job.podLabels },
                    spec: {
                        serviceAccountName: job.serviceAccount,
                        ...(job.mountToken ? {} : { automountServiceAccountToken: false }),
                        enableServiceLinks: false,
                        restartPolicy: "Never",
                        terminationGracePeriodSeconds: job.graceSeconds,
                        securityContext: RESTRICTED_POD,
                        containers: [{
                            name: job.container,
                            image: AWS_CLI_IMAGE,
                            command: ["bash", `${SCRIPT_DIR}/${job.script}`],
                            env: job.env,
                            volumeMounts: [{ name: "script", mountPath: SCRIPT_DIR, readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
                            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                            securityContext: RESTRICTED_CONTAINER,
                        }],
                        volumes: [
                            { name: "script", configMap: { name: job.scriptConfigMap } },
                            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                        ],
                    },
                },
            },
        },
    };
}

/**
 * Widens the tenant's default deny for the backup pod only: out to QuestDB's HTTP port, the Pod
 * Identity agent (of the cluster's address family), HTTPS but to the Service CIDR (the EC2 API,
 * public or through a VPC endpoint; components/cluster.ts) and, when the region has one, the
 * Pushgateway's pods on its port. DNS comes from the tenant policy, which selects every
 * pod of the namespace.
 */
export function backupEgressPolicyArgs(ctx: DeploymentContext, pushgateway?: PushTarget): k8s.networking.v1.NetworkPolicyArgs {
    return {
        metadata: { name: IN_NAMESPACE.backup, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/component": BACKUP_COMPONENT } },
            policyTypes: ["Egress"],
            egress: [
                { to: [{ podSelector: { matchLabels: questdbPodSelector(ctx) } }], ports: [{ protocol: "TCP", port: PORTS.http }] },
                ...awsEgressRules(ctx.cluster),
                ...(pushgateway ? [pushgatewayEgressRule(pushgateway)] : []),
            ],
        },
    };
}

/** Lets the backup pod, and only it, into QuestDB's HTTP port. */
export function backupIngressPolicyArgs(ctx: DeploymentContext): k8s.networking.v1.NetworkPolicyArgs {
    return {
        metadata: { name: IN_NAMESPACE.backupIngress, namespace: ctx.names.namespace, labels: ctx.labels },
        spec: {
            podSelector: { matchLabels: questdbPodSelector(ctx) },
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": BACKUP_COMPONENT } } }],
                ports: [{ protocol: "TCP", port: PORTS.http }],
            }],
        },
    };
}

/**
 * The scheduled, checkpointed snapshot (scripts/backup/snapshot.sh): a CronJob in the database's
 * namespace whose ServiceAccount gets, through EKS Pod Identity, a role that can snapshot this
 * volume only. A paused database keeps everything but the CronJob, as it keeps everything but its
 * pod: nothing writes to its volume, so nothing is scheduled. Decommissioned: none of it. Returns
 * the role's ARN.
 */
export function createBackupJob(ctx: DeploymentContext, namespace: k8s.core.v1.Namespace, volume: aws.ebs.Volume, pushgateway?: PushTarget): pulumi.Output<string> {
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };
    const meta = (name: string) => ({ name, namespace: ctx.names.namespace, labels: ctx.labels });
    const role = new aws.iam.Role(partName(ctx, "backup-role"), {
        description: `Consistent scheduled snapshots of ${ctx.database.id}'s data volume`,
        assumeRolePolicy: podIdentityTrustPolicy(ctx.cluster, ctx.names.namespace, IN_NAMESPACE.backup),
        tags: ctx.tags,
    }, { parent: ctx.parent });
    new aws.iam.RolePolicy(partName(ctx, "backup-policy"), {
        role: role.name,
        policy: volume.arn.apply((volumeArn) => JSON.stringify(backupPolicyDocument({
            id: ctx.database.id, stack: ctx.tagStack, awsRegion: ctx.region.awsRegion, volumeArn,
        }))),
    }, { parent: ctx.parent });
    const account = new k8s.core.v1.ServiceAccount(partName(ctx, "backup-account"), {
        metadata: meta(IN_NAMESPACE.backup), automountServiceAccountToken: false,
    }, inNamespace);
    new aws.eks.PodIdentityAssociation(partName(ctx, "backup-identity"), {
        clusterName: ctx.region.clusterName, namespace: ctx.names.namespace, serviceAccount: IN_NAMESPACE.backup, roleArn: role.arn, tags: ctx.tags,
    }, { parent: ctx.parent, dependsOn: [account] });
    const script = new k8s.core.v1.ConfigMap(partName(ctx, "backup-script"), {
        metadata: meta(IN_NAMESPACE.backupScript), data: { "snapshot.sh": SNAPSHOT_SCRIPT, "push.sh": PUSH_SCRIPT, "common.sh": COMMON_SCRIPT },
    }, inNamespace);
    new k8s.networking.v1.NetworkPolicy(partName(ctx, "backup-egress"), backupEgressPolicyArgs(ctx, pushgateway), inNamespace);
    new k8s.networking.v1.NetworkPolicy(partName(ctx, "backup-ingress"), backupIngressPolicyArgs(ctx), inNamespace);
    if (ctx.database.state === "active") {
        new k8s.batch.v1.CronJob(partName(ctx, "backup"), backupCronJobArgs(ctx, volume.id, pushgateway), {
            parent: ctx.parent, dependsOn: [namespace, account, script],
        });
    }
    // Exported (stacks/region.ts) so that the drift workflow can simulate this role's policy (tools/simulatePolicies.ts).
    return role.arn;
}

/** The snapshot tags the script writes, for docs and tests: database, stack, schedule and kind. */
export const SNAPSHOT_TAG_KEYS = [DATABASE_LABEL, STACK_TAG, SCHEDULE_TAG, SNAPSHOT_KIND_TAG] as const;
