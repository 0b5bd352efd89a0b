/**
 * `qdb move <id> --from <stack> --to <stack>`: hands a database to another cell of its cluster
 * without touching the cloud (docs/decisions.md, "Moving a database between cells"). It edits both
 * files (a marker in the source, the entry in the destination), through the same validation,
 * transition and cross-file checks as every write, and prints the `pulumi state move` command that
 * moves the database's resources, with what to run before and after it.
 */
import * as path from "path";
import { InventoryError, StackFile, formatProblems, offlineInventoryOf, parseStackFile } from "../../inventory";
import { EXIT_CODES } from "../exitCodes";
import { databaseUrns, inStack, moveEntry, stateMoveCommand } from "../moves";
import { Io, refusals } from "./apply";
import type { Context } from "./commands";
import { QdbError, USAGE_EXIT } from "./errors";
import { LoadedFile, loadFile, resolveTarget, writeAtomically } from "./files";
import { moveRefusals, resolvedDifferences } from "./moveChecks";
import { spliceEdit, unifiedDiff } from "./textDiff";

const USAGE = "usage: qdb move <id> --from <stack> --to <stack> [--dry-run] [--no-impact]";
const RENDERING = { lineWidth: 0 } as const;

/** Both files after the move, with the original bytes outside the edited lines. */
export function movedTexts(source: LoadedFile, dest: LoadedFile, id: string): { source: string; dest: string } {
    const [sourceBefore, destBefore] = [source.doc.toString(RENDERING), dest.doc.toString(RENDERING)];
    moveEntry(source.doc, dest.doc, id, source.target.stack, dest.target.stack);
    return {
        source: spliceEdit(source.text, sourceBefore, source.doc.toString(RENDERING)),
        dest: spliceEdit(dest.text, destBefore, dest.doc.toString(RENDERING)),
    };
}

function load(ctx: Context, stack: string | undefined, flag: string): LoadedFile {
    if (!stack) {
        throw new QdbError(`${USAGE} (${flag} is missing)`, USAGE_EXIT);
    }
    return loadFile(resolveTarget({ stack, projectDir: ctx.projectDir }), ". Nothing was changed");
}

/** The source file must be valid: a move copies its entry, and its render names the resources that move. */
function requireValid(file: StackFile): void {
    try {
        offlineInventoryOf(file);
    } catch (error) {
        if (error instanceof InventoryError) {
            throw new QdbError(`${file.path}: fix its problems before moving a database out of it; nothing was changed. ${formatProblems(error.stack, error.problems)}`, EXIT_CODES.config);
        }
        throw error;
    }
}

/** What the destination would resolve differently (resolvedDifferences); nothing when the destination does not validate (its own problems say why). */
function inheritedDifferences(source: StackFile, dest: StackFile, id: string): string[] {
    const find = (file: StackFile) => {
        try {
            return offlineInventoryOf(file).databases.find((d) => d.id === id);
        } catch {
            return undefined;
        }
    };
    const [a, b] = [find(source), find(dest)];
    return a && b ? resolvedDifferences(a, b, source.stack, dest.stack) : [];
}

/** The URNs of the database's resources in the source, from a render of the source file as deployed. */
async function urnsOf(source: StackFile, id: string): Promise<string[]> {
    // Loaded only here: the render module and impact's outputs stand-in are not needed to refuse a move.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderInChild, requestFromStackFile } = require("../../render") as typeof import("../../render");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { deployedOutputsOf } = require("../impact/report") as typeof import("../impact/report");
    const render = await renderInChild({ ...requestFromStackFile(source, false), previousOutputs: deployedOutputsOf(source) });
    return databaseUrns(render, source.stack, id);
}

/** The steps after the edit, in their order; every command runs as printed from the project directory. */
export function nextSteps(id: string, from: string, to: string, urns: readonly string[]): string {
    return [
        "Next, in this order (nothing in the cloud changes):",
        `1. Before any \`pulumi up\` of ${from} or ${to}, move the database's ${urns.length} resources from ${from}'s state to ${to}'s (both stacks on one backend):`,
        `   ${stateMoveCommand(from, to, urns)}`,
        `2. Check both stacks: ${from} must show no change, ${to} no create or delete (the database's alert rules name their new stack, and ${to}'s drill admission lists the moved volume: in-place updates):`,
        `   pulumi preview --stack ${from}`,
        `   pulumi preview --stack ${to}`,
        `3. Then commit both files and deploy ${to} (and ${from}, which changes nothing). If step 2 shows anything else, move the state back and the files with it:`,
        `   ${stateMoveCommand(to, from, urns.map((u) => inStack(u, to)))}`,
        `   npx qdb move ${id} --from ${to} --to ${from} --no-impact`,
    ].join("\n");
}

async function impactOf(source: { before: StackFile; after: StackFile }, dest: { before: StackFile; after: StackFile }, id: string): Promise<string> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { computeImpact, formatImpactSummary } = require("../impact/report") as typeof import("../impact/report");
    const movedIn = new Map([[id, { from: source.before.stack, source: source.before }]]);
    const [out, into] = await Promise.all([computeImpact(source.before, source.after, [], undefined, new Map()), computeImpact(dest.before, dest.after, [], undefined, movedIn)]);
    return [formatImpactSummary(out), formatImpactSummary(into)].join("\n");
}

export async function move(ctx: Context): Promise<number> {
    if (ctx.args.positionals.length !== 1 || ctx.args.configFile) {
        throw new QdbError(USAGE, USAGE_EXIT);
    }
    const [id] = ctx.args.positionals;
    const source = load(ctx, ctx.args.from, "--from");
    const dest = load(ctx, ctx.args.to, "--to");
    if (source.target.stack === dest.target.stack) {
        throw new QdbError(`${USAGE}: --from and --to name the same stack`, USAGE_EXIT);
    }
    requireValid(source.parsed);
    const before = moveRefusals(source.parsed, dest.parsed, id);
    if (before.length > 0) {
        throw new QdbError(`refused to move "${id}" from ${source.target.stack} to ${dest.target.stack}; nothing was changed:\n${before.map((r) => `  - ${r}`).join("\n")}`);
    }
    const texts = movedTexts(source, dest, id);
    const after = { source: parseStackFile(texts.source, source.target.file, source.target.stack), dest: parseStackFile(texts.dest, dest.target.file, dest.target.stack) };
    const reasons = [
        ...refusals(source.parsed, after.source, source.target.flag, [after.dest]).reasons,
        ...refusals(dest.parsed, after.dest, dest.target.flag, [after.source]).reasons,
        ...inheritedDifferences(source.parsed, after.dest, id),
    ];
    if (reasons.length > 0) {
        throw new QdbError(`refused to move "${id}" from ${source.target.stack} to ${dest.target.stack}; nothing was changed:\n${[...new Set(reasons)].map((r) => `  - ${r}`).join("\n")}`);
    }
    const urns = await urnsOf(source.parsed, id);
    report(ctx.io, source, dest, texts, ctx.args.dryRun, id);
    ctx.io.out(nextSteps(id, source.target.stack, dest.target.stack, urns));
    if (ctx.args.impact) {
        ctx.io.out(await impactOf({ before: source.parsed, after: after.source }, { before: dest.parsed, after: after.dest }, id));
    }
    return 0;
}

/**
 * Writes the destination first: if the second write fails, both files hold the entry (a clash
 * `qdb validate` names) and the source still renders the database, never a marker pointing at a
 * file without it.
 */
function report(io: Io, source: LoadedFile, dest: LoadedFile, texts: { source: string; dest: string }, dryRun: boolean, id: string): void {
    const [s, d] = [path.basename(source.target.file), path.basename(dest.target.file)];
    if (dryRun) {
        io.out(unifiedDiff(dest.text, texts.dest, d));
        io.out(unifiedDiff(source.text, texts.source, s));
        io.out(`Dry run: moving database "${id}" from ${source.target.stack} to ${dest.target.stack}. Nothing was written.`);
        return;
    }
    writeAtomically(dest.target.file, dest.text, texts.dest);
    writeAtomically(source.target.file, source.text, texts.source);
    io.out(`${d}: added database "${id}", moved from ${source.target.stack}. ${s}: "${id}" marked movedTo: ${dest.target.stack}.`);
}
