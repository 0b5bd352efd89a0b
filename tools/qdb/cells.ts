/**
 * The cross-stack checks of cells (inventory/cellChecks.ts) as qdb runs them: against the other
 * `Pulumi.*.yaml` files in the edited file's folder. The program sees one stack and cannot make
 * these checks; qdb, the tests and CI's `qdb validate --all` do.
 */
import * as fs from "fs";
import * as path from "path";
import { StackFile, readStackFile } from "../../inventory";
import { cellProblemsOf } from "../../inventory/cellChecks";

/** Every other stack file in `file`'s folder that parses; one that does not is reported by its own validation. */
export function siblingStackFiles(file: string): StackFile[] {
    const dir = path.dirname(path.resolve(file));
    return fs.readdirSync(dir).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f) && path.join(dir, f) !== path.resolve(file))
        .flatMap((f) => {
            try {
                return [readStackFile(path.join(dir, f))];
            } catch {
                return [];
            }
        });
}

/** The cross-stack problems of `file` against its siblings, as messages. */
export function cellMessages(file: StackFile): string[] {
    return cellProblemsOf(file, siblingStackFiles(file.path)).map((p) => p.message);
}

/**
 * The cross-stack problems an edit introduces: those of `after` that `before` did not have.
 * `pending` are sibling files as the same command is about to write them (`qdb move` edits two).
 */
export function introducedCellProblems(before: StackFile, after: StackFile, pending: readonly StackFile[] = []): string[] {
    const written = new Set(pending.map((p) => path.resolve(p.path)));
    const siblings = [...siblingStackFiles(after.path).filter((s) => !written.has(path.resolve(s.path))), ...pending];
    const had = new Set(cellProblemsOf(before, siblings).map((p) => p.message));
    return cellProblemsOf(after, siblings).map((p) => p.message).filter((m) => !had.has(m));
}
