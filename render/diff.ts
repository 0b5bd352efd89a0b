import { Render, RenderedResource, SECRET_MASK } from "./types";

export type ChangeKind = "create" | "delete" | "update";

/** One leaf value that differs between two renders of a resource. */
export interface LeafChange {
    /** Dotted path, e.g. "spec.replicas" (keys may hold dots themselves: "data.server.conf"). */
    readonly path: string;
    /** The path's keys, exactly: ["data", "server.conf"], ["tags", "questdb.cloud/state"]. */
    readonly keys: readonly string[];
    readonly before: unknown;
    readonly after: unknown;
    /**
     * The path as a reviewer reads it, where it differs from `path`: an environment variable is
     * named by its name, `containers.0.env.RETAIN_DAYS.value`, not its position `env.7`.
     */
    readonly label?: string;
}

/** How one resource differs between two renders. */
export interface ResourceChange {
    readonly kind: ChangeKind;
    readonly type: string;
    readonly name: string;
    /** Parent's logical name (the database id for a database's parts). */
    readonly parent?: string;
    /** Dotted paths of inputs that differ, e.g. "spec.replicas", "scalingConfig.desiredSize". */
    readonly inputPaths: string[];
    /** The same leaves with their keys and values before and after. */
    readonly inputChanges: readonly LeafChange[];
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

/** An element of a container's `env` list, named by its variable when both sides agree on the name. */
function envName(keys: readonly string[], before: unknown, after: unknown): string | undefined {
    if (keys[keys.length - 2] !== "env") {
        return undefined;
    }
    const names = [before, after].map((v) => (isObject(v) && typeof v.name === "string" ? v.name : undefined));
    return names[0] !== undefined && names[0] === names[1] ? names[0] : undefined;
}

/** The leaves at which two JSON values differ, with their keys and values. Arrays compare by index. */
export function changedLeaves(before: unknown, after: unknown, keys: readonly string[] = [], labels: readonly string[] = keys): LeafChange[] {
    if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
        const all = new Set([...Object.keys(before), ...Object.keys(after)]);
        return [...all].sort().flatMap((k) => {
            const child = [...keys, k];
            return changedLeaves(before[k], after[k], child, [...labels, envName(child, before[k], after[k]) ?? k]);
        });
    }
    if (JSON.stringify(before) === JSON.stringify(after)) {
        return [];
    }
    const path = keys.join(".");
    const label = labels.join(".");
    return [{ path, keys, before, after, ...(label !== path ? { label } : {}) }];
}

/** Leaf paths at which two JSON values differ. Arrays compare by index. */
export function changedPaths(before: unknown, after: unknown): string[] {
    return changedLeaves(before, after).map((leaf) => leaf.path);
}

/** server.conf text as key -> value. */
function confEntries(text: string): Map<string, string> {
    const entries = new Map<string, string>();
    for (const line of text.split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) {
            entries.set(line.slice(0, eq), line.slice(eq + 1));
        }
    }
    return entries;
}

const show = (value: unknown) => (value === undefined ? "unset" : JSON.stringify(value));

/**
 * A changed leaf as a reviewer reads it: its real before and after; for a secret, only that it
 * changed; for a server.conf (a config file held in a ConfigMap), the keys that changed.
 */
export function describeLeaf(leaf: LeafChange): string[] {
    if (leaf.before === SECRET_MASK || leaf.after === SECRET_MASK || JSON.stringify([leaf.before, leaf.after]).includes(SECRET_MASK)) {
        return [`${leaf.label ?? leaf.path}: changed (secret, not shown)`];
    }
    if (leaf.keys[leaf.keys.length - 1] === "server.conf" && typeof leaf.before === "string" && typeof leaf.after === "string") {
        const [old, now] = [confEntries(leaf.before), confEntries(leaf.after)];
        const keys = [...new Set([...old.keys(), ...now.keys()])].filter((k) => old.get(k) !== now.get(k)).sort();
        return keys.map((k) => `server.conf ${k}: ${show(old.get(k))} -> ${show(now.get(k))}`);
    }
    return [`${leaf.label ?? leaf.path}: ${show(leaf.before)} -> ${show(leaf.after)}`];
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
            changes.push({ ...base, kind: b ? "delete" : "create", inputPaths: [], inputChanges: [], optionPaths: [] });
            continue;
        }
        // Paths under ignoreChanges are never sent, and the engine records new dependencies and
        // timeouts without an update step.
        const inputChanges = changedLeaves(b.inputs, a.inputs).filter((l) => !isIgnored(l.path, a.options.ignoreChanges));
        const optionPaths = changedPaths(b.options, a.options).filter((p) => !isStepless(p));
        if (inputChanges.length > 0 || optionPaths.length > 0 || b.parent !== a.parent) {
            changes.push({ ...base, kind: "update", inputPaths: inputChanges.map((l) => l.path), inputChanges, optionPaths });
        }
    }
    return changes.sort((x, y) => x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
}
