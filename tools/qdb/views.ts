/**
 * The read-only views with a machine-readable form: `list` (one stack or `--all`) and `status`,
 * each with `--json` (`backups --json` is backups.ts' `backupsJson`). The text forms stay in
 * list.ts and status.ts; the JSON carries the same values, typed, for scripts and dashboards.
 */
import { DatabaseSpec, Inventory, InventoryError, holdsNodeGroup, offlineRawOf, validateInventory } from "../../inventory";
import * as commands from "./commands";
import { QdbError } from "./errors";
import { Target, allTargets, loadFile, resolveTarget } from "./files";
import { formatList } from "./list";
import { formatStatus, parseOutputsText, readOutputsText, stackStatus } from "./status";

type Context = commands.Context;

function target(ctx: Context): Target {
    return resolveTarget({ stack: ctx.args.stack, configFile: ctx.args.configFile, projectDir: ctx.projectDir });
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

function databaseJson(db: DatabaseSpec) {
    return {
        id: db.id, state: db.state, availabilityZone: db.availabilityZone, instanceType: db.instanceType,
        sizeGiB: db.volume.sizeGiB, questdbVersion: db.questdbVersion, channel: db.channel ?? null,
    };
}

/** One stack as `list --json` gives it; a file that does not validate has `problems` and no databases. */
export function listJson(t: Target): Record<string, unknown> {
    let inventory: Inventory;
    try {
        inventory = validateInventory(offlineRawOf(loadFile(t).parsed));
    } catch (error) {
        if (error instanceof InventoryError) {
            return { stack: t.stack, file: t.file, valid: false, problems: error.problems.length, message: error.message };
        }
        if (error instanceof QdbError) {
            return { stack: t.stack, file: t.file, valid: false, problems: 1, message: error.message };
        }
        throw error;
    }
    const perAz: Record<string, number> = {};
    for (const db of [...inventory.databases].sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone))) {
        perAz[db.availabilityZone] = (perAz[db.availabilityZone] ?? 0) + 1;
    }
    return {
        stack: t.stack, file: t.file, valid: true, databases: inventory.databases.map(databaseJson), perAz,
        holdingNodeGroup: inventory.databases.filter(holdsNodeGroup).length, maxDatabases: inventory.region.maxDatabases,
    };
}

/** `list`, `list --json`, `list --all [--json]`: a stack that does not validate makes the exit 1, after every stack is shown. */
export async function list(ctx: Context): Promise<number> {
    if (!ctx.args.all && !ctx.args.json) {
        return commands.list(ctx);
    }
    const targets = ctx.args.all ? allTargets(ctx.projectDir) : [target(ctx)];
    if (targets.length === 0) {
        throw new QdbError(`${ctx.projectDir}: no Pulumi.<stack>.yaml files to list`);
    }
    if (ctx.args.json) {
        const stacks = targets.map(listJson);
        ctx.io.out(json(ctx.args.all ? { stacks } : stacks[0]));
        return stacks.every((s) => s.valid) ? 0 : 1;
    }
    let failed = 0;
    for (const t of targets) {
        ctx.io.out(`== stack "${t.stack}" (${t.file})`);
        try {
            const { text, problems } = formatList(offlineRawOf(loadFile(t).parsed));
            ctx.io.out(`${text}\n`);
            if (problems) {
                failed++;
                ctx.io.err(problems.message);
            }
        } catch (error) {
            if (!(error instanceof QdbError)) {
                throw error;
            }
            failed++;
            ctx.io.err(error.message);
        }
    }
    return failed > 0 ? 1 : 0;
}

/** `status`: the deployed outputs beside the file. The file must validate: its values are compared with defaults applied. */
export async function status(ctx: Context): Promise<number> {
    if (ctx.args.positionals.length > 0) {
        throw new QdbError("usage: qdb status --stack <stack> [--outputs <file>] [--json]", 2);
    }
    const t = target(ctx);
    const loaded = loadFile(t);
    let inventory: Inventory;
    try {
        inventory = validateInventory(offlineRawOf(loaded.parsed));
    } catch (error) {
        if (error instanceof InventoryError) {
            ctx.io.err(`${t.file}: ${error.message}\nFix the file first (\`qdb validate ${t.flag}\`): status compares its values, defaults applied, with the outputs.`);
            return 1;
        }
        throw error;
    }
    const { text, source } = readOutputsText(t, ctx.args.outputs, ctx.projectDir);
    const result = stackStatus(parseOutputsText(text, source, t.stack), inventory);
    ctx.io.out(ctx.args.json ? json({ ...result, source }) : formatStatus(result, source));
    return 0;
}
