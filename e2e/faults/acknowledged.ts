/** Pure helpers of the killed-database scenario: what the writers (writer.py) say was acknowledged, and what a table holds. */

/** Row ids of batch `b` when `rows` rows are written in batches of `batch`, as writer.py numbers them. */
export function batchIds(b: number, rows: number, batch: number): number[] {
    const ids: number[] = [];
    for (let i = b * batch; i < Math.min((b + 1) * batch, rows); i++) {
        ids.push(i);
    }
    return ids;
}

/** For each table, the row ids of every batch a writer's `ack <table> <batch>` lines name (replays add nothing new). */
export function acknowledgedIds(lines: readonly string[], rows: number, batch: number): Map<string, Set<number>> {
    const acked = new Map<string, Set<number>>();
    for (const line of lines) {
        const ack = /^ack (\S+) (\d+)$/.exec(line);
        if (ack) {
            const ids = acked.get(ack[1]) ?? new Set<number>();
            batchIds(Number(ack[2]), rows, batch).forEach((id) => ids.add(id));
            acked.set(ack[1], ids);
        }
    }
    return acked;
}

/** A single-column dataset of ids: how many rows, and which distinct ids. */
export function rowsOf(dataset: readonly unknown[][]): { count: number; distinct: Set<number> } {
    return { count: dataset.length, distinct: new Set(dataset.map((r) => Number(r[0]))) };
}
