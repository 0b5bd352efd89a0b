/**
 * What a change to a stack file means for each database, in operator terms. Produced by
 * `computeImpact` (report.ts) from two renders diffed with render/diff.ts.
 */

/**
 * The effect of a change, ordered from harmless to dangerous (see SEVERITY in rules.ts).
 * - no-op: nothing registered differs.
 * - held: the render changes, but only inputs that an adoption's `import` step ignores: nothing
 *   changes now, and the change applies at `adopt.step: converge` (see HeldChange).
 * - in-place-update: an API-level update with no restart (tags, DNS, config objects, options).
 * - released: leaves Pulumi's state but stays in AWS (retainOnDelete): step 2 of a decommission.
 * - adopted: an existing resource imported exactly as it is (adoption step 1): nothing changes.
 * - converge: an imported resource now takes the program's inputs (adoption step 2); what changes
 *   depends on the live resource, which only the real preview reads.
 * - created: new resources (typically a new database).
 * - volume-change: in-place EBS modify (size, IOPS, throughput) and the PV/PVC capacity that follows.
 * - rolling-restart: the StatefulSet's pod template changed; the single pod restarts.
 * - rolling-node-update: node group releaseVersion / launch template version; EKS rolls the node.
 * - node-replacement: a node group field that forces a new node group.
 * - down: the database stops serving (StatefulSet scaled to 0 or deleted, e.g. paused/decommissioned).
 * - starts: a paused (or decommissioned) database gets its compute back and starts.
 * - decommission: the database's compute is deleted for good; its volume and a final snapshot stay.
 * - data-at-risk: a data volume deleted or replaced, or its PV/PVC replaced.
 * - refused: the program refuses the change (`pulumi preview` fails); the most severe outcome.
 * - moved-out / moved-in: the database moves to / from another cell of the cluster by
 *   `pulumi state move` (tools/impact/moves.ts): no resource is created or deleted.
 */
export type ImpactKind =
    | "no-op"
    | "held"
    | "moved-out"
    | "moved-in"
    | "in-place-update"
    | "released"
    | "adopted"
    | "created"
    | "converge"
    | "volume-change"
    | "rolling-restart"
    | "rolling-node-update"
    | "node-replacement"
    | "provisioner-move"
    | "down"
    | "starts"
    | "decommission"
    | "data-at-risk"
    | "refused";

/** What Pulumi would do to one resource. */
export type ResourceAction = "create" | "import" | "update" | "replace" | "delete";

/** One resource's change and what it means. */
export interface ResourceImpact {
    readonly type: string;
    readonly name: string;
    readonly action: ResourceAction;
    readonly kind: ImpactKind;
    /** Input paths (dotted) and option names that changed. */
    readonly paths: readonly string[];
    /** The paths that force replacement, when action is "replace". */
    readonly replaceBecause: readonly string[];
    /** What changed, with real before and after values, e.g. "size: 100 -> 200"; secrets say only "changed". */
    readonly reason: string;
    /** A protected resource would be deleted: the real `pulumi preview` fails on it. */
    readonly blockedByProtect: boolean;
}

/** An edit of an imported resource that `adopt.step: import` ignores; `adopt.step: converge` applies it. */
export interface HeldChange {
    readonly type: string;
    readonly name: string;
    /** What the engine will do to the resource when converge applies the change. */
    readonly atConverge: ResourceAction;
    /** What that step will mean then (its downtime is DOWNTIME[kindAtConverge]). */
    readonly kindAtConverge: ImpactKind;
    /** The held inputs with their values, as a resource change shows them. */
    readonly reason: string;
}

/** The impact on one database (or on a region-wide group: "(region)" or a fleet-level component). */
export interface DatabaseImpact {
    readonly id: string;
    /** False for region-wide groups: REGION_GROUP and top-level components that are not a database. */
    readonly database: boolean;
    /** The most severe kind among the resources. */
    readonly kind: ImpactKind;
    /** Every distinct kind, most severe first. */
    readonly kinds: readonly ImpactKind[];
    /** Expected downtime, e.g. "none", "one pod restart, 1-2 min" (inventory/downtimes.ts). */
    readonly downtime: string;
    /** A database's lifecycle state before and after, e.g. "paused -> active" ("absent" when not listed). */
    readonly lifecycle?: string;
    /** The program's refusals that name this database (or the region, for a region-wide group). */
    readonly refusals?: readonly string[];
    readonly resources: readonly ResourceImpact[];
    /** Changes held until `adopt.step: converge`: no engine step now, so not among `resources`. */
    readonly held?: readonly HeldChange[];
}

export interface ImpactReport {
    readonly stack: string;
    /** Databases (and "(region)") that something touches, most severe first. Untouched ones are absent. */
    readonly databases: readonly DatabaseImpact[];
    /** Ids of databases present before or after that nothing touches. */
    readonly untouched: readonly string[];
    /** Number of databases touched (region-wide resources excluded). */
    readonly touchedDatabases: number;
    /** Some change deletes or replaces a data volume (or its PV/PVC). */
    readonly dataAtRisk: boolean;
    /** A protected resource would be deleted or replaced, or the program refuses the change: `pulumi preview` itself will fail. */
    readonly previewWillFail: boolean;
    /** The program's own refusals of this change (shrink, AZ move, removing a live database), as preview prints them. */
    readonly refusals: readonly string[];
    /** The program refuses the change: the most severe outcome, whatever the resources would do. */
    readonly refused: boolean;
    /** What the reader should know that the diff cannot show: how the report was made (e.g. the base did not exist), a revert's forced-rollback step, an adoption step. */
    readonly notes: readonly string[];
}

/** The component type whose instances are databases; its logical name is the database id. */
export { QUESTDB_DEPLOYMENT_TYPE as DATABASE_COMPONENT } from "../../inventory";

/** Pseudo-database id for resources that belong to no component (provider, StorageClass). */
export const REGION_GROUP = "(region)";
