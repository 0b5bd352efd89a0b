import * as aws from "../components/aws";
import { ClusterFacts } from "../components/cluster";
import { RegionSpec } from "../inventory";

/** What getCluster answered, reduced to what the program uses; pure, so tests can feed it. */
export function clusterFactsOf(answer: {
    arn: string; endpoint: string; certificateAuthorities: { data: string }[];
    kubernetesNetworkConfigs?: { ipFamily?: string; serviceIpv4Cidr?: string; serviceIpv6Cidr?: string }[];
    vpcConfig?: { clusterSecurityGroupId?: string };
}): ClusterFacts {
    const network = answer.kubernetesNetworkConfigs?.[0];
    const ipFamily = network?.ipFamily === "ipv6" ? "ipv6" : "ipv4";
    const serviceCidr = (ipFamily === "ipv6" ? network?.serviceIpv6Cidr : network?.serviceIpv4Cidr) || undefined;
    return {
        arn: answer.arn, endpoint: answer.endpoint, certificateAuthorityData: answer.certificateAuthorities[0].data,
        ipFamily, ...(serviceCidr ? { serviceCidr } : {}), clusterSecurityGroupId: answer.vpcConfig?.clusterSecurityGroupId ?? "",
    };
}

/** The stack's one `aws.eks.getCluster` call: the provider, the preflight and the components share its answer. */
export async function readCluster(region: Pick<RegionSpec, "clusterName">): Promise<ClusterFacts> {
    return clusterFactsOf(await aws.eks.getCluster({ name: region.clusterName }));
}
