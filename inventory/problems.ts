/** One thing wrong with a stack's config, with enough context to fix it at 3 a.m. */
export interface Problem {
    /** "region" or `database "<id>"` (or `database #<n>` when the id itself is missing). */
    readonly where: string;
    /** Dotted path of the field, relative to `where`. */
    readonly field: string;
    /** What the config held; `undefined` when the field is missing. */
    readonly value: unknown;
    /** What is wrong with it. */
    readonly reason: string;
    /** How to fix it. */
    readonly fix: string;
}

export function formatValue(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    try {
        return JSON.stringify(value, printableAsJson) ?? String(value);
    } catch {
        // A cycle: name what it is rather than fail while reporting a problem.
        return Object.prototype.toString.call(value);
    }
}

/** JSON has no BigInt: print one as the number it is. */
function printableAsJson(_key: string, value: unknown): unknown {
    return typeof value === "bigint" ? Number(value) : value;
}

/** A field path as the message shows it: a blank key would be invisible, so it is quoted. */
function formatField(field: string): string {
    return field.split(".").map((part) => (part.trim() === "" ? JSON.stringify(part) : part)).join(".");
}

export function formatProblem(stack: string, p: Problem): string {
    return `stack "${stack}", ${p.where}: ${formatField(p.field)} = ${formatValue(p.value)}: ${p.reason}. Fix: ${p.fix}.`;
}

/**
 * Every problem of a stack, one per line under a count. `consequence` follows the count: the
 * program (and an edit) says nothing was changed; a check that never writes says nothing.
 */
export function formatProblems(stack: string, problems: readonly Problem[], consequence = ""): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const lines = problems.map((p) => `  - ${formatProblem(stack, p)}`);
    return `Stack "${stack}" config has ${count}${consequence}:\n${lines.join("\n")}`;
}

/**
 * The only error the inventory module throws. It carries every problem found, so one run of
 * `pulumi preview` or `qdb validate` shows them all.
 */
export class InventoryError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly Problem[],
    ) {
        super(formatProblems(stack, problems, "; nothing was changed"));
        this.name = "InventoryError";
    }
}

/** Collects problems for one scope ("region", a database) while the validator walks the config. */
export class ProblemList {
    readonly items: Problem[] = [];

    add(where: string, field: string, value: unknown, reason: string, fix: string): void {
        this.items.push({ where, field, value, reason, fix });
    }
}
