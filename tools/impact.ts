/**
 * `npm run impact -- --stack <name> --base <git-ref>` (or `--config-file <file> --base <git-ref>`)
 *   or `--before <file> --after <file> [--stack <name>]`  [--json] [--max-databases N] [--out <file>]
 *
 * Renders both versions of a stack file under mocks, diffs them and reports per database what the
 * change means (see tools/impact/types.ts). Markdown by default (for a PR comment), JSON with
 * --json. Exit codes: 0 safe, 3 a data volume would be deleted or replaced, 4 more databases
 * touched than --max-databases, 5 the program refuses the change (nothing rendered), 2 a config
 * or usage error, 1 anything else.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { InventoryError, StackFile, StackFileError, stackNameOf } from "../inventory";
import { RenderError } from "../render";
import { loadStackFile } from "../render/stackSource";
import { EXIT_CODES } from "./exitCodes";
import { shellWord } from "./qdb/files";
import { ImpactReport, computeImpact, formatImpactMarkdown } from "./impact/report";
import { resolveBase } from "./transitionBase";

const USAGE = "usage: npm run impact -- --stack <name> --base <git-ref> | --config-file <file> --base <git-ref> | --before <file> --after <file> [--stack <name>]" +
    " [--json] [--max-databases N] [--out <file>]";

/** Most severe first: a refusal outranks data at risk, which outranks a too-large change. */
export const EXIT = { ...EXIT_CODES, usage: EXIT_CODES.config } as const;

class UsageError extends Error {}

/** The two sides to compare: `before` null when the base has no such file (nothing deployed from it). */
export interface Sides {
    readonly before: StackFile | null;
    readonly after: StackFile;
    readonly notes: string[];
}

/**
 * Both sides are one stack: its name comes from --stack, or from the two file names when they
 * agree; two different names and no --stack is a usage error (every database would look changed).
 */
export function sides(values: Record<string, string | boolean | undefined>): Sides {
    const str = (k: string) => values[k] as string | undefined;
    if (str("before") || str("after")) {
        if (!str("before") || !str("after")) {
            throw new UsageError("--before and --after go together");
        }
        const names = [stackNameOf(str("before") as string), stackNameOf(str("after") as string)];
        if (!str("stack") && names[0] !== names[1]) {
            throw new UsageError(`--before and --after are one stack, but their file names say "${names[0]}" and "${names[1]}"; ` +
                "name it with --stack <name>");
        }
        const stack = str("stack") ?? names[1];
        return { before: loadStackFile({ stack, configFile: str("before") }), after: loadStackFile({ stack, configFile: str("after") }), notes: [] };
    }
    if (!str("base") || (!str("stack") && !str("config-file"))) {
        throw new UsageError("name what to compare: --stack <name> --base <git-ref>, --config-file <file> --base <git-ref>, or --before <file> --after <file>");
    }
    const after = loadStackFile({ stack: str("stack"), configFile: str("config-file") });
    const base = resolveBase(after, { base: str("base") });
    return { before: base.before ?? null, after, notes: base.note ? [base.note] : [] };
}

/** The exit code for a report, and why. */
export function verdict(report: ImpactReport, maxDatabases?: number): { code: number; reason?: string } {
    if (report.refused) {
        return { code: EXIT.refused, reason: `the program refuses this change (${report.refusals.length} refusal(s)); \`pulumi preview\` will fail` };
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
            "config-file": { type: "string" }, json: { type: "boolean" }, "max-databases": { type: "string" }, out: { type: "string" },
        },
    });
    const max = values["max-databases"] === undefined ? undefined : Number(values["max-databases"]);
    if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
        throw new UsageError(`--max-databases must be a whole number >= 0, got "${values["max-databases"]}"`);
    }
    const { before, after, notes } = sides(values);
    const named = values["config-file"] ?? values.after;
    const report = await computeImpact(before, after, notes, named ? `--config-file ${shellWord(path.resolve(named))}` : undefined);
    const { code, reason } = verdict(report, max);
    const text = values.json ? `${JSON.stringify({ ...report, verdict: { code, reason } }, null, 2)}\n` : formatImpactMarkdown(report, reason);
    process.stdout.write(text);
    if (values.out) {
        fs.writeFileSync(values.out, text);
    }
    if (reason) {
        process.stderr.write(`impact: ${reason}\n`);
    }
    return code;
}

if (require.main === module) {
    // exitCode, not exit(): exit() drops what a pipe has not taken yet, and --json on a large
    // stack is more than a pipe buffer holds.
    main().then((code) => (process.exitCode = code), (err: unknown) => {
        // The usage line only for a command line that could not be understood, not for a bad file.
        const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        const config = err instanceof StackFileError || err instanceof InventoryError || (err instanceof RenderError && err.configError);
        process.stderr.write(`impact: ${err instanceof Error ? err.message : String(err)}\n${usage ? `${USAGE}\n` : ""}`);
        process.exitCode = usage || config ? EXIT.usage : EXIT.failed;
    });
}
