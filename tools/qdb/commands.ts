/**
 * The qdb commands. Each one resolves its file, then either reads (list, validate) or describes
 * one Document edit and hands it to applyEdit, which owns safety, diffing and writing.
 */
import { InventoryError, StackFileError, formatProblems, offlineRawOf, parseStackFile, qdbCommand, validateInventory } from "../../inventory";
import { EXIT_CODES } from "../exitCodes";
import { judgeTransitions, resolveBase } from "../transitionBase";
import { Edit, Io, applyEdit, editedText, refusals } from "./apply";
import { Assignment, CliArgs, parseAssignment, parseScalar } from "./args";
import { cellMessages } from "./cells";
import { addDatabase, pickAvailabilityZone, removeDatabase, setDatabaseField, stateOf } from "./edits";
import { QdbError, USAGE_EXIT } from "./errors";
import { Target, allTargets, loadFile, resolveTarget, seedNote, shellWord } from "./files";
import { backupsJson, formatBackups, readLiveSnapshots } from "./backups";
import { formatList } from "./list";
import { refuseNull, setRegion, unset as unsetFields } from "./fieldEdits";
import { instantOf, pendingAssignments, pendingNote, setPendingField } from "./maintenance";

export interface Context {
    readonly args: CliArgs;
    readonly projectDir: string;
    readonly io: Io;
}

function target(ctx: Context): Target {
    return resolveTarget({ stack: ctx.args.stack, configFile: ctx.args.configFile, projectDir: ctx.projectDir });
}

/** The single database id a command takes. */
function oneId(ctx: Context, usage: string): string {
    if (ctx.args.positionals.length !== 1) {
        throw new QdbError(`usage: qdb ${usage}`, USAGE_EXIT);
    }
    return ctx.args.positionals[0];
}

export async function list(ctx: Context): Promise<number> {
    const { text, problems } = formatList(offlineRawOf(loadFile(target(ctx)).parsed));
    ctx.io.out(text);
    if (problems) {
        ctx.io.err(formatProblems(problems.stack, problems.problems));
        return EXIT_CODES.config;
    }
    return 0;
}

/** Backup schedule, retention and drill per database; `--live` adds each newest snapshot's age. */
export async function backups(ctx: Context): Promise<number> {
    let inventory;
    try {
        inventory = validateInventory(offlineRawOf(loadFile(target(ctx)).parsed));
    } catch (error) {
        if (error instanceof InventoryError) {
            ctx.io.err(formatProblems(error.stack, error.problems));
            return EXIT_CODES.config;
        }
        throw error;
    }
    const live = ctx.args.live ? readLiveSnapshots(inventory.region.stack, inventory.region.awsRegion) : undefined;
    ctx.io.out(ctx.args.json ? JSON.stringify(backupsJson(inventory, live, new Date()), null, 2) : formatBackups(inventory, live, new Date()));
    return live && "error" in live ? 1 : 0;
}

/**
 * The program's own validation and messages, file by file, then the program's transition checks
 * against the base (tools/transitionBase.ts: --outputs, --base, or the file's committed version);
 * one bad file does not hide the others. Exits with the most severe code: 5 refused, 2 invalid.
 */
export async function validate(ctx: Context): Promise<number> {
    if (ctx.args.all && ctx.args.outputs) {
        throw new QdbError("--outputs are one stack's outputs: validate that stack with --stack <s> --outputs <file>", USAGE_EXIT);
    }
    const targets = ctx.args.all ? allTargets(ctx.projectDir) : [target(ctx)];
    if (targets.length === 0) {
        throw new QdbError(`${ctx.projectDir}: no Pulumi.<stack>.yaml files to validate`);
    }
    let worst = 0;
    for (const t of targets) {
        worst = Math.max(worst, validateOne(ctx, t));
    }
    return worst;
}

function validateOne(ctx: Context, t: Target): number {
    try {
        const { parsed } = loadFile(t);
        const inventory = validateInventory(offlineRawOf(parsed));
        const clashes = cellMessages(parsed);
        if (clashes.length > 0) {
            ctx.io.err(`${t.file}: ${clashes.length} problem(s) across the stacks of its cluster (checked by qdb, not by the program):\n${clashes.map((c) => `  - ${c}`).join("\n")}`);
            return EXIT_CODES.config;
        }
        const base = resolveBase(parsed, { outputs: ctx.args.outputs, base: ctx.args.base });
        const refused = judgeTransitions(base, parsed, t.flag);
        if (refused.length > 0) {
            ctx.io.err(`${t.file}: judged against ${base.label}, the program refuses this change (\`pulumi preview\` will fail). ` +
                formatProblems(t.stack, refused));
            return EXIT_CODES.refused;
        }
        const judged = base.previous ? `transitions judged against ${base.label}` : base.label;
        ctx.io.out(`ok: stack "${t.stack}" (${t.file}): ${inventory.databases.length} databases; ${judged}`);
        const note = seedNote(parsed);
        if (note) {
            ctx.io.err(note);
        }
        return 0;
    } catch (error) {
        if (error instanceof InventoryError) {
            ctx.io.err(`${t.file}: ${formatProblems(error.stack, error.problems)}`);
            return EXIT_CODES.config;
        }
        if (error instanceof QdbError || error instanceof StackFileError) {
            ctx.io.err(error.message);
            return error instanceof QdbError ? error.exitCode : EXIT_CODES.config;
        }
        throw error;
    }
}

export async function add(ctx: Context): Promise<number> {
    const id = oneId(ctx, "add --stack <stack> <id> [--instance-type <type>] [--size <GiB>] [--az <zone>]");
    const { instanceType, size, az } = ctx.args;
    return applyEdit(target(ctx), (doc, loaded) => {
        const raw = loaded.parsed.raw;
        const subnetAzs = Object.keys(((raw.region ?? {}) as { subnets?: object }).subnets ?? {});
        const zone = az ?? pickAvailabilityZone(subnetAzs, Array.isArray(raw.databases) ? raw.databases : []);
        if (!zone) {
            throw new QdbError(`${loaded.target.file}: questdb-cloud:region.subnets lists no AZ to place "${id}" in. Fix: add the region's subnets, or pass --az`);
        }
        addDatabase(doc, { id, availabilityZone: zone, instanceType, sizeGiB: size === undefined ? undefined : parseScalar(size) });
        return `added database "${id}" in ${zone}${az ? "" : " (the AZ with the fewest databases)"}`;
    }, ctx.args, ctx.io);
}

/**
 * The edit of `qdb set`: every assignment on database `id`. A disruptive change of a database with
 * a maintenance window waits under pending: (tools/qdb/maintenance.ts), judged at `now`.
 */
function setEdit(id: string, assignments: readonly Assignment[], now: Date): Edit {
    return (doc, loaded) => {
        const pending = pendingAssignments(loaded.parsed, id, assignments);
        for (const a of assignments) {
            if (pending.includes(a)) {
                setPendingField(doc, loaded.target, id, a);
            } else {
                setDatabaseField(doc, loaded.target, id, a.path, a.value);
            }
        }
        const description = `set ${assignments.map((a) => `${a.key}=${JSON.stringify(a.value)}`).join(", ")} on database "${id}"`;
        return pending.length > 0 ? { description, note: pendingNote(loaded.parsed, id, pending, loaded.target, now) } : description;
    };
}

export async function set(ctx: Context): Promise<number> {
    const [id, ...rest] = ctx.args.positionals;
    if (!id || (rest.length === 0 && !id.includes("="))) {
        throw new QdbError("usage: qdb set --stack <stack> <id> key=value... (e.g. volume.sizeGiB=500 serverConf.query.timeout.sec=120)", USAGE_EXIT);
    }
    if (id.includes("=")) {
        return setRegion(target(ctx), ctx.args.positionals, ctx.args, ctx.io);
    }
    const assignments = rest.map(parseAssignment);
    refuseNull(assignments, target(ctx).flag, id);
    if (assignments.some((a) => a.path[0] === "id")) {
        throw new QdbError(`database "${id}": id cannot be changed: every resource name derives from it, so a new id replaces the database. Fix: add a new database and decommission "${id}"`);
    }
    const now = instantOf(ctx.args.now);
    return applyEdit(target(ctx), setEdit(id, assignments, now), ctx.args, ctx.io, (reasons, t) => quotingHints(assignments, reasons, t, id, now));
}

/**
 * `nodeGroupName=1234` types as a number, which the validator rightly refuses; the fix is
 * quoting, which only qdb can tell. The hint is the whole command with the values quoted, and it
 * is printed only when that command would be accepted: `questdbVersion=8.3` quoted is still no
 * version, and the validator's own fix then stands alone.
 */
export function quotingHints(assignments: readonly Assignment[], reasons: readonly string[], t: Target, id: string, now: Date): string[] {
    const typed = assignments.filter((a) => typeof a.value !== "string" && reasons.some((r) => r.includes(`${a.key} = ${JSON.stringify(a.value)}: expected a`)));
    if (typed.length === 0) {
        return [];
    }
    const quoted = assignments.map((a) => (typed.includes(a) ? { ...a, value: a.text } : a));
    const loaded = loadFile(t);
    const after = parseStackFile(editedText(loaded, setEdit(id, quoted, now)).text, t.file, t.stack);
    if (refusals(loaded.parsed, after, t.flag).reasons.length > 0) {
        return [];
    }
    const words = assignments.map((a) => shellWord(typed.includes(a) ? `${a.key}="${a.text}"` : `${a.key}=${a.text}`));
    return [`  hint: ${typed.map((a) => `${a.key}=${a.text}`).join(", ")} was read as a ${typeof typed[0].value}; to write the string, quote it: ` +
        `\`npx qdb set ${t.flag} ${id} ${words.join(" ")}\``];
}

/** pause, resume and decommission: each only sets `state`. */
export function stateCommand(state: "paused" | "active" | "decommissioned", verb: string) {
    return async (ctx: Context): Promise<number> => {
        const id = oneId(ctx, `${verb} --stack <stack> <id>`);
        return applyEdit(target(ctx), (doc, loaded) => {
            // A missing state means active: `resume` on such an entry is a no-op, not a new line.
            if (stateOf(doc, loaded.target, id) !== state) {
                setDatabaseField(doc, loaded.target, id, ["state"], state);
            }
            return `set database "${id}" state to ${state}`;
        }, ctx.args, ctx.io);
    };
}

export async function remove(ctx: Context): Promise<number> {
    const id = oneId(ctx, "remove --stack <stack> <id>   (only once the database is decommissioned)");
    return applyEdit(target(ctx), (doc, loaded) => {
        const state = stateOf(doc, loaded.target, id);
        if (state !== "decommissioned") {
            const flag = loaded.target.flag;
            // From active, decommission is refused (refusedStateChange): the way out starts with a pause.
            const first = state === "active" ? `${qdbCommand("pause", flag, id)}, deploy that, then ` : "";
            throw new QdbError(`${loaded.target.file}: refused to write (remove "${id}"); nothing was changed: database "${id}" is ${String(state)}; ` +
                `removing its entry would delete its data. Fix: run ${first}${qdbCommand("decommission", flag, id)}, deploy that, then ${qdbCommand("remove", flag, id)}`);
        }
        removeDatabase(doc, loaded.target, id);
        return `removed database "${id}" (its id is recorded in questdb-cloud:region.retiredIds, never to be reused)`;
    }, ctx.args, ctx.io);
}

/** `qdb unset`: removes database or region fields (tools/qdb/fieldEdits.ts). */
export async function unset(ctx: Context): Promise<number> {
    return unsetFields(target(ctx), ctx.args.positionals, ctx.args, ctx.io);
}
