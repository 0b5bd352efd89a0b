/**
 * `npx tsx tools/stackMatrix.ts [dir] [--changed <base-ref>] [--phase first|middle|last]`: the
 * stacks of the project as a JSON list, for the CI workflows' matrix. Adding a region is one file
 * (`Pulumi.<stack>.yaml`), so the matrix is derived from the files, never hard-coded. Order: dev
 * first, prod last, the others alphabetically between.
 *
 * `--changed <base-ref>` keeps only the stacks a change since that ref affects: those whose stack
 * file changed, or every stack when anything the program is built from changed (docs/ci.md,
 * "What a change touches"). `--phase` keeps one deployment phase: `first` (dev), `middle` (the
 * regions between, which may run in parallel) or `last` (prod).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stackNameOf } from "../inventory/stackFile";

const FIRST = "dev";
const LAST = "prod";
const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

export const PHASES = ["first", "middle", "last"] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Paths whose change deploys nothing: docs, tests, the real-components tier, CI plumbing. Any
 * other path (the program, its lockfile, the scripts it ships, the tools and render module CI's
 * checks run) may change what every stack renders, so it selects every stack.
 */
const DEPLOYS_NOTHING: readonly RegExp[] = [/^docs\//, /^test\//, /^e2e\//, /^\.github\//, /^\.ci\//, /^[^/]+\.md$/, /^\.gitignore$/];

/** Stack names in deployment order. */
export function orderStacks(stacks: readonly string[]): string[] {
    const rank = (s: string) => (s === FIRST ? 0 : s === LAST ? 2 : 1);
    return [...new Set(stacks)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The stacks whose `Pulumi.<stack>.yaml` is in `dir`, in deployment order. */
export function stackMatrix(dir: string): string[] {
    return orderStacks(fs.readdirSync(dir).filter((name) => STACK_FILE.test(name)).map(stackNameOf));
}

/** The stacks of one deployment phase. */
export function phaseOf(stacks: readonly string[], phase: Phase): string[] {
    const inPhase = (s: string) => (phase === "first" ? s === FIRST : phase === "last" ? s === LAST : s !== FIRST && s !== LAST);
    return stacks.filter(inPhase);
}

export interface ChangedStacks {
    /** Stacks to preview and deploy, in deployment order. */
    readonly stacks: string[];
    /** Why: "program" (every stack), "stack files", or "nothing that deploys". */
    readonly reason: string;
    /** Stack files the change deletes: no config left to run them with, so not in the matrix. */
    readonly removed: string[];
}

/**
 * Pure: which of `existing` stacks a change affects, from the paths it touches (relative to the
 * project directory, as `git diff --name-status --no-renames` gives them: a status letter and a
 * path; a rename is a delete and an add).
 */
export function changedStacks(existing: readonly string[], changes: readonly { status: string; paths: readonly string[] }[]): ChangedStacks {
    const present = new Set(existing);
    const touched = new Set<string>();
    const removed = new Set<string>();
    let program = false;
    for (const change of changes) {
        for (const file of change.paths) {
            if (STACK_FILE.test(file)) {
                (change.status.startsWith("D") ? removed : touched).add(stackNameOf(file));
            } else if (!DEPLOYS_NOTHING.some((pattern) => pattern.test(file))) {
                program = true;
            }
        }
    }
    const gone = [...removed].filter((s) => !present.has(s)).sort();
    if (program) {
        return { stacks: orderStacks(existing), reason: "program", removed: gone };
    }
    const stacks = orderStacks([...touched].filter((s) => present.has(s)));
    return { stacks, reason: stacks.length > 0 ? "stack files" : "nothing that deploys", removed: gone };
}

/** The changes between `base` and the working tree's HEAD, from git, relative to `dir`. */
export function gitChanges(dir: string, base: string): { status: string; paths: string[] }[] {
    const out = execFileSync("git", ["-C", dir, "diff", "--name-status", "--relative", "--no-renames", `${base}...HEAD`], { encoding: "utf8" });
    return out.split("\n").filter(Boolean).map((line) => {
        const [status, ...paths] = line.split("\t");
        return { status, paths };
    });
}

interface Args {
    readonly dir: string;
    readonly base?: string;
    readonly phase?: Phase;
}

function parseArgs(argv: readonly string[]): Args {
    let dir: string | undefined;
    let base: string | undefined;
    let phase: Phase | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--changed" || arg === "--phase") {
            const value = argv[++i];
            if (value === undefined) {
                throw new Error(`${arg} needs a value`);
            }
            if (arg === "--changed") {
                base = value;
            } else if ((PHASES as readonly string[]).includes(value)) {
                phase = value as Phase;
            } else {
                throw new Error(`--phase must be one of ${PHASES.join(", ")}, got "${value}"`);
            }
        } else if (dir === undefined && !arg.startsWith("--")) {
            dir = arg;
        } else {
            throw new Error(`unknown argument "${arg}"`);
        }
    }
    return { dir: path.resolve(dir ?? path.join(__dirname, "..")), base, phase };
}

function main(argv: readonly string[]): number {
    let args: Args;
    try {
        args = parseArgs(argv);
    } catch (error) {
        process.stderr.write(`stackMatrix: ${(error as Error).message}\nusage: npx tsx tools/stackMatrix.ts [dir] [--changed <base-ref>] [--phase first|middle|last]\n`);
        return 2;
    }
    const all = stackMatrix(args.dir);
    if (all.length === 0) {
        process.stderr.write(`stackMatrix: no Pulumi.<stack>.yaml files in ${args.dir}\n`);
        return 1;
    }
    let stacks = all;
    if (args.base !== undefined) {
        let changes: { status: string; paths: string[] }[];
        try {
            changes = gitChanges(args.dir, args.base);
        } catch {
            const fetch = args.base.startsWith("origin/") ? `git -C ${args.dir} fetch --no-tags origin ${args.base.slice("origin/".length)}` : `git -C ${args.dir} fetch --no-tags origin ${args.base}`;
            process.stderr.write(`stackMatrix: git cannot compare HEAD with "${args.base}" in ${args.dir} (a shallow clone lacks it); fetch it, then run this again: ${fetch}\n`);
            return 2;
        }
        const changed = changedStacks(all, changes);
        stacks = changed.stacks;
        process.stderr.write(`stackMatrix: since ${args.base}: ${changed.reason}: ${JSON.stringify(stacks)}\n`);
        for (const stack of changed.removed) {
            process.stderr.write(`stackMatrix: Pulumi.${stack}.yaml was removed: not in the matrix (no config to run it with); its deployed stack is untouched\n`);
        }
    }
    process.stdout.write(`${JSON.stringify(args.phase ? phaseOf(stacks, args.phase) : stacks)}\n`);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
