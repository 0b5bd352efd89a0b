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
 * The pairs (i, j) with a[i] === b[j] of a longest common subsequence of two line arrays, in
 * order (Myers' O(ND) algorithm: D, the number of differing lines, is small here). Ties keep the
 * earliest match, so a blank line at the end of a file stays at the end.
 */
export function matchingLines(a: readonly string[], b: readonly string[]): Array<[number, number]> {
    const [n, m] = [a.length, b.length];
    const max = n + m;
    const v = new Map<number, number>([[1, 0]]);
    const trace: Map<number, number>[] = [];
    for (let d = 0; d <= max; d++) {
        trace.push(new Map(v));
        for (let k = -d; k <= d; k += 2) {
            const down = k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1));
            let x = down ? (v.get(k + 1) ?? 0) : (v.get(k - 1) ?? 0) + 1;
            let y = x - k;
            while (x < n && y < m && a[x] === b[y]) {
                x++;
                y++;
            }
            v.set(k, x);
            if (x >= n && y >= m) {
                return backtrack(trace, a, b, d, k);
            }
        }
    }
    return [];
}

function backtrack(trace: Map<number, number>[], a: readonly string[], b: readonly string[], dEnd: number, kEnd: number): Array<[number, number]> {
    const pairs: Array<[number, number]> = [];
    let [x, y] = [a.length, b.length];
    for (let d = dEnd; d >= 0; d--) {
        const v = trace[d];
        const k = x - y;
        const down = k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1));
        const prevK = d === 0 ? 0 : down ? k + 1 : k - 1;
        const prevX = d === 0 ? 0 : v.get(prevK) ?? 0;
        const prevY = prevX - prevK;
        const startX = d === 0 ? 0 : down ? prevX : prevX + 1;
        while (x > startX && y > (startX - k) && x > 0 && y > 0) {
            x--;
            y--;
            pairs.push([x, y]);
        }
        [x, y] = [prevX, prevY];
    }
    void kEnd;
    return pairs.reverse();
}

interface Hunk {
    a1: number;
    a2: number;
    b1: number;
    b2: number;
}

/** The stretches where `a` and `b` differ: a[a1, a2) became b[b1, b2). */
function hunksOf(a: readonly string[], b: readonly string[]): Hunk[] {
    const hunks: Hunk[] = [];
    let [i, j] = [0, 0];
    for (const [x, y] of [...matchingLines(a, b), [a.length, b.length] as [number, number]]) {
        if (x > i || y > j) {
            hunks.push({ a1: i, a2: x, b1: j, b2: y });
        }
        [i, j] = [x + 1, y + 1];
    }
    return hunks;
}

/**
 * Which line of `o` each line of `r` is: equal lines, and between two of them a stretch of as
 * many changed lines on each side (yaml re-spaced them, line for line). A stretch whose length
 * differs (a folded scalar, blank lines yaml dropped) stays unmapped.
 */
function lineMap(r: readonly string[], o: readonly string[]): Map<number, number> {
    const map = new Map<number, number>();
    let [i, j] = [0, 0];
    for (const [x, y] of [...matchingLines(r, o), [r.length, o.length] as [number, number]]) {
        if (x - i === y - j) {
            for (let k = 0; k < x - i; k++) {
                map.set(i + k, j + k);
            }
        }
        if (x < r.length) {
            map.set(x, y);
        }
        [i, j] = [x + 1, y + 1];
    }
    return map;
}

/**
 * The edited text with every line outside the edit taken byte for byte from `original`.
 * `yaml` re-renders a whole document and normalises a few things (the spacing before an inline
 * comment, flow maps, trailing blank lines, long scalars), so the rendering of the unedited
 * Document (`rendered`) is aligned with the original, the edit is located by comparing it with
 * the edited rendering (`edited`), and only the edited lines (widened to any neighbours yaml
 * normalised) are taken from the rendering. CRLF files stay CRLF.
 */
export function spliceEdit(original: string, rendered: string, edited: string): string {
    const crlf = original.includes("\r\n");
    const o = (crlf ? original.replace(/\r\n/g, "\n") : original).split("\n");
    const [r, e] = [rendered.split("\n"), edited.split("\n")];
    const hunks = hunksOf(r, e);
    if (hunks.length === 0) {
        return original;
    }
    const inOriginal = lineMap(r, o);
    const merged: Hunk[] = [];
    for (const h of hunks) {
        // Widen over rendered lines with no counterpart line in the original: yaml reshaped them.
        while (h.a1 > 0 && !inOriginal.has(h.a1 - 1)) {
            h.a1--;
            h.b1--;
        }
        while (h.a2 < r.length && !inOriginal.has(h.a2)) {
            h.a2++;
            h.b2++;
        }
        const last = merged[merged.length - 1];
        if (last && h.a1 <= last.a2) {
            last.b2 = h.b2 + Math.max(0, last.a2 - h.a2);
            last.a2 = Math.max(last.a2, h.a2);
        } else {
            merged.push(h);
        }
    }
    const out: string[] = [];
    let at = 0;
    for (const h of merged) {
        const from = h.a1 > 0 ? (inOriginal.get(h.a1 - 1) as number) + 1 : 0;
        const to = h.a2 < r.length ? (inOriginal.get(h.a2) as number) : o.length;
        out.push(...o.slice(at, from), ...e.slice(h.b1, h.b2));
        at = to;
    }
    out.push(...o.slice(at));
    const text = out.join("\n");
    return crlf ? text.replace(/\n/g, "\r\n") : text;
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
