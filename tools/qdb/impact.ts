/**
 * What an edit means for the cloud: the impact report (tools/impact) renders the stack before
 * and after under mocks and names every replaced or deleted resource. It is loaded lazily, by
 * path, because it pulls in the whole Pulumi program: `qdb list` and `qdb validate` stay fast,
 * and qdb keeps working (with a pointer to `npm run impact`) in a checkout without it.
 */
import * as fs from "fs";
import * as path from "path";
import { StackFile } from "../../inventory";

/** The part of tools/impact/report.ts that qdb uses. */
interface ImpactModule {
    computeImpact(before: StackFile, after: StackFile): Promise<unknown>;
    formatImpactSummary(report: unknown): string;
}

const REPORT_MODULE = path.join(__dirname, "..", "impact", "report");

function loadImpactModule(): ImpactModule | undefined {
    if (![".ts", ".js"].some((ext) => fs.existsSync(REPORT_MODULE + ext))) {
        return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(REPORT_MODULE) as Partial<ImpactModule>;
    return typeof loaded.computeImpact === "function" && typeof loaded.formatImpactSummary === "function"
        ? (loaded as ImpactModule) : undefined;
}

/** The impact summary of a written edit, or a pointer to the tool when the summary cannot be made. */
export async function impactSummary(before: StackFile, after: StackFile): Promise<string> {
    const pointer = `Run \`npm run impact -- --stack ${after.stack}\` to see what this changes in the cloud.`;
    const module = loadImpactModule();
    if (!module) {
        return pointer;
    }
    try {
        return module.formatImpactSummary(await module.computeImpact(before, after));
    } catch (error) {
        return `The impact report failed (${(error as Error).message.split("\n")[0]}). ${pointer}`;
    }
}
