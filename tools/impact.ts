/**
 * `npm run impact -- --stack <name> --base <git-ref>` or `--before <file> --after <file>`
 *   [--json] [--max-databases N] [--out <file>]
 *
 * Renders both versions of a stack file under mocks, diffs them and reports per database what the
 * change means (see tools/impact/types.ts). Markdown by default (for a PR comment), JSON with
 * --json. Exit codes: 0 safe, 3 a data volume would be deleted or replaced, 4 more databases
 * touched than --max-databases, 5 the program refuses the change (nothing rendered), 2 a config
 * or usage error, 1 anything else.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { StackFile, StackFileError } from "../inventory";
import { RenderError } from "../render";
import { loadStackFile, stackFileAtRef } from "../render/stackSource";
import { ImpactReport, computeImpact, formatImpactMarkdown } from "./impact/report";

const USAGE = "usage: npm run impact -- --stack <name> --base <git-ref> | --before <file> --after <file>" +
    " [--json] [--max-databases N] [--out <file>]";

export const EXIT = { ok: 0, failed: 1, usage: 2, dataAtRisk: 3, tooManyDatabases: 4, refused: 5 } as const;

class UsageError extends Error {}

function sides(values: Record<string, string | boolean | undefined>): [StackFile, StackFile] {
    const str = (k: string) => values[k] as string | undefined;
    if (str("before") || str("after")) {
        if (!str("before") || !str("after")) {
            throw new UsageError("--before and --after go together");
        }
        return [loadStackFile({ stack: str("stack"), configFile: str("before") }),
            loadStackFile({ stack: str("stack"), configFile: str("after") })];
    }
    if (!str("stack") || !str("base")) {
        throw new UsageError("name what to compare: --stack <name> --base <git-ref>, or --before <file> --after <file>");
    }
    return [stackFileAtRef(str("base") as string, str("stack") as string), loadStackFile({ stack: str("stack") })];
}

/** The exit code for a report, and why. */
export function verdict(report: ImpactReport, maxDatabases?: number): { code: number; reason?: string } {
    if (report.refusals.length > 0) {
        return { code: EXIT.refused, reason: `the program refuses this change (${report.refusals.length} reason(s) above); pulumi preview will fail` };
    }
    if (report.dataAtRisk) {
        return { code: EXIT.dataAtRisk, reason: "a data volume (or its PV/PVC) would be deleted or replaced" };
    }
    if (maxDatabases !== undefined && report.touchedDatabases > maxDatabases) {
        return { code: EXIT.tooManyDatabases,
            reason: `${report.touchedDatabases} databases touched, more than --max-databases ${maxDatabases}; split the change` };
    }
    return { code: EXIT.ok };
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" }, base: { type: "string" }, before: { type: "string" }, after: { type: "string" },
            json: { type: "boolean" }, "max-databases": { type: "string" }, out: { type: "string" },
        },
    });
    const max = values["max-databases"] === undefined ? undefined : Number(values["max-databases"]);
    if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
        throw new UsageError(`--max-databases must be a whole number >= 0, got "${values["max-databases"]}"`);
    }
    const [before, after] = sides(values);
    const report = await computeImpact(before, after);
    const text = values.json ? `${JSON.stringify(report, null, 2)}\n` : formatImpactMarkdown(report);
    process.stdout.write(text);
    if (values.out) {
        fs.writeFileSync(values.out, text);
    }
    const { code, reason } = verdict(report, max);
    if (reason) {
        process.stderr.write(`impact: ${reason}\n`);
    }
    return code;
}

if (require.main === module) {
    // exitCode, not exit(): exit() drops what a pipe has not taken yet, and --json on a large
    // stack is more than a pipe buffer holds.
    main().then((code) => (process.exitCode = code), (err: unknown) => {
        const usage = err instanceof UsageError || err instanceof StackFileError ||
            (err instanceof RenderError && err.configError) || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        process.stderr.write(`impact: ${err instanceof Error ? err.message : String(err)}\n${usage ? `${USAGE}\n` : ""}`);
        process.exitCode = usage ? EXIT.usage : EXIT.failed;
    });
}
