/**
 * Line-level text helpers. An edit changes one contiguous stretch of lines (or a few close
 * together), so trimming the common prefix and suffix finds it exactly, without a general diff.
 */

/** Where two line arrays differ: `a[start, aEnd)` became `b[start, bEnd)`. */
export interface ChangedRange {
    readonly start: number;
    readonly aEnd: number;
    readonly bEnd: number;
}

export function changedRange(a: readonly string[], b: readonly string[]): ChangedRange | undefined {
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) {
        start++;
    }
    if (start === a.length && start === b.length) {
        return undefined;
    }
    let aEnd = a.length;
    let bEnd = b.length;
    while (aEnd > start && bEnd > start && a[aEnd - 1] === b[bEnd - 1]) {
        aEnd--;
        bEnd--;
    }
    return { start, aEnd, bEnd };
}

/**
 * The edited text with every line outside the edit taken byte for byte from `original`.
 * `yaml` re-renders a whole document and normalises a few things (the spacing before an inline
 * comment), so the rendering of the unedited Document (`rendered`) locates the edit in
 * `edited`, and the original bytes are kept around it. When the rendering does not map line for
 * line onto the original, the edited rendering is used as it is.
 */
export function spliceEdit(original: string, rendered: string, edited: string): string {
    const [o, r, e] = [original.split("\n"), rendered.split("\n"), edited.split("\n")];
    const range = changedRange(r, e);
    if (!range) {
        return original;
    }
    if (o.length !== r.length) {
        return edited;
    }
    return [...o.slice(0, range.start), ...e.slice(range.start, range.bEnd), ...o.slice(range.aEnd)].join("\n");
}

/** A unified diff (one hunk, 3 lines of context) of `before` and `after`, named like `git diff`. */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
    const [a, b] = [linesOf(before), linesOf(after)];
    const range = changedRange(a, b);
    if (!range) {
        return "";
    }
    const from = Math.max(0, range.start - context);
    const aTo = Math.min(a.length, range.aEnd + context);
    const bTo = Math.min(b.length, range.bEnd + context);
    const lines = [
        `--- a/${name}`,
        `+++ b/${name}`,
        `@@ -${hunkRange(from, aTo - from)} +${hunkRange(from, bTo - from)} @@`,
        ...a.slice(from, range.start).map((l) => ` ${l}`),
        ...a.slice(range.start, range.aEnd).map((l) => `-${l}`),
        ...b.slice(range.start, range.bEnd).map((l) => `+${l}`),
        ...a.slice(range.aEnd, aTo).map((l) => ` ${l}`),
    ];
    return `${lines.join("\n")}\n`;
}

/** The lines of a text, without the empty "line" after its final newline. */
function linesOf(text: string): string[] {
    return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

/** `start,count` of a hunk header; an empty side starts at the line before it, as diff(1) writes it. */
function hunkRange(start: number, count: number): string {
    return `${count === 0 ? start : start + 1},${count}`;
}
