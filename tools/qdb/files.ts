/**
 * File IO of qdb: which file a command works on, reading it into a Document, and writing it
 * back atomically. Nothing else in qdb touches the disk.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import { StackFile, StackFileError, parseStackFile, stackFilePath, stackNameOf } from "../../inventory";
import { QdbError, USAGE_EXIT } from "./errors";

/** The stack file a command works on. */
export interface Target {
    readonly stack: string;
    readonly file: string;
    /** How a command names this file, for commands printed in messages: `--stack prod` or `--config-file <path>`. */
    readonly flag: string;
}

/** A word as a shell reads it back: quoted when it holds anything but safe characters. */
export function shellWord(word: string): string {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** The nearest directory at or above `from` holding Pulumi.yaml, so qdb works from any subfolder. */
export function findProjectDir(from: string): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            return path.resolve(from);
        }
    }
}

/** `--config-file` wins; otherwise `Pulumi.<stack>.yaml` in the project directory. */
export function resolveTarget(opts: { stack?: string; configFile?: string; projectDir: string }): Target {
    if (opts.configFile) {
        const file = path.resolve(opts.configFile);
        return { stack: opts.stack ?? stackNameOf(file), file, flag: `--config-file ${shellWord(opts.configFile)}` };
    }
    if (!opts.stack) {
        throw new QdbError("which stack? Pass --stack <name> (for Pulumi.<name>.yaml) or --config-file <path>", USAGE_EXIT);
    }
    return { stack: opts.stack, file: stackFilePath(opts.projectDir, opts.stack), flag: `--stack ${shellWord(opts.stack)}` };
}

/** Every `Pulumi.<stack>.yaml` in the project directory, sorted by stack name. */
export function allTargets(projectDir: string): Target[] {
    return fs.readdirSync(projectDir)
        .filter((name) => /^Pulumi\.(.+)\.ya?ml$/.test(name))
        .sort()
        .map((name) => ({ stack: stackNameOf(name), file: path.join(projectDir, name), flag: `--stack ${shellWord(stackNameOf(name))}` }));
}

/** A reminder when the file has no credentials seed, which `pulumi up` requires. */
export function seedNote(file: StackFile): string | undefined {
    return file.raw.hasCredentialsSeed ? undefined
        : `note: ${file.path} has no questdb-cloud:credentialsSeed; before the first \`pulumi up\` of stack "${file.stack}", run ` +
          '`pulumi config set --secret questdb-cloud:credentialsSeed "$(openssl rand -base64 32)"`';
}

/** A stack file as read: its bytes, its Document for editing, and its parsed config. */
export interface LoadedFile {
    readonly target: Target;
    readonly text: string;
    readonly doc: Document;
    readonly parsed: StackFile;
}

export function readText(target: Target): string {
    if (!fs.existsSync(target.file)) {
        const hint = target.stack ? ` Check the stack name (ls Pulumi.*.yaml), or pass --config-file` : "";
        throw new QdbError(`${target.file}: no such stack file.${hint}`);
    }
    return fs.readFileSync(target.file, "utf8");
}

/** Parses text through the inventory module, so malformed YAML is reported as `file:line:col`. */
export function parseLoaded(target: Target, text: string): LoadedFile {
    let parsed: StackFile;
    try {
        parsed = parseStackFile(text, target.file, target.stack);
    } catch (error) {
        throw error instanceof StackFileError ? new QdbError(`${error.message.replace(/:$/, "")}. Nothing was changed`) : error;
    }
    return { target, text, doc: parseDocument(text), parsed };
}

export function loadFile(target: Target): LoadedFile {
    return parseLoaded(target, readText(target));
}

/**
 * Replaces the file with `text` atomically: a temp file in the same directory (so the rename
 * stays on one filesystem), then rename. A reader sees the old file or the new one, never half.
 * Refuses when the file changed since it was read, so a concurrent edit is never overwritten.
 */
export function writeAtomically(file: string, expectedOld: string, text: string): void {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.qdb-${process.pid}-${Date.now()}.tmp`);
    const mode = fs.statSync(file).mode;
    try {
        const fd = fs.openSync(temp, "wx", mode);
        try {
            fs.writeSync(fd, text);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        if (fs.readFileSync(file, "utf8") !== expectedOld) {
            throw new QdbError(`${file}: changed on disk while qdb was editing it; nothing was written. Run the command again`);
        }
        fs.renameSync(temp, file);
    } finally {
        fs.rmSync(temp, { force: true });
    }
}
