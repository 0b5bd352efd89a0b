import * as fs from "fs";
import * as path from "path";

/** Directories that hold no project source: dependencies, build output, renders. */
const SKIPPED = new Set(["node_modules", "out"]);

/** Every .ts file under `root` (dot directories and SKIPPED left out), relative to it, sorted. */
export function typeScriptFiles(root: string, rel = ""): string[] {
    return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
        const child = path.posix.join(rel, entry.name);
        if (entry.isDirectory()) {
            return entry.name.startsWith(".") || SKIPPED.has(entry.name) ? [] : typeScriptFiles(root, child);
        }
        return entry.name.endsWith(".ts") ? [child] : [];
    }).sort();
}

/**
 * The relative specifiers a module's static `import … from`, `import "…"` and `export … from`
 * name, type-only ones included: a type cycle couples the modules as much as a value cycle.
 * Dynamic `import()` is left out on purpose (it is how render children load the program late).
 */
export function staticImports(source: string): string[] {
    const found: string[] = [];
    const pattern = /^[ \t]*(?:import|export)\s+(?:[\w*{}\s,$]*?\s*from\s*)?["'](\.[^"']*)["']/gm;
    for (const match of source.matchAll(pattern)) {
        found.push(match[1]);
    }
    return found;
}

/** The project file a relative specifier of `from` names: `x.ts`, or `x/index.ts`. */
export function resolveImport(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => files.has(candidate));
}

/** Module to the modules it imports, for every .ts file under `root`. */
export function importGraph(root: string): Map<string, string[]> {
    const files = typeScriptFiles(root);
    const known = new Set(files);
    return new Map(files.map((file) => {
        const targets = staticImports(fs.readFileSync(path.join(root, file), "utf8")).map((s) => resolveImport(file, s, known));
        return [file, [...new Set(targets.filter((t): t is string => t !== undefined))]];
    }));
}

/**
 * One cycle per back edge a depth-first search meets, each as the modules along it with the
 * first repeated at the end (`a.ts -> b.ts -> a.ts`). Empty when the graph has none.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const done = new Set<string>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (node: string): void => {
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (onStack.has(next)) {
                cycles.push([...stack.slice(stack.indexOf(next)), next]);
            } else if (!done.has(next)) {
                visit(next);
            }
        }
        stack.pop();
        onStack.delete(node);
        done.add(node);
    };
    for (const node of [...graph.keys()].sort()) {
        if (!done.has(node)) {
            visit(node);
        }
    }
    return cycles;
}
