/**
 * Groups resource changes per database and rolls them up into one verdict and a downtime
 * estimate. A resource belongs to the top-most component above it: the database's
 * QuestDbDeployment, whose logical name is the database id.
 */
import { DatabaseState } from "../../inventory";
import { downtimeText } from "../../inventory/downtimes";
import { ResourceChange, changedLeaves, describeLeaf } from "../../render/diff";
import { Render, RenderedResource } from "../../render/types";
import { LifecycleState, headline } from "./lifecycle";
import { FORCE_REPLACE, LAUNCH_TEMPLATE, NODE_GROUP, NODE_POOL, PROVIDER_DEFAULTS, ProviderFlags, actionOf, isAsIs, isConverge, kindOf, replacingPaths } from "./rules";
import { DATABASE_COMPONENT, DatabaseImpact, ImpactKind, REGION_GROUP, ResourceImpact } from "./types";

/** Least to most severe; the headline of a database is its most severe kind. */
export const SEVERITY: readonly ImpactKind[] = [
    "no-op", "held", "moved-out", "moved-in", "released", "adopted", "in-place-update", "created", "starts", "volume-change", "converge", "rolling-restart",
    "rolling-node-update", "node-replacement", "provisioner-move", "down", "decommission", "data-at-risk", "refused",
];

/** Expected downtime of a database whose most severe kind is this one. */
export const DOWNTIME: Readonly<Record<ImpactKind, string>> = {
    "no-op": "none",
    "moved-out": "none: its resources move to another cell's state, unchanged (`pulumi state move`)",
    "moved-in": "none: its resources come from another cell's state, unchanged (`pulumi state move`)",
    held: "none now: held until `adopt.step: converge`",
    "in-place-update": "none",
    released: "none (already decommissioned; kept in AWS)",
    adopted: "none (imported as it is)",
    converge: "depends on how the legacy resources differ: read `pulumi preview --diff`; a StatefulSet change restarts the pod",
    created: "none (new)",
    "volume-change": "none (EBS modifies online; the filesystem grows online)",
    "rolling-restart": downtimeText("restart"),
    "rolling-node-update": `${downtimeText("podMove")} (to a new node)`,
    "node-replacement": `${downtimeText("podMove")} (to a new node group)`,
    "provisioner-move": downtimeText("provisionerMove"),
    down: "down until resumed (no pod scheduled)",
    starts: downtimeText("start"),
    decommission: "permanent: compute deleted (the volume and a final snapshot are kept)",
    "data-at-risk": "down, and data may be lost",
    refused: "none: the program refuses this change, so `pulumi preview` fails and nothing is deployed",
};

const bySeverity = (a: ImpactKind, b: ImpactKind) => SEVERITY.indexOf(b) - SEVERITY.indexOf(a);

/** Ids of the database components in these renders. */
export function databaseIds(...renders: Render[]): Set<string> {
    return new Set(renders.flatMap((r) => r.resources.filter((res) => res.type === DATABASE_COMPONENT).map((res) => res.name)));
}

/** Maps every resource name to its group: the top-most component (database id), or REGION_GROUP. */
export function groupsOf(...renders: Render[]): Map<string, string> {
    const byName = new Map<string, RenderedResource>();
    renders.forEach((r) => r.resources.forEach((res) => byName.set(res.name, res)));
    const groupOf = (res: RenderedResource, depth = 0): string => {
        const parent = res.parent !== undefined ? byName.get(res.parent) : undefined;
        if (parent && depth < 20) {
            return groupOf(parent, depth + 1);
        }
        return res.parent ?? (res.custom ? REGION_GROUP : res.name);
    };
    return new Map([...byName.values()].map((res) => [res.name, groupOf(res)]));
}

/** What changed, with the real values: describeLeaf (render/diff.ts) is the one rendering of a change. */
function describe(change: ResourceChange): string {
    if (change.kind !== "update") {
        const imported = change.after?.options.import;
        return change.kind === "delete" ? "deleted" : imported ? `imported from ${imported}${isAsIs(change) ? ", every input ignored: no change" : ""}` : "created";
    }
    if (isConverge(change)) {
        const replacing = FORCE_REPLACE[change.type] ?? [];
        return `converge: every input now applies to the imported resource${replacing.length ? `; a live difference in ${replacing.join(", ")} replaces it` : ""}`;
    }
    const lines = change.inputChanges.flatMap((leaf) => describeLeaf(leaf));
    const shown = lines.slice(0, 6);
    const more = lines.length > 6 ? [`+${lines.length - 6} more`] : [];
    // Options with their values, as inputs are shown: `protect: true -> false`.
    const options = changedLeaves(change.before?.options ?? {}, change.after?.options ?? {})
        .filter((leaf) => change.optionPaths.includes(leaf.path))
        .flatMap((leaf) => describeLeaf(leaf).map((line) => `option ${line}`));
    return [...shown, ...more, ...options].join("; ");
}

/** The impact of one resource change. */
export function resourceImpact(change: ResourceChange, flags: ProviderFlags = PROVIDER_DEFAULTS): ResourceImpact {
    const action = actionOf(change, flags);
    const removed = action === "delete" || action === "replace";
    return {
        type: change.type,
        name: change.name,
        action,
        kind: kindOf(change, action),
        paths: [...change.inputPaths, ...change.optionPaths.map((o) => `options.${o}`)],
        replaceBecause: action === "replace" ? replacingPaths(change, flags) : [],
        reason: describe(change),
        blockedByProtect: removed && change.before?.options.protect === true,
    };
}

/** The resources that hold a database's dedicated node, by provisioner. */
const NODE_HOLDERS = [NODE_GROUP, LAUNCH_TEMPLATE, NODE_POOL];

/**
 * A database whose node moves from one provisioner to the other in one change (`nodeProvisioner`
 * edited): the new NodePool or node group is created, and Pulumi deletes the old one only after
 * every other step, so the pod moves once, onto the new node. Alone, each deletion would read
 * "down"; together with the other provisioner's create, it is that one pod move.
 */
export function asProvisionerMove(resources: readonly ResourceImpact[]): ResourceImpact[] {
    const created = (type: string) => resources.some((r) => r.type === type && r.action === "create");
    const deleted = (type: string) => resources.some((r) => r.type === type && r.action === "delete");
    const moves = (created(NODE_POOL) && deleted(NODE_GROUP)) || (created(NODE_GROUP) && deleted(NODE_POOL));
    if (!moves) {
        return [...resources];
    }
    return resources.map((r) => (r.action === "delete" && r.kind === "down" && NODE_HOLDERS.includes(r.type) ? { ...r, kind: "provisioner-move" } : r));
}

/** Each database's lifecycle state in the render before and after; a database missing from one is absent there. */
export interface Lifecycles {
    readonly before: ReadonlyMap<string, DatabaseState>;
    readonly after: ReadonlyMap<string, DatabaseState>;
}

/** One DatabaseImpact per group that has at least one change. */
export function groupImpacts(
    changes: readonly ResourceChange[], groups: Map<string, string>, databases: Set<string>, lifecycles?: Lifecycles,
    flags: ProviderFlags = PROVIDER_DEFAULTS,
): DatabaseImpact[] {
    const perGroup = new Map<string, ResourceImpact[]>();
    for (const change of changes) {
        const id = groups.get(change.name) ?? REGION_GROUP;
        perGroup.set(id, [...(perGroup.get(id) ?? []), resourceImpact(change, flags)]);
    }
    return [...perGroup.entries()].map(([id, changed]) => {
        const resources = asProvisionerMove(changed);
        const kinds = [...new Set(resources.map((r) => r.kind))].sort(bySeverity);
        if (!databases.has(id) || !lifecycles) {
            return { id, database: databases.has(id), kind: kinds[0], kinds, downtime: DOWNTIME[kinds[0]], resources };
        }
        const [from, to]: LifecycleState[] = [lifecycles.before.get(id) ?? "absent", lifecycles.after.get(id) ?? "absent"];
        const { kind, downtime } = headline(from, to, kinds, DOWNTIME);
        return { id, database: true, kind, kinds, downtime, lifecycle: from === to ? to : `${from} -> ${to}`, resources };
    }).sort((a, b) => bySeverity(a.kind, b.kind) || a.id.localeCompare(b.id));
}
