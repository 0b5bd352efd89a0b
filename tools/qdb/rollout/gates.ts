/**
 * The gates `qdb rollout` checks before it writes the next wave (docs/decisions.md, "Rollout
 * waves and gates"), in the order they are judged: no alert of ours on a database of the waves
 * already written; the stack's newest update succeeded; every such database deployed at the
 * target; the last wave baked long enough. Pure: the history, the alerts and the instant come in.
 */
import { RolloutField, RolloutProgress, RolloutSpec } from "../../../inventory";
import type { ActiveAlert } from "./prometheus";
import { Update, deployedSince, deployedValue } from "./history";

export type GateName = "alerts" | "update" | "deployed" | "bake";

export interface GateVerdict {
    readonly gate: GateName;
    readonly ok: boolean;
    /** One sentence: why it passed or what holds the rollout. */
    readonly reason: string;
}

export interface GateInput {
    readonly stack: string;
    readonly field: RolloutField;
    readonly target: string;
    readonly progress: RolloutProgress;
    readonly history: readonly Update[];
    readonly alerts: readonly ActiveAlert[];
    readonly rollout: RolloutSpec;
    readonly now: Date;
}

const stamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Our active alerts on databases of the waves already written, in this stack. */
export function blockingAlerts(input: Pick<GateInput, "stack" | "progress" | "alerts">): ActiveAlert[] {
    const ids = new Set(input.progress.previousIds);
    return input.alerts.filter((a) => a.stack === input.stack && ids.has(a.database));
}

export function alertGate(input: GateInput): GateVerdict {
    const blocking = blockingAlerts(input);
    return blocking.length === 0
        ? { gate: "alerts", ok: true, reason: `no alert pending or firing for ${input.progress.previousIds.length} database(s) of the waves written` }
        : { gate: "alerts", ok: false, reason: `${blocking.map((a) => `${a.alertname} ${a.state} for ${a.database}${a.activeAt ? ` since ${a.activeAt}` : ""}`).join("; ")}` };
}

/** A failed or running update leaves what runs unknown: nothing is judged on it. */
export function updateGate(input: GateInput): GateVerdict {
    const newest = input.history.find((u) => u.kind === "update");
    if (!newest) {
        return { gate: "update", ok: false, reason: `stack "${input.stack}" has no update in its history: the waves written were never deployed` };
    }
    // A self-managed backend numbers every update 0: name it by its end instead.
    const which = newest.version > 0 ? `version ${newest.version}` : newest.endTime ? `ended ${stamp(newest.endTime)}` : "still running";
    return newest.result === "succeeded"
        ? { gate: "update", ok: true, reason: `the newest update (${which}) succeeded` }
        : { gate: "update", ok: false, reason: `the newest update of stack "${input.stack}" (${which}) is ${newest.result}: fix or finish it (docs/runbook.md) before the next wave` };
}

export function deployedGate(input: GateInput): GateVerdict {
    const missing = input.progress.previousIds.filter((id) => deployedValue(input.history, id, input.field) !== input.target);
    return missing.length === 0
        ? { gate: "deployed", ok: true, reason: `every database of the waves written runs ${input.field} ${input.target}` }
        : { gate: "deployed", ok: false, reason: `not deployed at ${input.field} ${input.target} yet: ${missing.map((id) => `${id} (${deployedValue(input.history, id, input.field) ?? "unknown"})`).join(", ")}: merge and deploy the last wave (a database with a window waits for \`qdb promote\` in it)` };
}

/** The canary wave bakes `canaryBakeHours`, every later wave `waveBakeHours`, from its last database's deployment. */
export function bakeHours(rollout: RolloutSpec, waveIndex: number): number {
    return waveIndex === 0 ? rollout.canaryBakeHours : rollout.waveBakeHours;
}

/** Timed from the newest deployment of any database written, so a wave bakes from its last database's. */
export function bakeGate(input: GateInput): GateVerdict {
    const last = input.progress.last;
    if (!last) {
        return { gate: "bake", ok: true, reason: "no wave written yet" };
    }
    const times = input.progress.previousIds.map((id) => deployedSince(input.history, id, input.field, input.target));
    if (times.some((t) => t === undefined)) {
        return { gate: "bake", ok: false, reason: `wave ${last.index} is not deployed everywhere, so it has not started baking` };
    }
    const since = new Date(Math.max(...(times as Date[]).map((t) => t.getTime())));
    const hours = bakeHours(input.rollout, last.index);
    const until = new Date(since.getTime() + hours * 3600_000);
    return input.now >= until
        ? { gate: "bake", ok: true, reason: `wave ${last.index} deployed at ${stamp(since)}, baked ${hours} h by ${stamp(until)}` }
        : { gate: "bake", ok: false, reason: `wave ${last.index} deployed at ${stamp(since)} bakes ${hours} h, until ${stamp(until)} (now ${stamp(input.now)})` };
}

/** Every gate's verdict, in order. */
export function judgeGates(input: GateInput): GateVerdict[] {
    return [alertGate(input), updateGate(input), deployedGate(input), bakeGate(input)];
}
