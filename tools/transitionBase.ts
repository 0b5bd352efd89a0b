/**
 * What a change is judged against: the one base resolution of `qdb validate`, `npm run synth`
 * and `npm run impact`. The program checks each change against its own last outputs
 * (stacks/previous.ts); offline, the closest stand-in wins, in this order:
 *   1. `--outputs <file>`: the stack's outputs (`pulumi stack output --json --show-secrets`), what
 *      the program itself reads; CI passes them, since on a merge commit HEAD is the change itself;
 *   2. `--base <ref>`: the file at that git revision, taken as deployed;
 *   3. the file's committed version in its own git repository (`git -C <its dir> show HEAD:<file>`),
 *      so a working-tree edit is judged.
 * A file outside git with neither flag is not judged, and the tools say so: never silently.
 * Loads nothing heavy (no Pulumi SDK), so `qdb validate` stays fast.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
    InventoryError, OfflinePrevious, Problem, StackFile, StackFileError, offlinePrevious, parseDeployedFacts, parseRetiredIds,
    refusedTransitionsFrom,
} from "../inventory";
import { stackFileAtRef } from "../render/stackSource";

export interface BaseOptions {
    /** A file holding `pulumi stack output --json --show-secrets` of the stack. */
    readonly outputs?: string;
    /** A git revision whose version of the file stands for what is deployed. */
    readonly base?: string;
}

/** The resolved base. `previous` is absent when transitions cannot be judged. */
export interface TransitionBase {
    /** What the tools print: "outputs file X", "git ref Y (Pulumi.prod.yaml)", "committed HEAD:Pulumi.prod.yaml". */
    readonly label: string;
    readonly previous?: OfflinePrevious;
    /** The base as a stack file (for impact's render); null when the base has no such file; absent for outputs. */
    readonly before?: StackFile | null;
    /** Why the base is empty or missing, for the report. */
    readonly note?: string;
}

const NOTHING_DEPLOYED: OfflinePrevious = { facts: {}, retiredIds: [] };

/** The outputs document's `databases` and `retiredIds`, read as the program reads them. */
export function previousFromOutputs(file: string, stack: string): OfflinePrevious {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new StackFileError(`${file}: cannot read the stack outputs (--outputs): ${(error as Error).message}. ` +
            `Write them with \`pulumi stack output --json --show-secrets --stack ${stack} > ${file}\``);
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new StackFileError(`${file}: --outputs must be the JSON object \`pulumi stack output --json --show-secrets --stack ${stack}\` prints`);
    }
    const outputs = doc as Record<string, unknown>;
    if (outputs.databases === "[secret]" || outputs.retiredIds === "[secret]") {
        throw new StackFileError(`${file}: the outputs are masked ("[secret]"); write them with \`pulumi stack output --json --show-secrets --stack ${stack} > ${file}\``);
    }
    return { facts: parseDeployedFacts(outputs.databases, stack), retiredIds: parseRetiredIds(outputs.retiredIds, stack) };
}

function git(cwd: string, ...args: string[]): string | undefined {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch {
        return undefined;
    }
}

/** A base read from a git revision of the file; the label names the revision and the file. */
function fromRef(file: StackFile, ref: string, label: string): TransitionBase {
    const at = stackFileAtRef(ref, file.stack, file.path);
    return "file" in at
        ? { label, previous: offlinePrevious(at.file), before: at.file }
        : { label: `${label} (not there: nothing deployed from it)`, previous: NOTHING_DEPLOYED, before: null, note: at.missing };
}

/** Whether git has `file` at HEAD in the file's own repository. */
export function isCommitted(file: string): boolean {
    const dir = path.dirname(path.resolve(file));
    return git(dir, "cat-file", "-e", `HEAD:./${path.basename(file)}`) !== undefined;
}

/** Resolves the base in the order above. A missing --outputs file or an unknown --base revision is an error. */
export function resolveBase(file: StackFile, options: BaseOptions): TransitionBase {
    if (options.outputs) {
        return { label: `outputs file ${options.outputs}`, previous: previousFromOutputs(options.outputs, file.stack) };
    }
    if (options.base) {
        return fromRef(file, options.base, `git ref ${options.base} (${path.basename(file.path)})`);
    }
    const dir = path.dirname(path.resolve(file.path));
    const notJudged = (why: string) => ({
        label: `transitions were not judged: ${why}; pass --base <git-ref> or --outputs <file> to judge them`,
    });
    if (git(dir, "rev-parse", "--is-inside-work-tree") !== "true") {
        return notJudged(`${file.path} is not in a git repository`);
    }
    if (git(dir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") === undefined) {
        return notJudged(`the git repository of ${file.path} has no commit yet`);
    }
    const prefix = git(dir, "rev-parse", "--show-prefix") ?? "";
    return fromRef(file, "HEAD", `committed HEAD:${prefix}${path.basename(file.path)}`);
}

/** What the program would refuse, judged against the base; none when the base could not be resolved. */
export function judgeTransitions(base: TransitionBase, after: StackFile, flag?: string): Problem[] {
    return base.previous ? refusedTransitionsFrom(base.previous, after, flag) : [];
}

/** Throws the refusals as the program would (an InventoryError), or returns when there are none. */
export function assertJudged(base: TransitionBase, after: StackFile, flag?: string): void {
    const problems = judgeTransitions(base, after, flag);
    if (problems.length > 0) {
        throw new InventoryError(after.stack, problems);
    }
}
