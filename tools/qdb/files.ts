/**
 * File IO of qdb: which file a command works on, reading it into a Document, and writing it
 * back atomically. Nothing else in qdb touches the disk.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import { StackFile, StackFileError, credentialsSeedCommand, parseStackFile, shellWord, stackFilePath, stackNameOf } from "../../inventory";
import { EXIT_CODES } from "../exitCodes";
import { QdbError, USAGE_EXIT } from "./errors";

/** The stack file a command works on. */
export interface Target {
    readonly stack: string;
    readonly file: string;
    /** How a command names this file, for commands printed in messages: `--stack prod` or `--config-file <path>`. */
    readonly flag: string;
}

/** The one shell quoting (inventory/hints.ts), shared with the fixes the program prints. */
export { shellWord };

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
          credentialsSeedCommand(file.stack);
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
        throw new QdbError(`${target.file}: no such stack file.${hint}`, EXIT_CODES.config);
    }
    return fs.readFileSync(target.file, "utf8");
}

/**
 * Parses text through the inventory module, so malformed YAML is reported as `file:line:col`.
 * `consequence` ends the message: an edit says nothing was changed, a read (list, validate) does not.
 */
export function parseLoaded(target: Target, text: string, consequence = ""): LoadedFile {
    let parsed: StackFile;
    try {
        parsed = parseStackFile(text, target.file, target.stack);
    } catch (error) {
        throw error instanceof StackFileError ? new QdbError(`${error.message}${consequence}`, EXIT_CODES.config) : error;
    }
    return { target, text, doc: parseDocument(text), parsed };
}

export function loadFile(target: Target, consequence = ""): LoadedFile {
    return parseLoaded(target, readText(target), consequence);
}

/**
 * Replaces the file with `text` atomically: a temp file in the same directory (so the rename
 * stays on one filesystem), then rename. A reader sees the old file or the new one, never half.
 * Refuses when the file changed since it was read, so a concurrent edit is never overwritten.
 * A symlink is followed (the link stays, its target is replaced); the owner and mode are kept;
 * a read-only file is refused, never replaced (a rename would not ask); an unwritable directory
 * is one line, not a stack trace.
 */
export function writeAtomically(file: string, expectedOld: string, text: string): void {
    const real = fs.realpathSync(file);
    const stat = fs.statSync(real);
    if ((stat.mode & 0o222) === 0 || !writable(real)) {
        throw new QdbError(`${file} is read-only (mode ${(stat.mode & 0o777).toString(8).padStart(4, "0")}); nothing was written. ` +
            `Fix: if the edit is meant, make it writable (chmod u+w ${shellWord(file)}) and run the command again`);
    }
    const temp = path.join(path.dirname(real), `.${path.basename(real)}.qdb-${process.pid}-${Date.now()}.tmp`);
    try {
        const fd = openTemp(temp, file);
        try {
            fs.writeSync(fd, text);
            fs.fchmodSync(fd, stat.mode & 0o7777);
            keepOwner(fd, stat, file);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        if (fs.readFileSync(real, "utf8") !== expectedOld) {
            throw new QdbError(`${file}: changed on disk while qdb was editing it; nothing was written. Run the command again`);
        }
        fs.renameSync(temp, real);
    } finally {
        fs.rmSync(temp, { force: true });
    }
}

function writable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.W_OK);
        return true;
    } catch {
        return false;
    }
}

function openTemp(temp: string, file: string): number {
    try {
        return fs.openSync(temp, "wx", 0o600);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new QdbError(`${file}: cannot create a temporary file in ${path.dirname(temp)} (${code}); nothing was written. ` +
            "Fix: qdb writes the new version next to the file and renames it over the old one, so the directory must be writable");
    }
}

/** The new file gets the old one's owner; only root can give a file away, so anyone else must own it. */
function keepOwner(fd: number, stat: fs.Stats, file: string): void {
    try {
        fs.fchownSync(fd, stat.uid, stat.gid);
    } catch {
        throw new QdbError(`${file} is owned by uid ${stat.uid}, gid ${stat.gid}, which a replaced file would not keep; nothing was written. ` +
            "Fix: run qdb as the file's owner");
    }
}
