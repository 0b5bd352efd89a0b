import * as fs from "fs";
import * as path from "path";
import * as aws from "./aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_LABEL, DRILL_NAMESPACE, DatabaseSpec, PORTS, RegionSpec, STACK_TAG, drillCronJobName } from "../inventory";
import { COMMON_SCRIPT, PUSH_SCRIPT, partitionOf, scriptCronJobSpec } from "./deployment/backup";
import { ClusterFacts, apiServerEgressRules, awsEgressRules, podIdentityTrustPolicy } from "./cluster";
import { DRILL_LABEL, DRILL_PV_POLICY, DrillAdmissionScope, createDrillAdmission } from "./drillAdmission";
import { DRILLS_NAMESPACE_LABEL, cellScopedName, drillNamespaceOf, onSharedCluster } from "../inventory/cells";
import { drillQuotaArgs, drillLimitRangeArgs } from "./drillQuota";
import { questdbImage } from "./deployment/server";
import { tagStackOf } from "./deployment/context";
import { PUSHERS, PushTarget, pushgatewayEgressRule } from "./pushgateway";

export const RESTORE_DRILLS_TYPE = "questdb-cloud:index:RestoreDrills";

/** Name of the drill runner's ServiceAccount, its roles and the script ConfigMap. */
export const DRILL_RUNNER = "questdb-drill";
/** Tag on every EBS volume a drill creates, value the drill's run id; the only volumes a drill may delete. */
export const DRILL_TAG = "questdb.cloud/drill";
export { DRILL_LABEL };
/** A drill that has not finished after this long is stopped; its trap still cleans up. */
export const DRILL_DEADLINE_SECONDS = 3 * 3600;

export const DRILL_SCRIPT = fs.readFileSync(path.join(__dirname, "..", "scripts", "backup", "drill.sh"), "utf8");

export interface RestoreDrillsArgs {
    /** Every database of the region; active ones with `backup.drill` get a scheduled drill. Required. */
    readonly databases: readonly DatabaseSpec[];
    /** The region: stack, AWS region, cluster name and volume KMS key. Required. */
    readonly region: RegionSpec;
    /** The region's cluster (getCluster): the ARN the runner role's trust names, the address family of its egress. Required. */
    readonly cluster: ClusterFacts;
    /**
     * Every tenant volume of the cluster, database id to volume id: a drill's PV may name none of
     * them (components/drillAdmission.ts). @default {}
     */
    readonly volumeIds?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * The region's Pushgateway, which each drill pushes its outcome and phase durations to (and
     * which the runner's NetworkPolicy lets it reach). @default undefined: drills push nothing
     */
    readonly pushgateway?: PushTarget;
}

/** Databases that get a scheduled drill: active ones with `backup.drill`. */
export function drilledDatabases(databases: readonly DatabaseSpec[]): DatabaseSpec[] {
    return databases.filter((d) => d.state === "active" && d.backup.drill !== undefined);
}

/**
 * What drills may do in AWS: read snapshot and volume state, create volumes only from this
 * stack's snapshots and only tagged as a drill's, and delete only volumes tagged as a drill's.
 */
export function drillPolicyDocument(region: Pick<RegionSpec, "awsRegion" | "stack" | "volumeKmsKeyId">, snapshotStacks: readonly string[] = [region.stack]): Record<string, unknown> {
    // A database moved here from another cell keeps its origin's snapshot tags (originStack).
    const stacks = [...new Set(snapshotStacks)].sort();
    const arn = (kind: string) => `arn:${partitionOf(region.awsRegion)}:ec2:${region.awsRegion}:*:${kind}`;
    const snapshots = `arn:${partitionOf(region.awsRegion)}:ec2:${region.awsRegion}::snapshot/*`;
    const statements: Record<string, unknown>[] = [
        { Sid: "ReadState", Effect: "Allow", Action: ["ec2:DescribeSnapshots", "ec2:DescribeVolumes"], Resource: "*" },
        { Sid: "FromStackSnapshots", Effect: "Allow", Action: "ec2:CreateVolume", Resource: snapshots, Condition: { StringEquals: { [`ec2:ResourceTag/${STACK_TAG}`]: stacks.length === 1 ? stacks[0] : stacks } } },
        { Sid: "OnlyDrillVolumes", Effect: "Allow", Action: "ec2:CreateVolume", Resource: arn("volume/*"), Condition: { Null: { [`aws:RequestTag/${DRILL_TAG}`]: "false" } } },
        { Sid: "TagOnCreate", Effect: "Allow", Action: "ec2:CreateTags", Resource: arn("volume/*"), Condition: { StringEquals: { "ec2:CreateAction": "CreateVolume" } } },
        { Sid: "DeleteDrillVolumes", Effect: "Allow", Action: "ec2:DeleteVolume", Resource: arn("volume/*"), Condition: { Null: { [`ec2:ResourceTag/${DRILL_TAG}`]: "false" } } },
    ];
    if (region.volumeKmsKeyId) {
        // A volume made from a snapshot under a customer key needs the key, through EBS only. The
        // key as given, never "*": the inventory accepts only a key ARN (inventory/kmsKey.ts), and
        // any other form makes IAM refuse the policy instead of allowing every key of the account.
        statements.push({
            Sid: "VolumeKeyThroughEbs", Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"],
            Resource: region.volumeKmsKeyId,
            Condition: { StringEquals: { "kms:ViaService": `ec2.${region.awsRegion}.amazonaws.com` } },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

const labels = { "app.kubernetes.io/name": "questdb-drill", "app.kubernetes.io/managed-by": "pulumi" };

/** One database's drill: the runner pod, with the database's AZ and QuestDB version. */
export function drillCronJobArgs(database: DatabaseSpec, region: RegionSpec, pushgateway?: PushTarget): k8s.batch.v1.CronJobArgs {
    const drill = database.backup.drill;
    if (!drill) {
        throw new Error(`database ${database.id} has no drill`);
    }
    const podLabels = { ...labels, "app.kubernetes.io/component": PUSHERS.drill, [DATABASE_LABEL]: database.id };
    const env = Object.entries({
        DATABASE: database.id, STACK: tagStackOf(database, region), AVAILABILITY_ZONE: database.availabilityZone, AWS_REGION: region.awsRegion,
        QUESTDB_IMAGE: questdbImage(database.questdbVersion), DRILL_NAMESPACE: drillNamespaceOf(region), HOME: "/tmp",
        ...(pushgateway ? { PUSHGATEWAY_URL: pushgateway.url } : {}),
    }).map(([name, value]) => ({ name, value }));
    return {
        metadata: { name: drillCronJobName(database.id), namespace: drillNamespaceOf(region), labels: { ...labels, [DATABASE_LABEL]: database.id } },
        spec: scriptCronJobSpec({
            schedule: drill.schedule, podLabels, deadlineSeconds: DRILL_DEADLINE_SECONDS,
            // Time for the trap to delete the pod, claim, PV and volume after SIGTERM.
            graceSeconds: 300,
            // The runner creates the throwaway PV, claim and pod through the Kubernetes API.
            serviceAccount: DRILL_RUNNER, mountToken: true, container: "drill", script: "drill.sh",
            scriptConfigMap: DRILL_RUNNER, env,
        }),
    };
}

/**
 * Default deny, then: the runner out to DNS, the API server and AWS (443), the Pod Identity agent,
 * and the throwaway QuestDB's HTTP port; the throwaway QuestDB in from the runner only, out nowhere.
 */
export function drillNetworkPolicyArgs(namespace = DRILL_NAMESPACE): k8s.networking.v1.NetworkPolicyArgs {
    const runner = { matchLabels: { "app.kubernetes.io/component": PUSHERS.drill } };
    return {
        metadata: { name: DRILL_RUNNER, namespace, labels },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: runner }], ports: [{ protocol: "TCP", port: PORTS.http }] }],
            egress: [
                { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
                { to: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": "drill-questdb" } } }], ports: [{ protocol: "TCP", port: PORTS.http }] },
            ],
        },
    };
}

/**
 * The runner's own egress: AWS and Pod Identity (components/cluster.ts), the API server and, when
 * the region has one, the Pushgateway. A separate policy, so the throwaway QuestDB gets none of it.
 */
export function drillRunnerEgressArgs(cluster: Pick<ClusterFacts, "ipFamily" | "serviceCidr">, pushgateway?: PushTarget, namespace = DRILL_NAMESPACE): k8s.networking.v1.NetworkPolicyArgs {
    return {
        metadata: { name: `${DRILL_RUNNER}-egress`, namespace, labels },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/component": PUSHERS.drill } },
            policyTypes: ["Egress"],
            egress: [
                ...awsEgressRules(cluster),
                ...(pushgateway ? [pushgatewayEgressRule(pushgateway)] : []),
                ...apiServerEgressRules(cluster),
            ],
        },
    };
}

/**
 * Restore drills for the region (scripts/backup/drill.sh): the newest snapshot of a database is
 * restored to a scratch volume in its AZ, a throwaway QuestDB starts on it and answers a query,
 * and everything the drill created, and nothing else, is deleted. One namespace, runner identity
 * and role for the region; one CronJob per database with `backup.drill`. A region that schedules
 * no drill gets none of it.
 */
/** The stack's drill admission scope: its own policy name and namespace (inventory/cells.ts). */
export function drillAdmissionScope(region: Pick<RegionSpec, "stack" | "sharedClusterOwner">): DrillAdmissionScope {
    return { policyName: cellScopedName(DRILL_PV_POLICY, region), namespace: drillNamespaceOf(region), shared: onSharedCluster(region) };
}

/**
 * Restore drills for the region (scripts/backup/drill.sh): the newest snapshot of a database is
 * restored to a scratch volume in its AZ, a throwaway QuestDB starts on it and answers a query,
 * and everything the drill created, and nothing else, is deleted. One namespace, runner identity
 * and role for the region; one CronJob per database with `backup.drill`. A region alone on its
 * cluster that schedules no drill gets none of it; a stack on a shared cluster always gets its
 * namespace and admission policy, so that other cells' runners cannot claim its volumes.
 */
export class RestoreDrills extends pulumi.ComponentResource {
    /** The drill runner's IAM role, when the region schedules a drill: exported for the drift workflow's simulation. */
    readonly roleArn: pulumi.Output<string> | undefined;

    constructor(name: string, args: RestoreDrillsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(RESTORE_DRILLS_TYPE, name, {}, opts);
        const drilled = drilledDatabases(args.databases);
        if (drilled.length > 0 || onSharedCluster(args.region)) {
            const namespace = this.createGuard(name, args);
            if (drilled.length > 0) {
                this.roleArn = this.createRunner(name, args, drilled, namespace);
            }
        }
        this.registerOutputs({});
    }

    /** The drills namespace and the PV admission policy with this stack's tenant volumes. */
    private createGuard(name: string, args: RestoreDrillsArgs): k8s.core.v1.Namespace {
        const scope = drillAdmissionScope(args.region);
        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: scope.namespace, labels: {
                ...labels, "pod-security.kubernetes.io/enforce": "restricted", ...(scope.shared ? { [DRILLS_NAMESPACE_LABEL]: "true" } : {}),
            } },
        }, { parent: this });
        createDrillAdmission(name, DRILL_RUNNER, args.volumeIds ?? {}, labels, { parent: this, dependsOn: [namespace] }, scope);
        return namespace;
    }

    private createRunner(name: string, args: RestoreDrillsArgs, drilled: readonly DatabaseSpec[], namespace: k8s.core.v1.Namespace): pulumi.Output<string> {
        const { region } = args;
        const ns = drillNamespaceOf(region);
        const parent = { parent: this };
        const tags = { [STACK_TAG]: region.stack, "managed-by": "pulumi" };
        const inNamespace = { parent: this, dependsOn: [namespace] };
        const meta = (objectName: string) => ({ name: objectName, namespace: ns, labels });
        new k8s.networking.v1.NetworkPolicy(`${name}-isolation`, drillNetworkPolicyArgs(ns), inNamespace);
        new k8s.networking.v1.NetworkPolicy(`${name}-runner-egress`, drillRunnerEgressArgs(args.cluster, args.pushgateway, ns), inNamespace);
        new k8s.core.v1.ResourceQuota(`${name}-quota`, drillQuotaArgs(drilled.length, labels, ns), inNamespace);
        new k8s.core.v1.LimitRange(`${name}-limits`, drillLimitRangeArgs(labels, ns), inNamespace);
        const account = new k8s.core.v1.ServiceAccount(`${name}-account`, { metadata: meta(DRILL_RUNNER) }, inNamespace);
        const subject = [{ kind: "ServiceAccount", name: DRILL_RUNNER, namespace: ns }];
        // PersistentVolumes are cluster-scoped: a drill binds its scratch volume through one.
        const pvRole = cellScopedName(`${DRILL_RUNNER}-pv`, region);
        new k8s.rbac.v1.ClusterRole(`${name}-pv`, {
            metadata: { name: pvRole, labels },
            rules: [{ apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create", "get", "delete"] }],
        }, parent);
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-pv-binding`, {
            metadata: { name: pvRole, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: pvRole },
            subjects: subject,
        }, parent);
        new k8s.rbac.v1.Role(`${name}-role`, {
            metadata: meta(DRILL_RUNNER),
            rules: [{ apiGroups: [""], resources: ["pods", "persistentvolumeclaims"], verbs: ["create", "get", "delete"] }],
        }, inNamespace);
        new k8s.rbac.v1.RoleBinding(`${name}-role-binding`, {
            metadata: meta(DRILL_RUNNER),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: DRILL_RUNNER },
            subjects: subject,
        }, inNamespace);
        const role = new aws.iam.Role(`${name}-aws-role`, {
            description: `Restore drills of stack ${region.stack}: scratch volumes from its snapshots`,
            assumeRolePolicy: podIdentityTrustPolicy(args.cluster, ns, DRILL_RUNNER),
            tags,
        }, parent);
        new aws.iam.RolePolicy(`${name}-aws-policy`, { role: role.name, policy: JSON.stringify(drillPolicyDocument(region, [region.stack, ...drilled.map((d) => tagStackOf(d, region))])) }, parent);
        new aws.eks.PodIdentityAssociation(`${name}-identity`, {
            clusterName: region.clusterName, namespace: ns, serviceAccount: DRILL_RUNNER, roleArn: role.arn, tags,
        }, { parent: this, dependsOn: [account] });
        const script = new k8s.core.v1.ConfigMap(`${name}-script`, { metadata: meta(DRILL_RUNNER), data: { "drill.sh": DRILL_SCRIPT, "push.sh": PUSH_SCRIPT, "common.sh": COMMON_SCRIPT } }, inNamespace);
        for (const database of drilled) {
            new k8s.batch.v1.CronJob(`${name}-${database.id}`, drillCronJobArgs(database, region, args.pushgateway), { parent: this, dependsOn: [namespace, account, script] });
        }
        return role.arn;
    }
}
