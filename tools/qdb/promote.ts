/**
 * `qdb promote --stack <s> [--now <ISO 8601>]`: moves every pending block whose maintenance
 * window is open at that instant (the clock when --now is absent) into the live fields, and
 * nothing else. Run by .github/workflows/promote.yml, which commits and deploys the result; a
 * delayed or dropped scheduled run is harmless because the window is checked here, at run time.
 */
import { InventoryError, offlineInventoryOf } from "../../inventory";
import { applyEdit } from "./apply";
import type { Context } from "./commands";
import { QdbError, USAGE_EXIT } from "./errors";
import { loadFile, resolveTarget } from "./files";
import { instantOf, promoteEntry, promotionsAt, stamp, waitingLines } from "./maintenance";

export async function promote(ctx: Context): Promise<number> {
    if (ctx.args.positionals.length > 0) {
        throw new QdbError("usage: qdb promote --stack <stack> [--now <ISO 8601>]   (every database whose window is open; no ids)", USAGE_EXIT);
    }
    const now = instantOf(ctx.args.now);
    const target = resolveTarget({ stack: ctx.args.stack, configFile: ctx.args.configFile, projectDir: ctx.projectDir });
    let inventory;
    try {
        inventory = offlineInventoryOf(loadFile(target).parsed);
    } catch (error) {
        if (error instanceof InventoryError) {
            throw new QdbError(`${target.file}: nothing was promoted, the file does not validate. Fix it first (\`npx qdb validate ${target.flag}\`):\n${error.message}`);
        }
        throw error;
    }
    const { due, waiting } = promotionsAt(inventory, now);
    const still = waiting.length > 0 ? [`Still waiting for their window at ${stamp(now)}:`, ...waitingLines(waiting, now)] : [];
    if (due.length === 0) {
        ctx.io.out([`Nothing to promote at ${stamp(now)}: no pending change has its window open.`, ...still].join("\n"));
        return 0;
    }
    const code = await applyEdit(target, (doc, loaded) => {
        for (const database of due) {
            promoteEntry(doc, loaded.target, database.id, now);
        }
        return `promoted the pending changes of ${due.map((d) => `"${d.id}"`).join(", ")} at ${stamp(now)}, inside their windows`;
    }, ctx.args, ctx.io);
    if (still.length > 0) {
        ctx.io.out(still.join("\n"));
    }
    return code;
}
