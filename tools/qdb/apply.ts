/**
 * The one path every write takes: load, edit the Document, keep the original bytes around the
 * edit, refuse unsafe or invalid results, then show a diff (--dry-run) or write atomically and
 * print what the edit means. Commands only describe their edit.
 */
import { Document } from "yaml";
import { StackFile, formatProblem, offlineRawOf, parseStackFile, refusedTransitions } from "../../inventory";
import { QdbError } from "./errors";
import { LoadedFile, Target, loadFile, writeAtomically } from "./files";
import { impactPointer, impactSummary } from "./impact";
import { validationDelta } from "./safety";
import { introducedCellProblems } from "./cells";
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

/** Extra lines for a refusal, from the command that knows how its input was read (e.g. quoting). */
export type RefusalHints = (reasons: readonly string[], target: Target) => string[];

/** An edit of the Document; returns what it did, for the messages ("paused database \"x\""). */
export type Edit = (doc: Document, loaded: LoadedFile) => string | EditSummary;

/** What an edit did, and a note that holds only once it is written (a refused edit's note would mislead). */
export interface EditSummary {
    readonly description: string;
    readonly note?: string;
}

/** The text after an edit: the edited rendering, with the original bytes outside the edit. */
export function editedText(loaded: LoadedFile, edit: Edit): { text: string; description: string; note?: string } {
    const rendered = loaded.doc.toString(RENDERING);
    const summary = edit(loaded.doc, loaded);
    const { description, note } = typeof summary === "string" ? { description: summary, note: undefined } : summary;
    return { text: spliceEdit(loaded.text, rendered, loaded.doc.toString(RENDERING)), description, ...(note ? { note } : {}) };
}

/** No folding of long lines (a `secure:` ciphertext stays on its line), so fewer lines differ from the original. */
const RENDERING = { lineWidth: 0 } as const;

/**
 * Every reason to refuse going from `before` to `after`, empty when the edit is safe and valid:
 * the problems the edit introduces (validateInventory), then the program's own transition checks
 * (`refusedTransitions`, with `before` standing in for the last deployment's outputs).
 */
export function refusals(before: StackFile, after: StackFile, flag?: string, pending: readonly StackFile[] = []): { reasons: string[]; preexisting: readonly string[] } {
    const delta = validationDelta(offlineRawOf(before), offlineRawOf(after));
    const refused = refusedTransitions(before, after, flag).map((p) => formatProblem(after.stack, p));
    const cells = introducedCellProblems(before, after, pending);
    return { reasons: [...delta.introduced, ...refused.filter((r) => !delta.introduced.includes(r)), ...cells], preexisting: delta.preexisting };
}

export async function applyEdit(target: Target, edit: Edit, options: EditOptions, io: Io, hints: RefusalHints = () => []): Promise<number> {
    const loaded = loadFile(target, ". Nothing was changed");
    const { text, description: done, note } = editedText(loaded, edit);
    const description = note ? `${done}; ${note}` : done;
    const name = path.basename(target.file);
    if (text === loaded.text) {
        io.out(`${name}: ${description}: already so, nothing to change.`);
        return 0;
    }
    const after = parseStackFile(text, target.file, target.stack);
    const { reasons, preexisting } = refusals(loaded.parsed, after, target.flag);
    if (reasons.length > 0) {
        const list = [...reasons.map((r) => `  - ${r}`), ...hints(reasons, target)].join("\n");
        throw new QdbError(`${target.file}: refused to write (${done}); nothing was changed:\n${list}`);
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
        ? await impactSummary(loaded, after, text, !options.dryRun)
        : impactPointer(loaded, options.dryRun ? text : undefined));
    return 0;
}
