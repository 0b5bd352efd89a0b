import * as pulumi from "@pulumi/pulumi";
import { fakeId } from "./mockIds";

// The SDK's wire markers for a secret value inside deserialized inputs.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Replaces every secret value with `mask`, so that records can be printed and stored safely.
 * Without a mask, a secret is replaced by its plain value (render/types.ts `revealSecrets`).
 */
export function maskSecrets(value: unknown, mask: string | undefined): unknown {
    if (Array.isArray(value)) {
        return value.map((v) => maskSecrets(v, mask));
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return mask ?? maskSecrets(record.value, mask);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v, mask)]));
    }
    return value;
}


/** The account every mock ARN names (the mocks' cluster, roles and quotas are in it too). */
export const MOCK_ACCOUNT = "123456789012";

/**
 * What AWS would compute on create, for the properties the program reads back. `id` is the one
 * the mock answers with: for an imported resource the imported id, as AWS would read it back.
 */
function computedState(type: string, name: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1, arn: `arn:aws:ec2:::launch-template/${fakeId("lt-", name)}` };
        case "aws:eks/nodeGroup:NodeGroup":
            // Terraform appends a 26-character unique suffix to the prefix.
            return { nodeGroupName: inputs.nodeGroupName ?? `${inputs.nodeGroupNamePrefix}${"2" + fakeId("", name, 25)}`, status: "ACTIVE" };
        case "aws:ebs/volume:Volume":
            // EBS's form, region (the volume's AZ without its letter) and account included: the
            // backup policy names this ARN, and the IAM checks (e2e/aws) judge it by IAM's formats.
            return { arn: `arn:aws:ec2:${String(inputs.availabilityZone ?? "").replace(/[a-z]$/, "")}:${MOCK_ACCOUNT}:volume/${id}` };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::123456789012:role/${name}`, name };
        default:
            return {};
    }
}

const ID_PREFIXES: Record<string, string> = { "aws:ebs/volume:Volume": "vol-", "aws:ebs/snapshot:Snapshot": "snap-" };

function idFor(type: string, name: string): string {
    return type in ID_PREFIXES ? fakeId(ID_PREFIXES[type], name) : fakeId(`${name}-`, type, 8);
}

/** What the mocks answer about the region's cluster; a render request may override any of it. */
export interface MockCluster {
    /** The API server's URL. */
    readonly endpoint: string;
    /** The cluster CA, base64; a CA rotation changes it. */
    readonly certificateAuthorityData: string;
    /** Installed EKS add-ons, name to configurationValues (JSON); an absent name is not installed. */
    readonly addons: Readonly<Record<string, string>>;
    /** The state KMS reports for any key, e.g. "Enabled" or "PendingDeletion". */
    readonly kmsKeyState: string;
    /** The cluster's node security group (getCluster's vpcConfig). */
    readonly clusterSecurityGroupId: string;
    /** AWS's public EKS AMI parameters, name to AMI id; an absent name is ParameterNotFound. */
    readonly amiParameters: Readonly<Record<string, string>>;
    /** The IAM role of an add-on, by add-on name (the EBS CSI driver's `serviceAccountRoleArn`). */
    readonly addonRoles: Readonly<Record<string, string>>;
    /** Actions IAM's policy simulator denies to every role; the rest it allows. */
    readonly deniedActions: readonly string[];
    /** `kubernetesNetworkConfig`: the pods' address family and the Service CIDR of that family. */
    readonly ipFamily: "ipv4" | "ipv6";
    readonly serviceCidr: string;
    /** The applied "Managed node groups per cluster" quota (Service Quotas eks L-6D54EA21). */
    readonly nodeGroupQuota: number;
    /** Node groups of the cluster that no stack output records (other stacks, tools); getNodeGroups adds the recorded ones. */
    readonly foreignNodeGroups: readonly string[];
    /** The EKS access entry type of every principal, or undefined for none (ResourceNotFoundException). */
    readonly accessEntryType: string | undefined;
}

/** The EKS AMI releases the mock region publishes: the ones the shipped stacks and fixtures name. */
export const MOCK_NODE_IMAGES = ["1.31.3-20250103", "1.31.4-20250123", "1.31.5-20250301"];

export const FAKE_CLUSTER: MockCluster = {
    endpoint: "https://0123456789ABCDEF0123456789ABCDEF.gr7.mock.eks.amazonaws.com",
    certificateAuthorityData: Buffer.from("mock certificate authority").toString("base64"),
    // What the program needs (stacks/preflight.ts), so that shipped stacks pass preflight.
    addons: { "aws-ebs-csi-driver": "", "vpc-cni": JSON.stringify({ enableNetworkPolicy: "true" }), "eks-pod-identity-agent": "" },
    kmsKeyState: "Enabled",
    clusterSecurityGroupId: "sg-0c1a2b3c4d5e6f708",
    amiParameters: Object.fromEntries(MOCK_NODE_IMAGES.flatMap((image) => (["x86_64", "arm64"] as const).map((arch) => {
        const [minor, date] = [image.split(".").slice(0, 2).join("."), image.split("-").pop()];
        const name = `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/${arch}/standard/amazon-eks-node-al2023-${arch}-standard-${minor}-v${date}/image_id`;
        return [name, fakeId("ami-", `${image}/${arch}`)];
    }))),
    addonRoles: { "aws-ebs-csi-driver": "arn:aws:iam::123456789012:role/ebs-csi-driver" },
    deniedActions: [],
    ipFamily: "ipv4",
    serviceCidr: "172.20.0.0/16",
    // AWS's default; a region that lists more databases on node groups raised it (README, maxDatabases).
    nodeGroupQuota: 30,
    foreignNodeGroups: [],
    accessEntryType: "EC2_LINUX",
};

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** A registration as the mock monitor saw it. */
export interface MockRecord {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
}

/**
 * Mocks that behave like AWS and Kubernetes for what the program reads back. Under preview they
 * return no id and no computed state, so the program meets the unknowns a first preview meets.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly records: MockRecord[] = [];
    readonly invokes: Record<string, number> = {};
    /** Every invoke with its inputs, in call order (a handful per stack). */
    readonly calls: { readonly token: string; readonly inputs: Record<string, unknown> }[] = [];

    private readonly cluster: MockCluster;

    constructor(
        private readonly preview: boolean,
        private readonly previousOutputs: Record<string, unknown> = {},
        cluster: Partial<MockCluster> = {},
    ) {
        this.cluster = { ...FAKE_CLUSTER, ...cluster };
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        this.records.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        if (args.type === STACK_REFERENCE_TYPE) {
            // A read of the stack's own state resolves in previews too, as it does under the engine.
            return { id: String(args.inputs.name), state: { name: args.inputs.name, outputs: this.previousOutputs, secretOutputNames: [] } };
        }
        if (this.preview) {
            return { id: args.id ?? undefined, state: args.inputs };
        }
        // No echo of the inputs: outside a preview the SDK resolves every input the engine does not
        // return from the inputs themselves, as it does for the real engine's state. Echoing them
        // would only serialize every input a second time.
        const id = args.id || idFor(args.type, args.name);
        return { id, state: computedState(args.type, args.name, id, args.inputs) };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokes[args.token] = (this.invokes[args.token] ?? 0) + 1;
        this.calls.push({ token: args.token, inputs: args.inputs });
        if (args.token === "aws:eks/getCluster:getCluster") {
            const { endpoint, certificateAuthorityData, ipFamily, serviceCidr } = this.cluster;
            const network = ipFamily === "ipv6" ? { ipFamily, serviceIpv4Cidr: "", serviceIpv6Cidr: serviceCidr } : { ipFamily, serviceIpv4Cidr: serviceCidr, serviceIpv6Cidr: "" };
            return {
                endpoint, certificateAuthorities: [{ data: certificateAuthorityData }], version: "1.31", status: "ACTIVE", name: args.inputs.name, id: args.inputs.name,
                arn: `arn:aws:eks:us-east-1:123456789012:cluster/${String(args.inputs.name)}`, kubernetesNetworkConfigs: [network],
                vpcConfig: { clusterSecurityGroupId: this.cluster.clusterSecurityGroupId },
            };
        }
        if (args.token === "aws:eks/getAddon:getAddon") {
            const name = String(args.inputs.addonName);
            if (!(name in this.cluster.addons)) {
                throw new Error(`ResourceNotFoundException: No addon: ${name} found in cluster: ${args.inputs.clusterName}`);
            }
            return {
                addonName: name, clusterName: args.inputs.clusterName, addonVersion: "v1.0.0-eksbuild.1", configurationValues: this.cluster.addons[name],
                serviceAccountRoleArn: this.cluster.addonRoles[name] ?? "", podIdentityAssociations: [], id: `${args.inputs.clusterName}:${name}`,
            };
        }
        if (args.token === "aws:kms/getKey:getKey") {
            return { keyId: args.inputs.keyId, arn: args.inputs.keyId, id: args.inputs.keyId, keyState: this.cluster.kmsKeyState, keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT", enabled: this.cluster.kmsKeyState === "Enabled" };
        }
        if (args.token === "aws:ssm/getParameter:getParameter") {
            const name = String(args.inputs.name);
            const ami = this.cluster.amiParameters[name];
            if (ami === undefined) {
                throw new Error(`ParameterNotFound: ${name}`);
            }
            return { name, value: ami, type: "String", id: name, arn: `arn:aws:ssm:::parameter${name}`, version: 1, insecureValue: ami, withDecryption: true };
        }
        if (args.token === "aws:iam/getPrincipalPolicySimulation:getPrincipalPolicySimulation") {
            const actions = args.inputs.actionNames as string[];
            const results = actions.map((actionName) => {
                const allowed = !this.cluster.deniedActions.includes(actionName);
                return { actionName, allowed, decision: allowed ? "allowed" : "implicitDeny", resourceArn: (args.inputs.resourceArns as string[] | undefined)?.[0] ?? "*" };
            });
            return { ...args.inputs, id: String(args.inputs.policySourceArn), allAllowed: results.every((r) => r.allowed), results };
        }
        const answer = this.clusterInventory(args);
        if (answer) {
            return answer;
        }
        throw new Error(`render: no mock answer for invoke ${args.token}; add one to render/mocks.ts`);
    }

    /** Node groups, the node group quota and access entries, shaped as @pulumi/aws 7.48 returns them. */
    private clusterInventory(args: pulumi.runtime.MockCallArgs): Record<string, unknown> | undefined {
        const clusterName = String(args.inputs.clusterName);
        if (args.token === "aws:eks/getNodeGroups:getNodeGroups") {
            const databases = (this.previousOutputs.databases ?? {}) as Record<string, { nodeGroupName?: unknown }>;
            const recorded = Object.values(databases).map((d) => d.nodeGroupName).filter((n): n is string => typeof n === "string" && n !== "");
            return { clusterName, id: clusterName, names: [...recorded, ...this.cluster.foreignNodeGroups], region: "us-east-1" };
        }
        if (args.token === "aws:servicequotas/getServiceQuota:getServiceQuota") {
            const { serviceCode, quotaCode } = args.inputs as { serviceCode: string; quotaCode: string };
            const arn = `arn:aws:servicequotas:us-east-1:123456789012:${serviceCode}/${quotaCode}`;
            return {
                adjustable: true, arn, id: arn, defaultValue: 30, globalQuota: false, quotaCode, quotaName: "Managed node groups per cluster",
                region: "us-east-1", serviceCode, serviceName: "Amazon Elastic Kubernetes Service (Amazon EKS)", usageMetrics: [], value: this.cluster.nodeGroupQuota,
            };
        }
        if (args.token === "aws:eks/getAccessEntry:getAccessEntry") {
            const principalArn = String(args.inputs.principalArn);
            if (this.cluster.accessEntryType === undefined) {
                throw new Error(`ResourceNotFoundException: The specified principalArn could not be found: ${principalArn}`);
            }
            return {
                accessEntryArn: `arn:aws:eks:us-east-1:123456789012:access-entry/${clusterName}/role/123456789012/qdb-node/0`, clusterName, createdAt: "2026-01-01T00:00:00Z",
                id: `${clusterName}:${principalArn}`, kubernetesGroups: [], modifiedAt: "2026-01-01T00:00:00Z", principalArn, region: "us-east-1",
                tags: {}, tagsAll: {}, type: this.cluster.accessEntryType, userName: "system:node:{{EC2PrivateDNSName}}",
            };
        }
        return undefined;
    }
}
