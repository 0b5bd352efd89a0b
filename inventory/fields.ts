import { closest } from "./closest";
import { ProblemList } from "./problems";

export type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface StringRule {
    /** A regular expression the value must match in full. */
    readonly pattern?: RegExp;
    /** What a good value looks like, for the fix text. */
    readonly expected: string;
}

interface IntegerRule {
    readonly min: number;
    readonly max: number;
    readonly unit?: string;
}

/**
 * Reads the fields of one config object and records a problem for each bad one, instead of
 * stopping at the first. Every reader returns `undefined` when the field is missing or bad.
 */
export class FieldReader {
    constructor(
        private readonly object: Plain,
        private readonly where: string,
        private readonly problems: ProblemList,
        private readonly prefix = "",
    ) {}

    path(key: string): string {
        return this.prefix + key;
    }

    has(key: string): boolean {
        return this.object[key] !== undefined;
    }

    raw(key: string): unknown {
        return this.object[key];
    }

    problem(key: string, reason: string, fix: string, value: unknown = this.object[key]): void {
        this.problems.add(this.where, this.path(key), value, reason, fix);
    }

    requireString(key: string, rule: StringRule): string | undefined {
        if (!this.has(key)) {
            this.problem(key, "this field is required", `set ${this.path(key)} to ${rule.expected}`);
            return undefined;
        }
        return this.optionalString(key, rule);
    }

    optionalString(key: string, rule: StringRule): string | undefined {
        const value = this.object[key];
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "string" || value === "") {
            this.problem(key, "expected a non-empty string", `set ${this.path(key)} to ${rule.expected}`);
            return undefined;
        }
        if (rule.pattern && !rule.pattern.test(value)) {
            this.problem(key, "has the wrong format", `set ${this.path(key)} to ${rule.expected}`);
            return undefined;
        }
        return value;
    }

    optionalInteger(key: string, rule: IntegerRule): number | undefined {
        const value = this.object[key];
        if (value === undefined) {
            return undefined;
        }
        const unit = rule.unit ? ` ${rule.unit}` : "";
        const fix = `set ${this.path(key)} to a whole number from ${rule.min} to ${rule.max}${unit}`;
        if (typeof value !== "number" || !Number.isInteger(value)) {
            this.problem(key, "expected a whole number", fix);
            return undefined;
        }
        if (value < rule.min || value > rule.max) {
            this.problem(key, `is outside the allowed range ${rule.min} to ${rule.max}${unit}`, fix);
            return undefined;
        }
        return value;
    }

    optionalBoolean(key: string): boolean | undefined {
        const value = this.object[key];
        if (value === undefined || typeof value === "boolean") {
            return value;
        }
        this.problem(key, "expected true or false", `set ${this.path(key)} to true or false, unquoted`);
        return undefined;
    }

    /** A nested object, or undefined (with a problem) when the field is not an object. */
    optionalObject(key: string, expected: string): FieldReader | undefined {
        const value = this.object[key];
        if (value === undefined) {
            return undefined;
        }
        if (!isPlainObject(value)) {
            this.problem(key, "expected an object", `write ${this.path(key)} as a map: ${expected}`);
            return undefined;
        }
        return new FieldReader(value, this.where, this.problems, `${this.path(key)}.`);
    }

    requireObject(key: string, expected: string): FieldReader | undefined {
        if (!this.has(key)) {
            this.problem(key, "this field is required", `add ${this.path(key)}: ${expected}`);
            return undefined;
        }
        return this.optionalObject(key, expected);
    }

    /** Every key that is not in `known` is a problem: a typo must never be silently ignored. */
    rejectUnknownFields(known: readonly string[]): void {
        for (const key of Object.keys(this.object)) {
            if (known.includes(key)) {
                continue;
            }
            const guess = key.trim() === "" ? undefined : closest(key, known);
            const fix = guess
                ? `did you mean ${this.path(guess)}? Rename it, or remove the field`
                : `remove it; known fields here are ${known.join(", ")}`;
            this.problem(key, "is not a known field", fix);
        }
    }

    entries(): [string, unknown][] {
        return Object.entries(this.object);
    }
}
