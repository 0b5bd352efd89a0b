/**
 * `qdb rollout --stack <s> questdbVersion=<v> | nodeImage=<v>`: writes the next wave of a rollout
 * as an edit for review, after its gates pass; `qdb rollout status ...` shows where it stands.
 * docs/decisions.md, "Rollout waves and gates"; docs/runbook.md, "Roll out a version or node image in waves".
 */
import {
    Inventory, InventoryError, formatProblems, liveValueOf, offlineInventoryOf, restartsPerAz, rolloutProgress,
} from "../../../inventory";
import { applyEdit } from "../apply";
import type { Context } from "../commands";
import { QdbError } from "../errors";
import { Target, loadFile, resolveTarget, shellWord } from "../files";
import { instantOf, stamp } from "../maintenance";
import { GateVerdict, judgeGates } from "./gates";
import { Update, createdAtTarget, readHistory, valueBefore } from "./history";
import { activeAlerts } from "./prometheus";
import { RolloutRequest, parseRolloutRequest } from "./request";
import { rolloutStatus } from "./status";
import { revertEdit, waveEdit } from "./edits";

export function inventoryOrError(target: Target): Inventory {
    try {
        return offlineInventoryOf(loadFile(target).parsed);
    } catch (error) {
        if (error instanceof InventoryError) {
            throw new QdbError(`${target.file}: no wave is written, the file does not validate. Fix it first (\`npx qdb validate ${target.flag}\`):\n${formatProblems(error.stack, error.problems)}`, 2);
        }
        throw error;
    }
}

/** A command to resume a halted rollout, as printed. */
export const resumeCommand = (t: Target) => `npx qdb unset ${t.flag} rollout.halted`;

export async function rollout(ctx: Context): Promise<number> {
    const request = parseRolloutRequest(ctx.args.positionals);
    const now = instantOf(ctx.args.now);
    const t = resolveTarget({ stack: ctx.args.stack, configFile: ctx.args.configFile, projectDir: ctx.projectDir });
    const inventory = inventoryOrError(t);
    if (request.status) {
        ctx.io.out(await rolloutStatus(ctx, t, inventory, request, now));
        return 0;
    }
    const { field, target } = request;
    const progress = rolloutProgress(inventory, field, target);
    const halted = inventory.region.rollout.halted;
    if (halted !== undefined) {
        throw new QdbError(`stack "${t.stack}": the rollout is halted (questdb-cloud:region.rollout.halted = ${JSON.stringify(halted)}); no wave is written. ` +
            `Once the cause is fixed and the revert deployed, resume with \`${resumeCommand(t)}\``);
    }
    if (!progress.next) {
        ctx.io.out(`stack "${t.stack}": every wave of ${field}=${target} is written (${progress.waves.length} wave(s)); nothing to write. See \`npx qdb rollout status ${t.flag} ${shellWord(`${field}=${target}`)}\``);
        return 0;
    }
    // Gates apply once anything is written: the canary alone goes without them.
    if (progress.previousIds.length > 0) {
        const halt = await checkGates(ctx, t, inventory, request, now);
        if (halt !== undefined) {
            return halt;
        }
    }
    return writeWave(ctx, t, inventory, request);
}

/** Judges the gates; undefined when they pass, else the exit code once the refusal (or revert) is done. */
async function checkGates(ctx: Context, t: Target, inventory: Inventory, request: RolloutRequest, now: Date): Promise<number | undefined> {
    const { field, target } = request;
    const progress = rolloutProgress(inventory, field, target);
    const url = inventory.region.rollout.prometheusUrl;
    if (!url) {
        throw new QdbError(`stack "${t.stack}": questdb-cloud:region.rollout.prometheusUrl is not set, so the alert gate cannot be checked and wave ${progress.next?.index} is not written. ` +
            `Fix: set it to the region's Prometheus, e.g. \`npx qdb set ${t.flag} rollout.prometheusUrl=http://prometheus-operated.${inventory.region.monitoringNamespace}.svc:9090\``);
    }
    const { history } = readHistory(t, ctx.args.history, ctx.projectDir);
    const verdicts = judgeGates({ stack: t.stack, field, target, progress, history, alerts: await activeAlerts(url), rollout: inventory.region.rollout, now });
    const failed = verdicts.filter((v) => !v.ok);
    if (failed.length === 0) {
        ctx.io.out(`Gates passed for wave ${progress.next?.index}:\n${verdicts.map((v) => `  ${v.gate}: ${v.reason}`).join("\n")}`);
        return undefined;
    }
    if (failed[0].gate === "alerts") {
        return writeRevert(ctx, t, inventory, request, history, failed[0], now);
    }
    throw new QdbError(`stack "${t.stack}": wave ${progress.next?.index} of ${field}=${target} is not written, a gate holds it:\n${failed.map((v) => `  - ${v.gate}: ${v.reason}`).join("\n")}\n` +
        `Run the same qdb rollout again once it passes; \`npx qdb rollout status ${t.flag} ${shellWord(`${field}=${target}`)}\` shows each gate`);
}

function restartLine(inventory: Inventory, ids: readonly string[]): string {
    const { total, perAz } = restartsPerAz(inventory.databases.filter((d) => ids.includes(d.id)));
    return `${total} database(s) restart with this wave (each in its maintenance window where it has one), per AZ: ${Object.entries(perAz).map(([az, n]) => `${az} ${n}`).join(", ")}`;
}

async function writeWave(ctx: Context, t: Target, inventory: Inventory, request: RolloutRequest): Promise<number> {
    const { field, target } = request;
    const progress = rolloutProgress(inventory, field, target);
    const wave = progress.next as NonNullable<typeof progress.next>;
    const ids = wave.ids.filter((id) => {
        const db = inventory.databases.find((d) => d.id === id);
        return db !== undefined && liveValueOf(db, field) !== target && db.pending?.promoted[field] !== target;
    });
    const code = await applyEdit(t, waveEdit(wave, ids, field, target), ctx.args, ctx.io);
    ctx.io.out(`${restartLine(inventory, ids)}. Wave ${wave.index} of ${progress.waves.length}: review, merge and deploy it; ` +
        `the same qdb rollout writes the next wave once this one is deployed, has baked and no alert fires (\`npx qdb rollout status ${t.flag} ${shellWord(`${field}=${target}`)}\` shows each gate)`);
    return code;
}

/** An alert on a database of the waves written: the last wave's revert, as its own edit, and a non-zero exit. */
async function writeRevert(ctx: Context, t: Target, inventory: Inventory, request: RolloutRequest, history: readonly Update[], verdict: GateVerdict, now: Date): Promise<number> {
    const { field, target } = request;
    const wave = rolloutProgress(inventory, field, target).last as NonNullable<ReturnType<typeof rolloutProgress>["last"]>;
    const before = new Map<string, string>();
    const unknown: string[] = [];
    const bornAtTarget: string[] = [];
    for (const id of wave.ids) {
        const db = inventory.databases.find((d) => d.id === id);
        if (db && liveValueOf(db, field) === target) {
            const old = valueBefore(history, id, field, target);
            if (old !== undefined) {
                before.set(id, old);
            } else {
                (createdAtTarget(history, id, field, target) ? bornAtTarget : unknown).push(id);
            }
        }
    }
    if (unknown.length > 0) {
        throw new QdbError(`stack "${t.stack}": the rollout of ${field}=${target} must halt (${verdict.reason}), but the stack's history does not say what ${unknown.join(", ")} ran before, so no revert was written. ` +
            `Fix: set each back by hand to its previous ${field} (git log -p ${shellWord(t.file)}) with npx qdb set ${t.flag} <id> ${field}=<previous>`);
    }
    const halted = `${field}=${target}: ${verdict.reason} (halted at ${stamp(now)})`;
    await applyEdit(t, revertEdit(wave, field, target, before, halted), ctx.args, ctx.io);
    const nothingToRevert = bornAtTarget.length > 0 ? `${bornAtTarget.join(", ")} ran ${field} ${target} from its creation: nothing to set back. ` : "";
    ctx.io.err(`qdb: stack "${t.stack}": the rollout of ${field}=${target} is halted: ${verdict.reason}. ${nothingToRevert}` +
        `${ctx.args.dryRun ? "The revert above was not written (--dry-run)" : `Wrote the revert of wave ${wave.index}`}: review, merge and deploy it. ` +
        `Once the cause is fixed, resume with \`${resumeCommand(t)}\``);
    return 1;
}
