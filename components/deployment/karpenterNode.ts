/**
 * The Karpenter path of a database's dedicated node: one `karpenter.sh/v1` NodePool of at most one
 * node, whose template carries the label and taint the pod selects and tolerates, pinned to the
 * volume's AZ and the database's instance type (docs/decisions.md, "Dedicated nodes from Karpenter").
 * Pausing scales only the StatefulSet: the empty node is consolidated, the NodePool stays.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Architecture, DATABASE_LABEL, DatabaseSpec } from "../../inventory";
import { MaintenanceWindow, WEEKDAYS, karpenterBudgetWindow } from "../../inventory/maintenanceWindow";
import { DeploymentContext, partName } from "./context";
import { databaseTaint } from "./dedicatedNode";

export const NODE_POOL_API = "karpenter.sh/v1";
export const NODE_CLASS_API = "karpenter.k8s.aws/v1";
/** How long a node must be empty before Karpenter removes it: longer than a pod restart, short enough that a pause frees it soon. */
export const CONSOLIDATE_AFTER = "5m";

/** Kubernetes' `kubernetes.io/arch` values. */
export function kubernetesArch(architecture: Architecture): string {
    return architecture === "arm64" ? "arm64" : "amd64";
}

/** The NodePool's name: cluster-scoped, from the id alone. */
export function nodePoolName(id: string): string {
    return `qdb-${id}`;
}

/**
 * The scheduling requirements. The zone key is `topology.kubernetes.io/zone`, the key a PV's
 * affinity becomes for Karpenter (NodePools keyed on the EBS CSI driver's zone key leave pods
 * Pending: kubernetes-sigs/karpenter #2458).
 */
export function nodeRequirements(database: Pick<DatabaseSpec, "availabilityZone" | "instanceType" | "architecture">) {
    return [
        { key: "topology.kubernetes.io/zone", operator: "In", values: [database.availabilityZone] },
        { key: "node.kubernetes.io/instance-type", operator: "In", values: [database.instanceType] },
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
        { key: "kubernetes.io/arch", operator: "In", values: [kubernetesArch(database.architecture)] },
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ];
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

/**
 * Disruption budgets. Karpenter applies the most restrictive active budget, so a window that
 * allows drift is written as its complement: zero Drifted disruptions from the window's close
 * until it opens again. Other reasons (Empty, for a pause) always allow the one node. Budgets are
 * UTC, like the window.
 */
export function disruptionBudgets(window: MaintenanceWindow | undefined): Record<string, unknown>[] {
    const always = { nodes: "1" };
    if (!window) {
        return [always];
    }
    const closes = window.startMinute + window.durationMinutes;
    const dayShift = Math.floor(closes / (24 * 60));
    const closed: MaintenanceWindow = {
        day: WEEKDAYS[(WEEKDAYS.indexOf(window.day) + dayShift) % 7],
        startMinute: closes % (24 * 60),
        durationMinutes: MINUTES_PER_WEEK - window.durationMinutes,
    };
    return [always, { nodes: "0", reasons: ["Drifted"], ...karpenterBudgetWindow(closed) }];
}

export interface NodeClassRef {
    /** The EC2NodeClass's name (one per node image and architecture in the region). */
    readonly name: string;
    /** The EC2NodeClass resource, which the NodePool waits for. */
    readonly resource: pulumi.Resource;
}

export function nodePoolArgs(ctx: DeploymentContext, nodeClass: string, window: MaintenanceWindow | undefined) {
    const { database } = ctx;
    const taint = databaseTaint(database.id);
    return {
        apiVersion: NODE_POOL_API,
        kind: "NodePool",
        metadata: { name: nodePoolName(database.id), labels: ctx.labels },
        spec: {
            template: {
                metadata: { labels: { [DATABASE_LABEL]: database.id } },
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClass },
                    taints: [{ key: taint.key, value: taint.value, effect: "NoSchedule" }],
                    requirements: nodeRequirements(database),
                    // Expiry is forceful (it ignores budgets): never expire a database's node.
                    expireAfter: "Never",
                },
            },
            disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: CONSOLIDATE_AFTER, budgets: disruptionBudgets(window) },
            // One node at most: checked before a launch from Karpenter core v1.11 (inventory/nodeProvisioner.ts).
            limits: { nodes: "1" },
        },
    };
}

export function createNodePool(ctx: DeploymentContext, nodeClass: NodeClassRef, window: MaintenanceWindow | undefined): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(partName(ctx, "nodepool"), nodePoolArgs(ctx, nodeClass.name, window),
        { parent: ctx.parent, dependsOn: [nodeClass.resource] });
}
