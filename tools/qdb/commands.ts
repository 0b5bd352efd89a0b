/**
 * The qdb commands. Each one resolves its file, then either reads (list, validate) or describes
 * one Document edit and hands it to applyEdit, which owns safety, diffing and writing.
 */
import { InventoryError, offlineRawOf, validateInventory } from "../../inventory";
import { Io, applyEdit } from "./apply";
import { Assignment, CliArgs, parseAssignment, parseScalar } from "./args";
import { addDatabase, pickAvailabilityZone, removeDatabase, setDatabaseField, stateOf } from "./edits";
import { QdbError, USAGE_EXIT } from "./errors";
import { Target, allTargets, loadFile, resolveTarget, seedNote } from "./files";
import { formatBackups, readLiveSnapshots } from "./backups";
import { formatList } from "./list";
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
        ctx.io.err(problems.message);
        return 1;
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
            ctx.io.err(error.message);
            return 1;
        }
        throw error;
    }
    const live = ctx.args.live ? readLiveSnapshots(inventory.region.stack, inventory.region.awsRegion) : undefined;
    ctx.io.out(formatBackups(inventory, live, new Date()));
    return live && "error" in live ? 1 : 0;
}

/** The program's own validation and messages, file by file; one bad file does not hide the others. */
export async function validate(ctx: Context): Promise<number> {
    const targets = ctx.args.all ? allTargets(ctx.projectDir) : [target(ctx)];
    if (targets.length === 0) {
        throw new QdbError(`${ctx.projectDir}: no Pulumi.<stack>.yaml files to validate`);
    }
    let failed = 0;
    for (const t of targets) {
        try {
            const { parsed } = loadFile(t);
            const inventory = validateInventory(offlineRawOf(parsed));
            ctx.io.out(`ok: stack "${t.stack}" (${t.file}): ${inventory.databases.length} databases`);
            const note = seedNote(parsed);
            if (note) {
                ctx.io.err(note);
            }
        } catch (error) {
            if (!(error instanceof InventoryError || error instanceof QdbError)) {
                throw error;
            }
            failed++;
            ctx.io.err(error instanceof InventoryError ? `${t.file}: ${error.message}` : error.message);
        }
    }
    return failed > 0 ? 1 : 0;
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

export async function set(ctx: Context): Promise<number> {
    const [id, ...rest] = ctx.args.positionals;
    if (!id || rest.length === 0) {
        throw new QdbError("usage: qdb set --stack <stack> <id> key=value... (e.g. volume.sizeGiB=500 serverConf.query.timeout.sec=120)", USAGE_EXIT);
    }
    const assignments = rest.map(parseAssignment);
    if (assignments.some((a) => a.path[0] === "id")) {
        throw new QdbError(`database "${id}": id cannot be changed: every resource name derives from it, so a new id replaces the database. Fix: add a new database and decommission "${id}"`);
    }
    const now = instantOf(ctx.args.now);
    return applyEdit(target(ctx), (doc, loaded) => {
        // A disruptive change of a database with a maintenance window waits under pending: (tools/qdb/maintenance.ts).
        const pending = pendingAssignments(loaded.parsed, id, assignments);
        for (const a of assignments) {
            if (pending.includes(a)) {
                setPendingField(doc, loaded.target, id, a);
            } else {
                setDatabaseField(doc, loaded.target, id, a.path, a.value);
            }
        }
        const note = pending.length > 0 ? `; ${pendingNote(loaded.parsed, id, pending, loaded.target, now)}` : "";
        return `set ${assignments.map((a) => `${a.key}=${JSON.stringify(a.value)}`).join(", ")} on database "${id}"${note}`;
    }, ctx.args, ctx.io, (reasons, t) => quotingHints(assignments, reasons, t.flag, id));
}

/**
 * `questdbVersion=8.3` types as the number 8.3, which the validator rightly refuses; the fix is
 * quoting, which only qdb can tell, so it says so with the command to run.
 */
export function quotingHints(assignments: readonly Assignment[], reasons: readonly string[], flag: string, id: string): string[] {
    return assignments
        .filter((a) => typeof a.value !== "string" && reasons.some((r) => r.includes(`${a.key} = ${JSON.stringify(a.value)}: expected a`)))
        .map((a) => `  hint: ${a.key}=${a.text} was read as a ${typeof a.value}; to write the string "${a.text}", quote it: ` +
            `qdb set ${flag} ${id} '${a.key}="${a.text}"'`);
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
            throw new QdbError(`${loaded.target.file}: refused to write (remove "${id}"); nothing was changed: database "${id}" is ${String(state)}; ` +
                `removing its entry would delete its data. Fix: run \`qdb decommission ${flag} ${id}\`, deploy that, then \`qdb remove ${flag} ${id}\``);
        }
        removeDatabase(doc, loaded.target, id);
        return `removed database "${id}" (its id is recorded in questdb-cloud:region.retiredIds, never to be reused)`;
    }, ctx.args, ctx.io);
}
