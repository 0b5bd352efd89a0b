/**
 * `qdb rollout status --stack <s> <field>=<value>`: per database its wave, window, what the file
 * says (live and pending), what the newest successful update deployed, and each gate's state.
 * It never writes; a gate it cannot check (no history, no Prometheus) says why instead.
 */
import { Inventory, formatMaintenanceWindow, liveValueOf, pendingValueOf, restartsPerAz, rolloutProgress } from "../../../inventory";
import type { Context } from "../commands";
import { QdbError } from "../errors";
import { Target } from "../files";
import { formatTable } from "../list";
import { GateVerdict, judgeGates } from "./gates";
import { Update, deployedValue, readHistory } from "./history";
import { ActiveAlert, activeAlerts } from "./prometheus";
import type { RolloutRequest } from "./request";

const HEADER = ["ID", "AZ", "WAVE", "WINDOW", "FILE", "PENDING", "DEPLOYED", "ALERTS"];

/** A gate input read for display: its value, or why it could not be read. */
async function attempt<T>(read: () => T | Promise<T>): Promise<T | { error: string }> {
    try {
        return await read();
    } catch (error) {
        if (error instanceof QdbError) {
            return { error: error.message };
        }
        throw error;
    }
}

const failed = (x: unknown): x is { error: string } => typeof x === "object" && x !== null && "error" in x;

export async function rolloutStatus(ctx: Context, t: Target, inventory: Inventory, request: RolloutRequest, now: Date): Promise<string> {
    const { field, target } = request;
    const progress = rolloutProgress(inventory, field, target);
    const history = await attempt(() => readHistory(t, ctx.args.history, ctx.projectDir).history);
    const url = inventory.region.rollout.prometheusUrl;
    const alerts = url ? await attempt(() => activeAlerts(url)) : { error: "questdb-cloud:region.rollout.prometheusUrl is not set" };
    const waveOf = new Map(progress.waves.flatMap((w) => w.ids.map((id) => [id, w.index] as const)));
    const rows = [...inventory.databases].sort((a, b) => a.id.localeCompare(b.id)).map((d) => [
        d.id, d.availabilityZone, waveOf.has(d.id) ? String(waveOf.get(d.id)) : "-",
        d.maintenanceWindow ? formatMaintenanceWindow(d.maintenanceWindow) : "any time",
        liveValueOf(d, field), pendingValueOf(d, field) ?? "-",
        failed(history) ? "?" : deployedValue(history, d.id, field) ?? "-",
        failed(alerts) ? "?" : (alerts as ActiveAlert[]).filter((a) => a.database === d.id && a.stack === t.stack).map((a) => `${a.alertname} ${a.state}`).join(", ") || "none",
    ]);
    const where = progress.next ? `next: wave ${progress.next.index} of ${progress.waves.length}` : `every wave written (${progress.waves.length})`;
    const lines = [`Rollout of ${field}=${target} on stack "${t.stack}": ${where}.`, formatTable([HEADER, ...rows]), "", "Waves:"];
    for (const w of progress.waves) {
        const { total, perAz } = restartsPerAz(inventory.databases.filter((d) => w.ids.includes(d.id)));
        lines.push(`  ${w.index}${w.index === 0 ? " (canary)" : ""}: ${w.ids.join(", ")}: ${total} restart(s), per AZ ${Object.entries(perAz).map(([az, n]) => `${az} ${n}`).join(", ")}`);
    }
    lines.push("Gates for the next wave:", ...gateLines(t, inventory, request, progress, history, alerts, now));
    if (inventory.region.rollout.halted) {
        lines.push(`HALTED: ${inventory.region.rollout.halted}`);
    }
    return lines.join("\n");
}

function gateLines(t: Target, inventory: Inventory, request: RolloutRequest, progress: ReturnType<typeof rolloutProgress>,
    history: Update[] | { error: string }, alerts: ActiveAlert[] | { error: string }, now: Date): string[] {
    if (!progress.next) {
        return ["  none: every wave is written"];
    }
    if (progress.previousIds.length === 0) {
        return ["  none: the canary wave is written without gates"];
    }
    const input = {
        stack: t.stack, field: request.field, target: request.target, progress, rollout: inventory.region.rollout, now,
        history: failed(history) ? [] : history, alerts: failed(alerts) ? [] : alerts,
    };
    const verdicts = judgeGates(input).filter((v) => !(v.gate !== "alerts" && failed(history)));
    const line = (v: GateVerdict) => (v.gate === "alerts" && failed(alerts) ? `  alerts: unknown (${alerts.error})` : `  ${v.gate}: ${v.ok ? "pass" : "HOLD"}: ${v.reason}`);
    // One line for the three gates the history decides, when it could not be read.
    return [...verdicts.map(line), ...(failed(history) ? [`  update, deployed, bake: unknown (${history.error})`] : [])];
}
