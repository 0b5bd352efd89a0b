/**
 * What an edit means for the cloud: the impact report (tools/impact) renders the stack before
 * and after under mocks and names every database it would disrupt. It is imported lazily because
 * it pulls in the whole Pulumi program: `qdb list` and `qdb validate` stay fast.
 */
import { StackFile } from "../../inventory";
import { Target } from "./files";

/** Where to look when qdb does not print the impact itself (--no-impact, or the report failed). */
export function impactPointer(target: Target): string {
    return `Run \`npm run impact -- ${target.flag} --base HEAD\` to see what the uncommitted edits change in the cloud.`;
}

/**
 * The impact summary of an edit. A failed report is a note, never a failed edit: it says whether
 * the file was written (it was, unless this is a dry run), so nobody edits it a second time.
 */
export async function impactSummary(before: StackFile, after: StackFile, target: Target, written: boolean): Promise<string> {
    try {
        // require, not import(): the npx launcher registers tsx for CommonJS only.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { computeImpact, formatImpactSummary } = require("../impact/report") as typeof import("../impact/report");
        return formatImpactSummary(await computeImpact(before, after));
    } catch (error) {
        const state = written ? `${target.file} was written` : "nothing was written (dry run)";
        return `The impact report failed (${(error as Error).message.split("\n")[0]}); ${state}. ${impactPointer(target)}`;
    }
}
