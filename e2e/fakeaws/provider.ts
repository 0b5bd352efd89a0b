/**
 * A stand-in `aws` resource plugin for the real-engine tier. The AWS provider cannot be built from
 * the registries (field notes), so the engine loads this plugin under the AWS provider's name and
 * the version @pulumi/aws asks for; the program runs unchanged.
 *
 * - Resources live in a "world" file (QDB_E2E_FAKEAWS_WORLD): create/update/delete write it, read
 *   and import find what a test put there (legacy resources for adoption).
 * - Ids are deterministic: a prefix per type and a hash of the URN. In the world's fault mode
 *   (FAULTS_KEY, e2e/engine/interrupted.e2e.test.ts) ids that AWS assigns are fresh on every
 *   create, as AWS's are, and a create of a listed type is recorded and then never answered: the
 *   cloud created it and the response was lost, so a killed CLI can leave an orphan behind.
 * - Diff compares the inputs; the paths that force a replacement come from
 *   shared/reference/aws-replace-on-change.json (read from the Terraform provider that pulumi-aws
 *   bridges), not from the impact tool's own table, so the tier can catch impact being wrong.
 * - `aws.eks.getCluster` answers with the tier's API server endpoint and CA (QDB_E2E_APISERVER,
 *   QDB_E2E_CA_DATA; a test may give the cluster another endpoint in the world); `aws.eks.getAddon` answers from the world's add-on entries (the tier installs
 *   ones the preflight asks for; a test can remove one); `aws.iam.getPrincipalPolicySimulation`
 *   allows every action (the tier has no IAM); `aws.eks.getNodeGroups` lists the world's node
 *   groups of the cluster, and `aws.servicequotas.getServiceQuota` answers AWS's default value unless
 *   a test put a quota in the world (the node group quota preflight); any other invoke fails,
 *   naming itself.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import type * as provider from "@pulumi/pulumi/provider";
import { awsReplaceOnChange } from "./replaceOnChange";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Where a resource's inputs are kept in its outputs: the engine hands Diff the old outputs. */
const INPUTS_KEY = "fakeawsInputs";
const ACCOUNT = "111122223333";

type Props = Record<string, unknown>;

export interface WorldEntry {
    readonly type: string;
    readonly inputs: Props;
    readonly outputs: Props;
}

export type World = Record<string, WorldEntry>;

export function readWorld(file: string): World {
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as World : {};
}

export function writeWorld(file: string, world: World): void {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(world, null, 1));
    fs.renameSync(`${file}.tmp`, file);
}

function typeOf(urn: string): string {
    return urn.split("::")[2].split("$").pop() as string;
}

function nameOf(urn: string): string {
    return urn.split("::")[3];
}

function hash(text: string, length: number): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** The leaf paths (dotted) where two values differ; an unknown is a difference. */
export function differingPaths(a: unknown, b: unknown, prefix = ""): string[] {
    if (a === UNKNOWN || b === UNKNOWN) {
        return [prefix];
    }
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) === !Array.isArray(b)) {
        const keys = new Set([...Object.keys(a as Props), ...Object.keys(b as Props)]);
        return [...keys].flatMap((k) => differingPaths((a as Props)[k], (b as Props)[k], prefix ? `${prefix}.${k}` : k));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

/** Whether a changed path is one of the replacing paths or inside one ("launchTemplate.id" covers itself only). */
function matchesPrefix(path: string, prefixes: readonly string[]): boolean {
    return prefixes.some((p) => path === p || path.startsWith(`${p}.`));
}

/** The world's fault mode, keyed FAULTS_KEY: what the tier's fault tests make the cloud do. */
export const FAULTS_KEY = "faults:mode";
export const FAULTS_TYPE = "e2e:faults";

export interface FaultMode {
    /** Ids that AWS assigns (volumes, node group names from a prefix, ...) differ on every create. */
    readonly freshIds?: boolean;
    /** Creates of these types are recorded in the world and never answered. */
    readonly hangAfterCreate?: readonly string[];
}

export function faultModeEntry(mode: FaultMode): [string, WorldEntry] {
    return [FAULTS_KEY, { type: FAULTS_TYPE, inputs: {}, outputs: { ...mode } }];
}

function faultMode(world: World): FaultMode {
    const entry = world[FAULTS_KEY];
    return entry?.type === FAULTS_TYPE ? entry.outputs as FaultMode : {};
}

/** The seed of the ids a new resource gets: its URN, plus a nonce when ids are fresh. */
function idSeed(urn: string, mode: FaultMode): string {
    return mode.freshIds ? `${urn}#${crypto.randomUUID()}` : urn;
}

/** What AWS computes for a new resource of each type the program uses. */
function computed(type: string, urn: string, inputs: Props, previous?: Props, seed = urn): { id: string; outs: Props } {
    const h = hash(seed, 17);
    const region = process.env.QDB_E2E_AWS_REGION ?? "eu-west-1";
    switch (type) {
        case "aws:ebs/volume:Volume":
            return { id: `vol-${h}`, outs: { arn: `arn:aws:ec2:${region}:${ACCOUNT}:volume/vol-${h}` } };
        case "aws:ebs/snapshot:Snapshot":
            return { id: `snap-${h}`, outs: { arn: `arn:aws:ec2:${region}::snapshot/snap-${h}` } };
        case "aws:ec2/launchTemplate:LaunchTemplate": {
            const version = previous ? Number(previous.latestVersion ?? 0) + 1 : 1;
            return { id: `lt-${h}`, outs: { latestVersion: version, defaultVersion: version, arn: `arn:aws:ec2:${region}:${ACCOUNT}:launch-template/lt-${h}` } };
        }
        case "aws:eks/nodeGroup:NodeGroup": {
            const name = (inputs.nodeGroupName as string | undefined) ?? (previous?.nodeGroupName as string | undefined)
                ?? `${inputs.nodeGroupNamePrefix as string}${hash(seed, 26)}`;
            return { id: `${inputs.clusterName as string}:${name}`, outs: { nodeGroupName: name, status: "ACTIVE" } };
        }
        case "aws:route53/record:Record":
            return { id: `${inputs.zoneId as string}_${inputs.name as string}_${inputs.type as string}`, outs: { fqdn: inputs.name } };
        case "aws:iam/role:Role":
            return { id: inputs.name as string, outs: { arn: `arn:aws:iam::${ACCOUNT}:role/${inputs.name as string}`, uniqueId: `AROA${h.toUpperCase()}` } };
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return { id: `${inputs.role as string}-${hash(String(inputs.policyArn), 8)}`, outs: {} };
        case "aws:iam/rolePolicy:RolePolicy":
            return { id: `${inputs.role as string}:${inputs.name as string}`, outs: {} };
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            return {
                id: `${inputs.clusterName as string},a-${h}`,
                outs: { associationId: `a-${h}`, associationArn: `arn:aws:eks:${region}:${ACCOUNT}:podidentityassociation/${inputs.clusterName as string}/a-${h}` },
            };
        case "aws:dlm/lifecyclePolicy:LifecyclePolicy":
            return { id: `policy-${h}`, outs: { arn: `arn:aws:dlm:${region}:${ACCOUNT}:policy/policy-${h}` } };
        default:
            throw new Error(`fake aws: no model of ${type} (${urn}); add it to e2e/fakeaws/provider.ts`);
    }
}

/** A test's change to what EKS reports of a cluster (a new endpoint), keyed by the cluster's name. */
export const CLUSTER_TYPE = "aws:eks/cluster:Cluster";

function clusterAnswer(world: World, inputs: Props): Props {
    const override = world[`cluster:${inputs.name as string}`];
    const endpoint = override?.type === CLUSTER_TYPE ? override.outputs.endpoint as string : process.env.QDB_E2E_APISERVER;
    const ca = process.env.QDB_E2E_CA_DATA;
    if (!endpoint || !ca) {
        throw new Error("fake aws: QDB_E2E_APISERVER and QDB_E2E_CA_DATA must be set for aws.eks.getCluster");
    }
    const name = inputs.name as string;
    return {
        id: name, name, endpoint, arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/${name}`,
        certificateAuthorities: [{ data: ca }], status: "ACTIVE", version: "1.36",
        // The tier's kube-apiserver --service-cluster-ip-range (e2e/engine/cluster.ts).
        kubernetesNetworkConfigs: [{ ipFamily: "ipv4", serviceIpv4Cidr: "10.96.0.0/16", serviceIpv6Cidr: "" }],
        // EKS creates a cluster security group for every cluster; Karpenter's nodes join it.
        vpcConfig: { clusterSecurityGroupId: "sg-0e2e00000000000c1", securityGroupIds: [], subnetIds: [], vpcId: "vpc-0e2e" },
    };
}

/** EKS add-ons are not resources of the program: the tier puts them in the world as the cluster's. */
export const ADDON_TYPE = "aws:eks/addon:Addon";

/** A world entry for an installed add-on, keyed like the AWS provider's id ("cluster:addon"). */
export function addonEntry(clusterName: string, addonName: string, configurationValues = ""): [string, WorldEntry] {
    const inputs = { clusterName, addonName, configurationValues };
    return [`${clusterName}:${addonName}`, { type: ADDON_TYPE, inputs, outputs: { ...inputs, addonVersion: "v0.0.0-e2e" } }];
}

/** What DescribeAddon answers: the add-on, or the not-found error the real provider returns. */
function addonAnswer(world: World, inputs: Props): { outputs: Props } {
    const entry = world[`${inputs.clusterName as string}:${inputs.addonName as string}`];
    if (!entry || entry.type !== ADDON_TYPE) {
        throw new Error(`reading EKS Add-On (${inputs.clusterName as string}:${inputs.addonName as string}): couldn't find resource`);
    }
    return { outputs: { ...entry.outputs, id: `${inputs.clusterName as string}:${inputs.addonName as string}` } };
}

/** What ListNodegroups answers: the names of the world's node groups of one cluster. */
function nodeGroupsAnswer(world: World, inputs: Props): { outputs: Props } {
    const clusterName = inputs.clusterName as string;
    const names = Object.values(world)
        .filter((e) => e.type === "aws:eks/nodeGroup:NodeGroup" && e.inputs.clusterName === clusterName)
        .map((e) => e.outputs.nodeGroupName as string)
        .sort();
    return { outputs: { clusterName, id: clusterName, names } };
}

/** A test's applied quota value, keyed "quota:<serviceCode>/<quotaCode>". */
export const QUOTA_TYPE = "aws:servicequotas/serviceQuota:ServiceQuota";

/**
 * The AWS defaults of the quotas the program reads, as the Service Quotas console states them
 * (kept here, not imported from inventory/limits.ts, so the tier can catch the program's table
 * being wrong).
 */
const AWS_DEFAULT_QUOTAS: Record<string, number> = { "eks/L-6D54EA21": 30 };

/** What GetServiceQuota answers: the world's applied value, else AWS's default, else NoSuchResource. */
function serviceQuotaAnswer(world: World, inputs: Props): { outputs: Props } {
    const key = `${inputs.serviceCode as string}/${inputs.quotaCode as string}`;
    const applied = world[`quota:${key}`];
    const value = applied?.type === QUOTA_TYPE ? Number(applied.outputs.value) : AWS_DEFAULT_QUOTAS[key];
    if (value === undefined) {
        throw new Error(`reading Service Quotas Service Quota (${key}): NoSuchResourceException`);
    }
    return { outputs: { ...inputs, id: key, value, defaultValue: AWS_DEFAULT_QUOTAS[key] ?? value, adjustable: true, global: false } };
}

/** A public SSM parameter AWS publishes (an EKS AMI id per release), keyed "ssm:<name>". */
export const SSM_PARAMETER_TYPE = "aws:ssm/parameter:Parameter";

export function ssmParameterEntry(name: string, value: string): [string, WorldEntry] {
    return [`ssm:${name}`, { type: SSM_PARAMETER_TYPE, inputs: { name }, outputs: { name, value, type: "String" } }];
}

/** What GetParameter answers: the world's parameter, or the ParameterNotFound AWS returns. */
function ssmParameterAnswer(world: World, inputs: Props): { outputs: Props } {
    const name = inputs.name as string;
    const entry = world[`ssm:${name}`];
    if (!entry || entry.type !== SSM_PARAMETER_TYPE) {
        throw new Error(`reading SSM Parameter (${name}): operation error SSM: GetParameter, ParameterNotFound`);
    }
    return { outputs: { ...entry.outputs, id: name, arn: `arn:aws:ssm:eu-west-1::parameter${name}`, version: 1, withDecryption: true, insecureValue: entry.outputs.value } };
}

/** An EKS access entry, keyed "access-entry:<cluster>/<principal ARN>". */
export const ACCESS_ENTRY_TYPE = "aws:eks/accessEntry:AccessEntry";

export function accessEntryEntry(clusterName: string, principalArn: string, type: string): [string, WorldEntry] {
    const inputs = { clusterName, principalArn, type };
    return [`access-entry:${clusterName}/${principalArn}`, { type: ACCESS_ENTRY_TYPE, inputs, outputs: { ...inputs, kubernetesGroups: [], userName: "" } }];
}

/** What DescribeAccessEntry answers: the world's entry, or the not-found error. */
function accessEntryAnswer(world: World, inputs: Props): { outputs: Props } {
    const key = `${inputs.clusterName as string}/${inputs.principalArn as string}`;
    const entry = world[`access-entry:${key}`];
    if (!entry || entry.type !== ACCESS_ENTRY_TYPE) {
        throw new Error(`reading EKS Access Entry (${key}): ResourceNotFoundException: The specified principalArn could not be found`);
    }
    return { outputs: { ...entry.outputs, id: `${inputs.clusterName as string}:${inputs.principalArn as string}` } };
}

export function fakeAwsProvider(worldFile: string, version: string): provider.Provider {
    const load = () => readWorld(worldFile);
    const save = (world: World) => writeWorld(worldFile, world);
    return {
        version,
        async check(urn, olds: Props, news: Props) {
            // Like the real provider's auto-naming: a role without a name gets one, kept across updates.
            if (["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"].includes(typeOf(urn)) && news.name === undefined) {
                return { inputs: { ...news, name: (olds?.name as string | undefined) ?? `${nameOf(urn)}-${hash(urn, 7)}` } };
            }
            return { inputs: news };
        },
        async diff(id, urn, olds: Props, news: Props) {
            const before = (olds[INPUTS_KEY] ?? {}) as Props;
            const paths = differingPaths(before, news).filter((p) => p !== "");
            const force = awsReplaceOnChange()[typeOf(urn)] ?? [];
            const replaces = [...new Set(paths.filter((p) => matchesPrefix(p, force)).map((p) => p.split(".")[0]))];
            return { changes: paths.length > 0, replaces };
        },
        async create(urn, inputs: Props) {
            const type = typeOf(urn);
            const world = load();
            const mode = faultMode(world);
            const { id, outs } = computed(type, urn, inputs, undefined, idSeed(urn, mode));
            const outputs = { ...inputs, ...outs, [INPUTS_KEY]: inputs };
            world[id] = { type, inputs, outputs };
            save(world);
            if (mode.hangAfterCreate?.includes(type)) {
                // AWS made it; the answer never arrives (the test kills the CLI meanwhile).
                await new Promise(() => undefined);
            }
            return { id, outs: outputs };
        },
        async update(id, urn, olds: Props, news: Props) {
            const type = typeOf(urn);
            const { outs } = computed(type, urn, news, olds);
            const outputs = { ...news, ...outs, [INPUTS_KEY]: news };
            const world = load();
            world[id] = { type, inputs: news, outputs };
            save(world);
            return { outs: outputs };
        },
        async delete(id) {
            const world = load();
            delete world[id];
            save(world);
        },
        async read(id, urn) {
            const entry = load()[id];
            if (!entry || entry.type !== typeOf(urn)) {
                return { id: "", props: {} };
            }
            return { id, props: { ...entry.outputs, [INPUTS_KEY]: entry.inputs }, inputs: entry.inputs };
        },
        async invoke(token, inputs: Props) {
            if (token === "aws:eks/getCluster:getCluster") {
                return { outputs: clusterAnswer(load(), inputs) };
            }
            if (token === "aws:eks/getAddon:getAddon") {
                return addonAnswer(load(), inputs);
            }
            if (token === "aws:eks/getNodeGroups:getNodeGroups") {
                return nodeGroupsAnswer(load(), inputs);
            }
            if (token === "aws:servicequotas/getServiceQuota:getServiceQuota") {
                return serviceQuotaAnswer(load(), inputs);
            }
            if (token === "aws:ssm/getParameter:getParameter") {
                return ssmParameterAnswer(load(), inputs);
            }
            if (token === "aws:eks/getAccessEntry:getAccessEntry") {
                return accessEntryAnswer(load(), inputs);
            }
            if (token === "aws:iam/getPrincipalPolicySimulation:getPrincipalPolicySimulation") {
                const results = (inputs.actionNames as string[]).map((actionName) => ({ actionName, allowed: true, decision: "allowed" }));
                return { outputs: { ...inputs, id: inputs.policySourceArn, allAllowed: true, results } };
            }
            throw new Error(`fake aws: the program invoked ${token}, which this tier does not model; add it to e2e/fakeaws/provider.ts`);
        },
    };
}
