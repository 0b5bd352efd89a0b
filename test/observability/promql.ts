import { parser } from "@prometheus-io/lezer-promql";

export interface ParsedPromql {
    /** Offsets of syntax errors; empty when the expression parses. */
    readonly errors: readonly number[];
    /** Every metric name the expression selects. */
    readonly metrics: readonly string[];
}

/**
 * Parses PromQL with Prometheus' own grammar (the one its web UI uses). lezer recovers from
 * errors instead of throwing, so an error shows up as an error node in the tree.
 */
export function parsePromql(expr: string): ParsedPromql {
    const tree = parser.parse(expr);
    const errors: number[] = [];
    const metrics = new Set<string>();
    tree.iterate({
        enter(node) {
            if (node.type.isError) {
                errors.push(node.from);
            } else if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
                metrics.add(expr.slice(node.from, node.to));
            }
        },
    });
    return { errors, metrics: [...metrics].sort() };
}

/** Fails with the expression and the reason when it does not parse or uses an unlisted metric. */
export function promqlProblems(expr: string, allowed: ReadonlySet<string>): string[] {
    const parsed = parsePromql(expr);
    const problems = parsed.errors.map((at) => `syntax error at ${at} in: ${expr}`);
    for (const metric of parsed.metrics) {
        if (!allowed.has(metric)) {
            problems.push(`metric ${metric} is not in ALLOWED_METRICS: ${expr}`);
        }
    }
    if (parsed.metrics.length === 0) {
        problems.push(`selects no metric: ${expr}`);
    }
    return problems;
}
