/**
 * Where the offline tools (synth, impact) get a stack file from: `--stack <name>` (the shipped
 * `Pulumi.<name>.yaml`), `--config-file <path>`, or a git revision (`git show <ref>:Pulumi.<name>.yaml`).
 * Parsing goes through the one stack-file parser in inventory/.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { StackFile, StackFileError, parseStackFile, readStackFile, stackFilePath, stackNameOf } from "../inventory";
import { PROJECT_DIR } from "./paths";

export interface StackSource {
    readonly stack?: string;
    readonly configFile?: string;
}

/** The stack file named by --config-file (its stack name overridden by --stack) or by --stack. */
export function loadStackFile(source: StackSource): StackFile {
    if (source.configFile) {
        if (!fs.existsSync(source.configFile)) {
            throw new StackFileError(`${source.configFile}: no such file (--config-file)`);
        }
        const stack = source.stack ?? stackNameOf(source.configFile);
        return parseStackFile(fs.readFileSync(source.configFile, "utf8"), source.configFile, stack);
    }
    if (!source.stack) {
        throw new StackFileError("name a stack: --stack <name> (reads Pulumi.<name>.yaml) or --config-file <path>");
    }
    return readStackFile(stackFilePath(PROJECT_DIR, source.stack));
}

/** A stack file at a git revision, or why the revision has none. */
export type StackFileAtRef = { readonly file: StackFile } | { readonly missing: string };

/**
 * The stack file as it is at a git revision, e.g. `origin/main`: `Pulumi.<stack>.yaml` of the
 * project, or the file at `path` (`--config-file`). A file the revision does not have (a region
 * file not committed yet) is `missing`, not an error: nothing of it is deployed from that base.
 * A revision that does not exist is an error that says to fetch it.
 */
export function stackFileAtRef(ref: string, stack: string, file?: string): StackFileAtRef {
    const [cwd, rel] = file ? [path.dirname(path.resolve(file)), `./${path.basename(file)}`] : [PROJECT_DIR, `Pulumi.${stack}.yaml`];
    const spec = `${ref}:${rel}`;
    const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    try {
        git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
    } catch (err) {
        const detail = (err as { stderr?: string }).stderr?.trim() || `unknown revision ${ref}`;
        throw new StackFileError(`git: ${detail}. Fetch the base first (e.g. \`git fetch origin main\`), or compare files with --before/--after`);
    }
    try {
        git("cat-file", "-e", spec);
    } catch {
        return { missing: `${rel.replace(/^\.\//, "")} does not exist at ${ref}: the base is an empty stack, so every database (and every region-wide resource) is new` };
    }
    const text = git("show", spec);
    return { file: parseStackFile(text, spec, stack) };
}
