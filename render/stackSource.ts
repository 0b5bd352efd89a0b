/**
 * Where the offline tools (synth, impact) get a stack file from: `--stack <name>` (the shipped
 * `Pulumi.<name>.yaml`), `--config-file <path>`, or a git revision (`git show <ref>:Pulumi.<name>.yaml`).
 * Parsing goes through the one stack-file parser in inventory/.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
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

/** The stack file as it is at a git revision, e.g. `origin/main`. */
export function stackFileAtRef(ref: string, stack: string): StackFile {
    const spec = `${ref}:Pulumi.${stack}.yaml`;
    let text: string;
    try {
        text = execFileSync("git", ["show", spec], { cwd: PROJECT_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        const detail = (err as { stderr?: string }).stderr?.trim() ?? String(err);
        throw new StackFileError(`git show ${spec} failed: ${detail}. ` +
            "Fetch the base first (e.g. `git fetch origin main`), or compare files with --before/--after");
    }
    return parseStackFile(text, spec, stack);
}
