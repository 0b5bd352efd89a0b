/**
 * What an edit means for the cloud: the impact report (tools/impact) renders the stack before
 * and after under mocks and names every database it would disrupt. It is imported lazily because
 * it pulls in the whole Pulumi program: `qdb list` and `qdb validate` stay fast.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackFile, stackFilePath } from "../../inventory";
import { PROJECT_DIR } from "../../render/paths";
import { isCommitted } from "../transitionBase";
import { LoadedFile, shellWord } from "./files";

/**
 * The impact command to run for an edit qdb did not report itself (--no-impact, or the report
 * failed). `npm run` runs in the project directory, so another file is named by its absolute
 * path. A written file that git has at HEAD is compared with HEAD; otherwise (outside git, never
 * committed, or a dry run, whose edit is on no disk) the versions are kept in temporary copies
 * and compared with --before/--after.
 */
export function impactPointer(loaded: LoadedFile, dryRunText?: string): string {
    const file = path.resolve(loaded.target.file);
    const stack = shellWord(loaded.target.stack);
    if (dryRunText === undefined && isCommitted(file)) {
        const named = file === stackFilePath(PROJECT_DIR, loaded.target.stack) ? `--stack ${stack}` : `--config-file ${shellWord(file)}`;
        return `Run \`npm run impact -- ${named} --base HEAD\` to see what the uncommitted edits change in the cloud.`;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-impact-"));
    const copy = (side: string, text: string) => {
        fs.mkdirSync(path.join(dir, side));
        fs.writeFileSync(path.join(dir, side, path.basename(file)), text);
        return path.join(dir, side, path.basename(file));
    };
    const before = copy("before", loaded.text);
    const after = dryRunText === undefined ? file : copy("after", dryRunText);
    const why = dryRunText === undefined ? `${path.basename(file)} is not committed in git` : "a dry run writes nothing";
    return `Run \`npm run impact -- --before ${shellWord(before)} --after ${shellWord(after)} --stack ${stack}\` to see what this edit ` +
        `changes in the cloud (${why}, so the versions are copied to ${dir}).`;
}

/**
 * The impact summary of an edit. A failed report is a note, never a failed edit: it says whether
 * the file was written (it was, unless this is a dry run), so nobody edits it a second time.
 */
export async function impactSummary(before: LoadedFile, after: StackFile, afterText: string, written: boolean): Promise<string> {
    try {
        // require, not import(): the npx launcher registers tsx for CommonJS only.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { computeImpact, formatImpactSummary } = require("../impact/report") as typeof import("../impact/report");
        return formatImpactSummary(await computeImpact(before.parsed, after));
    } catch (error) {
        const state = written ? `${before.target.file} was written` : "nothing was written (dry run)";
        return `The impact report failed (${(error as Error).message.split("\n")[0]}); ${state}. ${impactPointer(before, written ? undefined : afterText)}`;
    }
}
