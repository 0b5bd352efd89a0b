/**
 * The interactive section of `npm run bench`: wall time of the commands an operator or a reviewer
 * waits on, typed as they type them (`npm run impact`, `npx qdb ...`, `npm run synth`), from start
 * to exit, on generated stacks of N databases. Each command runs once untimed (it brings .build/
 * up to date and warms Node's compile cache and the OS file cache, as an operator's second run
 * finds them), then `runs` times; the median is printed with the range and the machine's load.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../render/paths";

/** One command of the section. */
interface Command {
    readonly name: string;
    /** Issue #18's ceiling at `targetAt` databases, in seconds. */
    readonly target?: { readonly seconds: number; readonly at: number };
    /** What issue #18 measured before its work, on a quiet machine: the figure to compare with. */
    readonly before: string;
    /** The command line for a stack of `count` databases: the executable and its arguments. */
    readonly argv: (stack: BenchFiles) => string[];
}

/** The files a size's commands work on, in a scratch directory. */
export interface BenchFiles {
    readonly count: number;
    readonly stack: string;
    /** Pulumi.<stack>.yaml as generated. */
    readonly base: string;
    /** The same file with one line changed: a volume grown. */
    readonly edited: string;
    /** A fresh copy of the base for each edit (qdb set writes it). */
    readonly copy: () => string;
    readonly scratch: string;
}

/** The one-line edit: bench-00001's volume (201 GiB in every generated stack) grows. */
export const EDIT = { id: "bench-00001", from: "sizeGiB: 201", to: "sizeGiB: 260", set: "volume.sizeGiB=260" } as const;

const COMMANDS: readonly Command[] = [
    { name: "impact (one-line edit)", target: { seconds: 5, at: 30 }, before: "8.2-8.6 s at 30",
        argv: (f) => ["npm", "run", "-s", "impact", "--", "--stack", f.stack, "--before", f.base, "--after", f.edited] },
    { name: "qdb set (with impact)", target: { seconds: 6, at: 30 }, before: "11-16 s on prod",
        argv: (f) => ["npx", "qdb", "set", "--config-file", f.copy(), EDIT.id, EDIT.set] },
    { name: "qdb list", target: { seconds: 1, at: 30 }, before: "-", argv: (f) => ["npx", "qdb", "list", "--config-file", f.base] },
    { name: "qdb validate", target: { seconds: 1, at: 30 }, before: "-", argv: (f) => ["npx", "qdb", "validate", "--config-file", f.base] },
    { name: "synth", target: { seconds: 4, at: 30 }, before: "about 6 s on prod",
        argv: (f) => ["npm", "run", "-s", "synth", "--", "--config-file", f.base, "--out", path.join(f.scratch, "synth")] },
];

/** Writes a size's stack file, its edited twin, and a copier, under `scratch`. */
export function benchFiles(count: number, text: string, scratch: string): BenchFiles {
    const stack = `bench-${count}`;
    const dir = fs.mkdtempSync(path.join(scratch, `${stack}-`));
    const base = path.join(dir, `Pulumi.${stack}.yaml`);
    const edited = path.join(dir, "edited", `Pulumi.${stack}.yaml`);
    if (!text.includes(EDIT.from)) {
        throw new Error(`the generated stack has no "${EDIT.from}" line to edit`);
    }
    fs.mkdirSync(path.dirname(edited));
    fs.writeFileSync(base, text);
    fs.writeFileSync(edited, text.replace(EDIT.from, EDIT.to));
    let copies = 0;
    const copy = () => {
        const file = path.join(dir, `copy-${copies++}`, `Pulumi.${stack}.yaml`);
        fs.mkdirSync(path.dirname(file));
        fs.copyFileSync(base, file);
        return file;
    };
    return { count, stack, base, edited, copy, scratch: dir };
}

/**
 * CPU seconds (user + system) of every finished child process of this one and their descendants,
 * from Linux's /proc (cutime, cstime; USER_HZ is 100); undefined elsewhere. Unlike wall time it
 * barely moves with the machine's load, so it shows a change when other work shares the cores.
 */
function childrenCpuSeconds(): number | undefined {
    try {
        const fields = fs.readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /, "").split(" ");
        // After "pid (comm) ", cutime and cstime are the 14th and 15th fields (0-based 13, 14).
        return (Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
        return undefined;
    }
}

/** One run's wall seconds and CPU seconds (the command's whole process tree). */
interface Timing {
    readonly wall: number;
    readonly cpu?: number;
}

/** Times one run, or says why it failed. */
function timeOnce(argv: readonly string[]): Timing | string {
    const cpuBefore = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    const run = spawnSync(argv[0], argv.slice(1), { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 256 << 20 });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0) {
        return `${argv.slice(0, 4).join(" ")} exited ${run.status ?? run.signal}: ${(run.stderr || run.stdout).trim().split("\n")[0]}`;
    }
    const cpuAfter = childrenCpuSeconds();
    return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One cell: "median wall s (min-max), median CPU s", or the failure. */
function measureCommand(command: Command, files: BenchFiles, runs: number): string {
    const warmUp = timeOnce(command.argv(files));
    if (typeof warmUp === "string") {
        return `failed: ${warmUp}`;
    }
    const timings: Timing[] = [];
    for (let i = 0; i < runs; i++) {
        const taken = timeOnce(command.argv(files));
        if (typeof taken === "string") {
            return `failed: ${taken}`;
        }
        timings.push(taken);
    }
    const walls = timings.map((t) => t.wall);
    const cpus = timings.flatMap((t) => (t.cpu === undefined ? [] : [t.cpu]));
    const cpu = cpus.length === timings.length ? `, cpu ${median(cpus).toFixed(1)}` : "";
    return `${median(walls).toFixed(2)} s (${Math.min(...walls).toFixed(1)}-${Math.max(...walls).toFixed(1)})${cpu}`;
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");

/**
 * Measures every command at every size; returns the table to print. `stackText(count)` is a
 * valid stack file of `count` databases (tools/bench.ts).
 */
export function measureInteractive(sizes: readonly number[], runs: number, stackText: (count: number) => string, scratch: string): string[] {
    const started = load();
    const cells = COMMANDS.map((command) => sizes.map((count) => {
        const cell = measureCommand(command, benchFiles(count, stackText(count), scratch), runs);
        console.error(`measured ${command.name} at ${count} databases: ${cell}`);
        return cell;
    }));
    const header = ["command", ...sizes.map((n) => `${n} databases`), "target", "before #18"];
    const rows = COMMANDS.map((c, i) => [c.name, ...cells[i], c.target ? `<= ${c.target.seconds} s at ${c.target.at}` : "", c.before]);
    const widths = header.map((_, col) => Math.max(...[header, ...rows].map((r) => r[col].length)));
    const line = (r: readonly string[]) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join("  ");
    return [
        `Interactive commands: wall time as typed, median of ${runs} runs after one untimed run (range in brackets), ` +
            "and the median CPU seconds of the command's processes (load-independent); " +
            `${os.cpus().length} cores, Node ${process.versions.node}, load average (1/5/15 min) ${started} before, ${load()} after.`,
        line(header), ...rows.map(line),
        `Target at 100 databases: impact < 10 s.`,
    ];
}
