/**
 * A database's headline and expected downtime come from two things together: its lifecycle
 * transition (its `state` in each render's stack outputs, or absent) and what happens to
 * its resources. Resources alone mislead: resuming creates resources but is not "created",
 * decommissioning deletes them but is not "down until resumed".
 */
import { DatabaseState, STATES } from "../../inventory";
import { downtimeText } from "../../inventory/downtimes";
import { Render } from "../../render/types";
import { ImpactKind } from "./types";

export type LifecycleState = DatabaseState | "absent";

export const LIFECYCLE_STATES: readonly LifecycleState[] = ["active", "paused", "decommissioned", "absent"];

/** Each database's state in a render: the `state` the program exports for it in the stack outputs. */
export function statesOf(render: Render): Map<string, DatabaseState> {
    const outputs = (render.outputs.databases ?? {}) as Record<string, { state?: unknown } | undefined>;
    const states = new Map<string, DatabaseState>();
    for (const [id, facts] of Object.entries(outputs)) {
        if (typeof facts?.state === "string" && (STATES as readonly string[]).includes(facts.state)) {
            states.set(id, facts.state as DatabaseState);
        }
    }
    return states;
}

/** Kinds that mean a running pod is disturbed; a database with no pod (paused, decommissioned) has none. */
const POD_DISRUPTION: readonly ImpactKind[] = ["rolling-restart", "rolling-node-update", "node-replacement", "provisioner-move", "down"];

export interface Headline {
    readonly kind: ImpactKind;
    readonly downtime: string;
}

/**
 * The headline of a database going from `before` to `after`, given its resources' kinds (most
 * severe first) and the per-kind downtime table. Data at risk always wins: it is about the
 * volume, whatever the lifecycle says.
 */
export function headline(before: LifecycleState, after: LifecycleState, kinds: readonly ImpactKind[], downtime: Readonly<Record<ImpactKind, string>>): Headline {
    const worst = kinds[0] ?? "no-op";
    if (worst === "data-at-risk" || worst === "refused") {
        return { kind: worst, downtime: downtime[worst] };
    }
    if (before === after) {
        return sameState(after, kinds, downtime);
    }
    if (before === "absent") {
        const note = { active: "none (new)", paused: "none (new, paused: no pod)", decommissioned: "none (new, decommissioned: a volume only)" } as const;
        return { kind: "created", downtime: note[after as DatabaseState] };
    }
    switch (after) {
        case "absent":
            return before === "decommissioned"
                ? { kind: "released", downtime: "none (already decommissioned; the volume and final snapshot stay in AWS)" }
                : { kind: "down", downtime: "permanent: the database is deleted" };
        case "decommissioned":
            return { kind: "decommission", downtime: "permanent: compute deleted (the volume and a final snapshot are kept)" };
        case "paused":
            return before === "active"
                ? { kind: "down", downtime: "down until resumed (no pod scheduled)" }
                : { kind: "created", downtime: "none (stays down: paused, compute re-created without a pod)" };
        case "active":
            return { kind: "starts", downtime: before === "paused" ? downtimeText("start") : `${downtimeText("start")} (compute re-created on the kept volume)` };
    }
}

function sameState(state: LifecycleState, kinds: readonly ImpactKind[], downtime: Readonly<Record<ImpactKind, string>>): Headline {
    if (state === "active" || state === "absent") {
        const kind = kinds[0] ?? "no-op";
        return { kind, downtime: downtime[kind] };
    }
    // No pod to restart or move: what would disturb a running database is an update here.
    const kind = kinds.find((k) => !POD_DISRUPTION.includes(k)) ?? "in-place-update";
    return { kind, downtime: state === "paused" ? "no downtime (paused)" : "none (decommissioned)" };
}
