import { Render, RenderedResource } from "./types";

export type ChangeKind = "create" | "delete" | "update";

/** How one resource differs between two renders. */
export interface ResourceChange {
    readonly kind: ChangeKind;
    readonly type: string;
    readonly name: string;
    /** Parent's logical name (the database id for a database's parts). */
    readonly parent?: string;
    /** Dotted paths of inputs that differ, e.g. "spec.replicas", "scalingConfig.desiredSize". */
    readonly inputPaths: string[];
    /** Names of options that differ, e.g. "protect". */
    readonly optionPaths: string[];
    readonly before?: RenderedResource;
    readonly after?: RenderedResource;
}

function keyOf(r: RenderedResource): string {
    return `${r.type}::${r.name}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null;
}

/** Leaf paths at which two JSON values differ. Arrays compare by index. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
    if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
        const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
        return [...keys].sort().flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/** `spec.capacity`, `a[*].b` or `*` as path segments; `*` matches any one segment, a lone `*` everything. */
function segmentsOf(path: string): string[] {
    return path.replace(/\[(\*|\d+)\]/g, ".$1").replace(/\["([^"]*)"\]/g, ".$1").split(".").filter((p) => p !== "");
}

/**
 * Whether Pulumi ignores a changed input path: the engine sends the old value for an
 * `ignoreChanges` path, so the real preview never shows it (prefix match by segment).
 */
export function isIgnored(path: string, ignoreChanges: readonly string[] | undefined): boolean {
    const changed = segmentsOf(path);
    return (ignoreChanges ?? []).some((ignore) => {
        const pattern = segmentsOf(ignore);
        if (pattern.length === 1 && pattern[0] === "*") {
            return true;
        }
        return pattern.length <= changed.length && pattern.every((p, i) => p === "*" || p === changed[i]);
    });
}

/** Options whose change alone is no step: they only shape how this run waits and orders. */
function isStepless(optionPath: string): boolean {
    return ["dependsOn", "customTimeouts"].some((o) => optionPath === o || optionPath.startsWith(`${o}.`));
}

/**
 * Every resource that differs between two renders, in a stable order (type, then name). Input
 * paths under the new `ignoreChanges` do not count: Pulumi will not send them.
 */
export function diffRenders(before: Render, after: Render): ResourceChange[] {
    const old = new Map(before.resources.map((r) => [keyOf(r), r]));
    const now = new Map(after.resources.map((r) => [keyOf(r), r]));
    const changes: ResourceChange[] = [];
    for (const key of new Set([...old.keys(), ...now.keys()])) {
        const b = old.get(key);
        const a = now.get(key);
        const some = (a ?? b) as RenderedResource;
        const base = { type: some.type, name: some.name, parent: some.parent, before: b, after: a };
        if (!b || !a) {
            changes.push({ ...base, kind: b ? "delete" : "create", inputPaths: [], optionPaths: [] });
            continue;
        }
        const inputPaths = changedPaths(b.inputs, a.inputs).filter((p) => !isIgnored(p, a.options.ignoreChanges));
        // The engine records new dependencies and timeouts without an update step.
        const optionPaths = changedPaths(b.options, a.options).filter((p) => !isStepless(p));
        if (inputPaths.length > 0 || optionPaths.length > 0 || b.parent !== a.parent) {
            changes.push({ ...base, kind: "update", inputPaths, optionPaths });
        }
    }
    return changes.sort((x, y) => x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
}
