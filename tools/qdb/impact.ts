/**
 * What an edit means for the cloud: the impact report (tools/impact) renders the stack before
 * and after under mocks and names every database it would disrupt. It is imported lazily because
 * it pulls in the whole Pulumi program: `qdb list` and `qdb validate` stay fast.
 */
import { StackFile } from "../../inventory";

/** Where to look when qdb does not print the impact itself (--no-impact, or the report failed). */
export function impactPointer(stack: string): string {
    return `Run \`npm run impact -- --stack ${stack} --base HEAD\` to see what the uncommitted edits change in the cloud.`;
}

/** The impact summary of an edit; a failed report is a note, never a failed edit (the file is already written). */
export async function impactSummary(before: StackFile, after: StackFile): Promise<string> {
    try {
        // require, not import(): the npx launcher registers tsx for CommonJS only.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { computeImpact, formatImpactSummary } = require("../impact/report") as typeof import("../impact/report");
        return formatImpactSummary(await computeImpact(before, after));
    } catch (error) {
        return `The impact report failed (${(error as Error).message.split("\n")[0]}). ${impactPointer(after.stack)}`;
    }
}
