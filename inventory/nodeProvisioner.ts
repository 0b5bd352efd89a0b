/**
 * How a database's dedicated node is provisioned (docs/decisions.md, "Dedicated nodes from
 * Karpenter"): an EKS managed node group of one node, or a Karpenter NodePool of at most one node.
 * The region chooses (`nodeProvisioner`), a database may override it, so a region moves one
 * database at a time. Pure: read by the validator, the components and the tools.
 */
import { FieldReader } from "./fields";
import type { MaintenanceWindow } from "./maintenanceWindow";

export const NODE_PROVISIONERS = ["managedNodeGroup", "karpenter"] as const;
export type NodeProvisioner = (typeof NODE_PROVISIONERS)[number];

/** Existing regions render exactly as before: one managed node group per database. */
export const DEFAULT_NODE_PROVISIONER: NodeProvisioner = "managedNodeGroup";

/**
 * The Karpenter release the NodePools are written for. `limits.nodes` is checked before a launch
 * only from Karpenter core v1.11 (earlier releases could overrun it), hence the floor.
 */
export const KARPENTER = { minimumVersion: "1.11.0", testedModule: "github.com/aws/karpenter-provider-aws@v1.15.2" } as const;

/** Reads an optional `nodeProvisioner` field; an unknown value lists the allowed ones. */
export function readNodeProvisioner(r: FieldReader): NodeProvisioner | undefined {
    const value = r.optionalString("nodeProvisioner", {
        pattern: new RegExp(`^(${NODE_PROVISIONERS.join("|")})$`),
        expected: `one of ${NODE_PROVISIONERS.join(", ")}`,
    });
    return value as NodeProvisioner | undefined;
}

/**
 * The one place a database's maintenance window reaches the Karpenter path (its Drifted budget):
 * the database's own, else the region's `defaults.maintenanceWindow` (resolved by the validator).
 * None: drift is always allowed, as the managed node group's rolling update is.
 */
export function maintenanceWindowOf(database: { readonly maintenanceWindow?: MaintenanceWindow }): MaintenanceWindow | undefined {
    return database.maintenanceWindow;
}
