/**
 * Cells: several stacks on one EKS cluster (docs/decisions.md, "Cells"). Which stack owns the
 * cluster's once-per-cluster objects is decided here, from the region's `sharedClusterOwner`,
 * and so are the names that must differ between the stacks of one cluster. Pure: the program,
 * the tools and the tests share it.
 */
import { DRILL_NAMESPACE } from "./names";
import type { RegionSpec } from "./types";

/**
 * `solo`: no `sharedClusterOwner`, the stack has the cluster to itself (every stack written
 * before cells). `owner`: it names itself, so it owns the cluster's shared objects and knows that
 * other stacks use them. `cell`: it names another stack, whose shared objects it uses by name.
 */
export type CellRole = "solo" | "owner" | "cell";

export function cellRole(region: Pick<RegionSpec, "stack" | "sharedClusterOwner">): CellRole {
    if (region.sharedClusterOwner === undefined) {
        return "solo";
    }
    return region.sharedClusterOwner === region.stack ? "owner" : "cell";
}

/** The stack renders the objects a cluster has once (StorageClasses, Gateway, Pushgateway, fleet dashboard). */
export function ownsClusterObjects(region: Pick<RegionSpec, "stack" | "sharedClusterOwner">): boolean {
    return cellRole(region) !== "cell";
}

/** Other stacks share the cluster: the stack knows it, so it names and guards what it has per cell. */
export function onSharedCluster(region: Pick<RegionSpec, "stack" | "sharedClusterOwner">): boolean {
    return cellRole(region) !== "solo";
}

/**
 * A cluster-scoped (or drills-namespace) name that every cell has one of: the owner and a solo
 * stack keep today's name, so their objects never change; a cell's carries its stack name.
 */
export function cellScopedName(name: string, region: Pick<RegionSpec, "stack" | "sharedClusterOwner">): string {
    return cellRole(region) === "cell" ? `${name}-${region.stack}` : name;
}

/**
 * Each cell runs its drills in a namespace of its own, so that its ResourceQuota is sized by its
 * own drills (quotas in one namespace do not add up) and its Pod Identity association
 * (cluster, namespace, ServiceAccount) is its own.
 */
export function drillNamespaceOf(region: Pick<RegionSpec, "stack" | "sharedClusterOwner">): string {
    return cellScopedName(DRILL_NAMESPACE, region);
}

/** Label on every drills namespace of a shared cluster: the owner's Pushgateway admits the drill runners of all of them. */
export const DRILLS_NAMESPACE_LABEL = "questdb.cloud/drills";

/** The longest stack name a cell may have: `questdb-drills-<stack>` must stay a 63-character namespace name. */
export const MAX_CELL_STACK_LENGTH = 63 - DRILL_NAMESPACE.length - 1;
