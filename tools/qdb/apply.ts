/**
 * The one path every write takes: load, edit the Document, keep the original bytes around the
 * edit, refuse unsafe or invalid results, then show a diff (--dry-run) or write atomically and
 * print what the edit means. Commands only describe their edit.
 */
import { Document } from "yaml";
import { offlineRawOf, parseStackFile, StackFile } from "../../inventory";
import { QdbError } from "./errors";
import { LoadedFile, Target, loadFile, writeAtomically } from "./files";
import { impactPointer, impactSummary } from "./impact";
import { unsafeChanges, validationDelta } from "./safety";
import { spliceEdit, unifiedDiff } from "./textDiff";
import * as path from "path";

/** Where a command writes its output; the CLI passes stdout and stderr, tests pass buffers. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
}

export interface EditOptions {
    readonly dryRun: boolean;
    readonly impact: boolean;
}

/** An edit of the Document; returns what it did, for the messages ("paused database \"x\""). */
export type Edit = (doc: Document, loaded: LoadedFile) => string;

/** The text after an edit: the edited rendering, with the original bytes outside the edit. */
export function editedText(loaded: LoadedFile, edit: Edit): { text: string; description: string } {
    const rendered = loaded.doc.toString();
    const description = edit(loaded.doc, loaded);
    return { text: spliceEdit(loaded.text, rendered, loaded.doc.toString()), description };
}

/** Every reason to refuse going from `before` to `after`; empty when the edit is safe and valid. */
export function refusals(before: StackFile, after: StackFile): { reasons: string[]; preexisting: readonly string[] } {
    const [old, now] = [offlineRawOf(before), offlineRawOf(after)];
    const delta = validationDelta(old, now);
    return { reasons: [...unsafeChanges(old, now), ...delta.introduced], preexisting: delta.preexisting };
}

export async function applyEdit(target: Target, edit: Edit, options: EditOptions, io: Io): Promise<number> {
    const loaded = loadFile(target);
    const { text, description } = editedText(loaded, edit);
    const name = path.basename(target.file);
    if (text === loaded.text) {
        io.out(`${name}: ${description}: already so, nothing to change.`);
        return 0;
    }
    const after = parseStackFile(text, target.file, target.stack);
    const { reasons, preexisting } = refusals(loaded.parsed, after);
    if (reasons.length > 0) {
        const list = reasons.map((r) => `  - ${r}`).join("\n");
        throw new QdbError(`${target.file}: refused to write (${description}); nothing was changed:\n${list}`);
    }
    if (preexisting.length > 0) {
        io.err(`warning: ${name} already had ${preexisting.length} problem(s), not caused by this edit; ` +
            `fix them before deploying:\n${preexisting.map((p) => `  - ${p}`).join("\n")}`);
    }
    if (options.dryRun) {
        io.out(unifiedDiff(loaded.text, text, name));
        io.out(`Dry run: ${description}. Nothing was written.`);
    } else {
        writeAtomically(target.file, loaded.text, text);
        io.out(`${name}: ${description}.`);
    }
    io.out(options.impact
        ? await impactSummary(loaded.parsed, after)
        : impactPointer(target.stack));
    return 0;
}
