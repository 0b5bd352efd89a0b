/**
 * The node group quota preflight (issue 22.6): once per stack, the cluster's node groups
 * (getNodeGroups) and the quota (Service Quotas, eks L-6D54EA21), judged by inventory/nodeGroupQuota.ts.
 * Nothing is asked when no database holds or held a node group.
 */
import * as aws from "../components/aws";
import { AWS_QUOTAS, DeployedFacts, Inventory, Problem, heldNodeGroup, nodeGroupPeak, nodeGroupQuotaProblem, onNodeGroup } from "../inventory";
import { Answer, answer } from "./preflight";

const QUOTA = AWS_QUOTAS.managedNodeGroupsPerCluster;

export interface NodeGroupQuotaAnswers {
    readonly nodeGroups: Answer<{ readonly names: readonly string[] }>;
    readonly quota: Answer<{ readonly value: number }>;
}

/** Pure: the problems of what AWS answered. */
export function nodeGroupQuotaProblems(inventory: Inventory, previous: Readonly<Record<string, DeployedFacts>>, answers: NodeGroupQuotaAnswers): Problem[] {
    const { region } = inventory;
    const where = "region (node group quota preflight)";
    const found: Problem[] = [];
    if ("error" in answers.nodeGroups) {
        found.push({ where, field: "clusterName", value: region.clusterName, reason: `its node groups could not be listed (${answers.nodeGroups.error}), so the node group quota cannot be checked`,
            fix: `give the role that runs the preview eks:ListNodegroups on cluster ${region.clusterName} (docs/runbook.md, "Preview role and cluster preconditions")` });
    }
    if ("error" in answers.quota) {
        found.push({ where, field: `managed node groups per cluster (${QUOTA.serviceCode} ${QUOTA.quotaCode})`, value: undefined, reason: `could not be read (${answers.quota.error})`,
            fix: `give the role that runs the preview servicequotas:GetServiceQuota (docs/runbook.md, "Preview role and cluster preconditions"); check it with aws service-quotas get-service-quota --service-code ${QUOTA.serviceCode} --quota-code ${QUOTA.quotaCode} --region ${region.awsRegion}` });
    }
    if ("ok" in answers.nodeGroups && "ok" in answers.quota) {
        const problem = nodeGroupQuotaProblem(region, nodeGroupPeak(inventory.databases, previous, answers.nodeGroups.ok.names), answers.quota.ok.value);
        found.push(...(problem ? [problem] : []));
    }
    return found;
}

/** One getNodeGroups and one getServiceQuota per stack; none on a region with no node group before or after. */
export async function readNodeGroupQuotaProblems(inventory: Inventory, previous: Readonly<Record<string, DeployedFacts>>): Promise<Problem[]> {
    if (!inventory.databases.some(onNodeGroup) && !Object.values(previous).some(heldNodeGroup)) {
        return [];
    }
    const { region } = inventory;
    const [nodeGroups, quota] = await Promise.all([
        answer(() => aws.eks.getNodeGroups({ clusterName: region.clusterName })),
        answer(() => aws.servicequotas.getServiceQuota({ serviceCode: QUOTA.serviceCode, quotaCode: QUOTA.quotaCode })),
    ]);
    return nodeGroupQuotaProblems(inventory, previous, { nodeGroups, quota });
}
