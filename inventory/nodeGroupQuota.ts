/**
 * The managed node group quota at an update's peak (issue 22.6). Pulumi creates a replacement
 * node group before it deletes the old one, and deletes replaced and removed resources only after
 * the program's other steps, so for a moment every old and every new node group exists at once:
 * the peak is the union of the cluster's node groups before and after the update. Pure: the
 * preflight (stacks/nodeGroupQuota.ts) feeds it what AWS answered; tests and tools feed it theirs.
 */
import type { DeployedFacts } from "./deployedFacts";
import { AWS_QUOTAS } from "./limits";
import { isNodeGroupOf } from "./names";
import type { Problem } from "./problems";
import type { DatabaseSpec, RegionSpec } from "./types";

/** Whether a database holds an EKS managed node group (a paused one keeps its group, scaled to 0). */
export function onNodeGroup(d: Pick<DatabaseSpec, "state" | "nodeProvisioner">): boolean {
    return d.state !== "decommissioned" && d.nodeProvisioner === "managedNodeGroup";
}

/** The same, of what the last deployment recorded; outputs before #22 knew only the node group path. */
export function heldNodeGroup(was: DeployedFacts): boolean {
    return was.state !== "decommissioned" && (was.nodeProvisioner ?? "managedNodeGroup") === "managedNodeGroup";
}

/** The node group name a deployment recorded in its `databases` output (stacks/region.ts DatabaseOutputs). */
export function recordedNodeGroupName(was: DeployedFacts): string | undefined {
    const name = (was as { readonly nodeGroupName?: unknown }).nodeGroupName;
    return typeof name === "string" && name !== "" ? name : undefined;
}

export interface NodeGroupPeak {
    /** Ids that hold a node group after the update. */
    readonly held: readonly string[];
    /** Ids whose node group this update replaces create-first (an instance type change), with the change. */
    readonly replaced: readonly { readonly id: string; readonly from: string; readonly to: string }[];
    /** Ids whose node group this update deletes (decommissioned, or moved to Karpenter): gone only at its end. */
    readonly leaving: readonly string[];
    /** Ids that get a node group they did not have (new databases, or moved back from Karpenter). */
    readonly added: readonly string[];
    /** The cluster's node groups this stack does not own (other stacks, tools, the cluster's own). */
    readonly foreign: readonly string[];
    readonly peak: number;
}

/**
 * `clusterNodeGroups`: getNodeGroups' names. The stack owns the names its last outputs recorded and
 * the ones its databases adopt; every other name counts against the quota too.
 */
export function nodeGroupPeak(
    databases: readonly DatabaseSpec[], previous: Readonly<Record<string, DeployedFacts>>, clusterNodeGroups: readonly string[],
): NodeGroupPeak {
    const held = databases.filter(onNodeGroup);
    const heldIds = new Set(held.map((d) => d.id));
    const before = (id: string) => (previous[id] && heldNodeGroup(previous[id]) ? previous[id] : undefined);
    const replaced = held
        // An adopted group keeps its fixed name, so it is replaced delete-first (dedicatedNode.ts) and needs no extra.
        .filter((d) => !d.adopt?.nodeGroupName)
        .flatMap((d) => {
            const was = before(d.id)?.instanceType;
            return was !== undefined && was !== d.instanceType ? [{ id: d.id, from: was, to: d.instanceType }] : [];
        });
    const leaving = Object.keys(previous).filter((id) => before(id) && !heldIds.has(id)).sort();

    const owned = new Set<string>([
        ...Object.values(previous).map(recordedNodeGroupName).filter((n): n is string => n !== undefined),
        ...databases.map((d) => d.adopt?.nodeGroupName).filter((n): n is string => n !== undefined),
        // A database moved here from another cell (qdb move) brings its node group, which this
        // stack's outputs do not record yet: it is this stack's, not a foreign one counted twice.
        ...clusterNodeGroups.filter((n) => held.some((d) => isNodeGroupOf(n, d.id))),
    ]);
    const addedIds = new Set(held.filter((d) => !before(d.id) && !clusterNodeGroups.some((n) => isNodeGroupOf(n, d.id))).map((d) => d.id));
    const foreign = clusterNodeGroups.filter((n) => !owned.has(n)).sort();
    return {
        held: held.map((d) => d.id), replaced, leaving, added: [...addedIds], foreign,
        peak: held.length + replaced.length + leaving.length + foreign.length,
    };
}

const QUOTA = AWS_QUOTAS.managedNodeGroupsPerCluster;

/** The full command that raises the quota to `value` in the stack's region. */
export function quotaIncreaseCommand(region: Pick<RegionSpec, "awsRegion">, value: number): string {
    return `aws service-quotas request-service-quota-increase --service-code ${QUOTA.serviceCode} --quota-code ${QUOTA.quotaCode} --desired-value ${value} --region ${region.awsRegion}`;
}

function listed(ids: readonly string[], limit = 8): string {
    return ids.length <= limit ? ids.join(", ") : `${ids.slice(0, limit).join(", ")} and ${ids.length - limit} more`;
}

/** Each way out that succeeds from the current state, as one sentence each. */
function fixes(region: RegionSpec, peak: NodeGroupPeak, quota: number): string[] {
    const over = peak.peak - quota;
    const out = [`raise the quota to at least ${peak.peak}: ${quotaIncreaseCommand(region, peak.peak)} (then wait for it to be approved and preview again)`];
    const withoutReplacements = peak.peak - peak.replaced.length;
    if (peak.replaced.length > 0 && withoutReplacements < quota) {
        out.push(`split the change: deploy at most ${quota - withoutReplacements} of the ${peak.replaced.length} instance-type changes at a time (set the others' instanceType back for now)`);
    }
    if (peak.added.length >= over) {
        out.push(`put ${over} of the databases this change adds (${listed(peak.added)}) on Karpenter: set \`nodeProvisioner: karpenter\` in their entries (or \`nodeProvisioner: karpenter\` in questdb-cloud:region for the whole region)`);
    } else {
        out.push(`move ${over} databases to Karpenter first, in a change of its own: set \`nodeProvisioner: karpenter\` in their entries and deploy (their node groups go at the end of that update), then make this change`);
    }
    return out;
}

/** The problem when the peak exceeds the quota; undefined when it fits. */
export function nodeGroupQuotaProblem(region: RegionSpec, peak: NodeGroupPeak, quota: number): Problem | undefined {
    if (peak.peak <= quota) {
        return undefined;
    }
    const parts = [
        `${peak.held.length} of this stack's databases hold one after it${peak.added.length > 0 ? ` (${peak.added.length} new: ${listed(peak.added)})` : ""}`,
        `${peak.replaced.length} replaced create-first${peak.replaced.length > 0 ? ` (${listed(peak.replaced.map((r) => `${r.id} ${r.from} -> ${r.to}`))})` : ""}`,
        `${peak.leaving.length} deleted only at the end of the update${peak.leaving.length > 0 ? ` (${listed(peak.leaving)})` : ""}`,
        `${peak.foreign.length} not owned by this stack${peak.foreign.length > 0 ? ` (${listed(peak.foreign)})` : ""}`,
    ];
    return {
        where: "region (node group quota preflight)",
        field: `managed node groups per cluster (${QUOTA.serviceCode} ${QUOTA.quotaCode})`,
        value: peak.peak,
        reason: `this update needs ${peak.peak} managed node groups at its peak on cluster ${region.clusterName}, more than its quota of ${quota}: ${parts.join("; ")}. \`pulumi up\` would fail part-way with a LimitExceeded error`,
        fix: fixes(region, peak, quota).map((f, i) => `(${i + 1}) ${f}`).join("; or "),
    };
}
