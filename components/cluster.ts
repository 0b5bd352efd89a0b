/**
 * What the program knows of the region's EKS cluster from its one `aws.eks.getCluster` call
 * (stacks/cluster.ts), and the pure policies derived from it: the Pod Identity trust policy and
 * the egress to AWS of the backup and drill pods.
 */
import type * as k8s from "@pulumi/kubernetes";

export interface ClusterFacts {
    /** The cluster's ARN: the `eks-cluster-arn` session tag Pod Identity sets. */
    readonly arn: string;
    /** The API server's URL. */
    readonly endpoint: string;
    /** The cluster CA, base64. */
    readonly certificateAuthorityData: string;
    /** `kubernetesNetworkConfig.ipFamily`: the pods' address family. */
    readonly ipFamily: "ipv4" | "ipv6";
    /** The Service CIDR of that family, when EKS reports one. */
    readonly serviceCidr?: string;
    /** `vpcConfig.clusterSecurityGroupId`: the security group Karpenter's nodes join. */
    readonly clusterSecurityGroupId: string;
}

/** The Pod Identity agent's credential endpoint on every node, per address family (EKS user guide, "EKS Pod Identity"). */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", ipv6Cidr: "fd00:ec2::23/128", port: 80 } as const;

/** The session tags EKS Pod Identity puts on every role session (EKS user guide, "pod-id-abac"). */
export const POD_IDENTITY_TAGS = { cluster: "eks-cluster-arn", namespace: "kubernetes-namespace", serviceAccount: "kubernetes-service-account" } as const;

/**
 * The trust policy of a role that EKS Pod Identity hands to one ServiceAccount: the form of the
 * EKS user guide ("Create IAM role with trust policy required by EKS Pod Identity", "Setting
 * Conditions"), conditioned on the cluster, namespace and account, so an association made by
 * anyone else (another cluster, namespace or account) cannot assume it.
 */
export function podIdentityTrustPolicy(cluster: Pick<ClusterFacts, "arn">, namespace: string, serviceAccount: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
                StringEquals: {
                    [`aws:RequestTag/${POD_IDENTITY_TAGS.cluster}`]: cluster.arn,
                    [`aws:RequestTag/${POD_IDENTITY_TAGS.namespace}`]: namespace,
                    [`aws:RequestTag/${POD_IDENTITY_TAGS.serviceAccount}`]: serviceAccount,
                },
            },
        }],
    });
}

/**
 * The in-cluster `kubernetes` Service's address: the first address of the Service CIDR (EKS
 * assigns it). Undefined for an IPv6 CIDR not written with a trailing `::` (EKS writes it so).
 */
export function apiServiceAddress(serviceCidr: string): string | undefined {
    const [address, bits] = serviceCidr.split("/");
    if (address.includes(":")) {
        return address.endsWith("::") ? `${address}1/128` : undefined;
    }
    const n = address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
    const first = (n - (n % 2 ** (32 - Number(bits)))) + 1;
    return `${[24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join(".")}/32`;
}

type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/**
 * Egress to AWS APIs and the Pod Identity agent. HTTPS goes to any address but the cluster's
 * Service CIDR: AWS endpoints have no fixed ranges, and with the VPC CNI pods and interface VPC
 * endpoints share the VPC's addresses, so pod addresses cannot be excluded without cutting off a
 * private cluster's EC2 and STS endpoints (docs/decisions.md, "Backup and drill egress").
 */
export function awsEgressRules(cluster: Pick<ClusterFacts, "ipFamily" | "serviceCidr">): EgressRule[] {
    const https = [{ protocol: "TCP", port: 443 }];
    const except = cluster.serviceCidr ? [cluster.serviceCidr] : [];
    const v6 = cluster.ipFamily === "ipv6";
    return [
        { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] },
        { to: [{ ipBlock: v6 || except.length === 0 ? { cidr: "0.0.0.0/0" } : { cidr: "0.0.0.0/0", except } }], ports: https },
        ...(v6 ? [
            { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.ipv6Cidr } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] },
            { to: [{ ipBlock: except.length === 0 ? { cidr: "::/0" } : { cidr: "::/0", except } }], ports: https },
        ] : []),
    ];
}

/** The drill runner's way to the API server through the `kubernetes` Service, which awsEgressRules excepts. */
export function apiServerEgressRules(cluster: Pick<ClusterFacts, "serviceCidr">): EgressRule[] {
    const address = cluster.serviceCidr ? apiServiceAddress(cluster.serviceCidr) : undefined;
    return address ? [{ to: [{ ipBlock: { cidr: address } }], ports: [{ protocol: "TCP", port: 443 }] }] : [];
}
