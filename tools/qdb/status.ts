/**
 * `qdb status`: the fleet as deployed, from the stack's outputs, beside what the file asks for.
 * The outputs are read with the program's own parser (inventory `parseStackOutputs`, which
 * stacks/previous.ts uses), so a difference shown here is one `pulumi up` would act on.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { DatabaseSpec, DeployedDatabase, Inventory, InventoryError, StackOutputs, checkTransitions, formatProblem, parseStackOutputs } from "../../inventory";
import { QdbError } from "./errors";
import { Target, shellWord } from "./files";
import { formatTable } from "./list";

/** One compared field: what is deployed and what the file asks for (undefined: not there). */
export interface FieldStatus {
    readonly deployed?: string | number;
    readonly wanted?: string | number;
    readonly differs: boolean;
}

export interface DatabaseStatus {
    readonly id: string;
    readonly state: FieldStatus;
    readonly questdbVersion: FieldStatus;
    readonly sizeGiB: FieldStatus;
    readonly endpoint?: string;
    /** What the next `pulumi up` of this file does to the database, in words; empty when in sync. */
    readonly pending: readonly string[];
}

export interface StackStatus {
    readonly stack: string;
    readonly databases: readonly DatabaseStatus[];
    /** Ids the file retires that the outputs do not record yet. */
    readonly pendingRetiredIds: readonly string[];
    /** What the program would refuse in going from the outputs to this file (`pulumi preview` fails on these). */
    readonly refusals: readonly string[];
}

function field(deployed: string | number | undefined, wanted: string | number | undefined): FieldStatus {
    return { deployed, wanted, differs: deployed !== wanted };
}

function pendingOf(was: DeployedDatabase | undefined, db: DatabaseSpec | undefined, movedTo?: string): string[] {
    if (!was) {
        return db ? [`create (${db.state})`] : [];
    }
    if (!db && movedTo !== undefined) {
        return [`moved to ${movedTo} (its resources leave by \`pulumi state move\`; nothing is deleted)`];
    }
    if (!db) {
        return [was.state === "decommissioned" ? "release (entry removed; the volume and final snapshot stay in AWS)" : `delete (entry removed while ${was.state})`];
    }
    const pending: string[] = [];
    if (was.state !== db.state) {
        pending.push(`state ${was.state} -> ${db.state}`);
    }
    if (was.questdbVersion !== undefined && was.questdbVersion !== db.questdbVersion) {
        pending.push(`version ${was.questdbVersion} -> ${db.questdbVersion}`);
    }
    if (was.sizeGiB !== undefined && was.sizeGiB !== db.volume.sizeGiB) {
        pending.push(`volume ${was.sizeGiB} -> ${db.volume.sizeGiB} GiB`);
    }
    if (was.availabilityZone !== undefined && was.availabilityZone !== db.availabilityZone) {
        pending.push(`AZ ${was.availabilityZone} -> ${db.availabilityZone}`);
    }
    if (db.adopt) {
        pending.push(`adopt.step ${db.adopt.step}`);
    }
    return pending;
}

/** Pure: the deployed outputs beside the validated file, one row per id in either. */
export function stackStatus(outputs: StackOutputs, inventory: Inventory): StackStatus {
    const wanted = new Map(inventory.databases.map((d) => [d.id, d]));
    const moved = new Map((inventory.movedOut ?? []).map((m) => [m.id, m.to]));
    const ids = [...new Set([...inventory.databases.map((d) => d.id), ...Object.keys(outputs.databases).sort()])];
    const databases = ids.map((id): DatabaseStatus => {
        const was = outputs.databases[id];
        const db = wanted.get(id);
        return {
            id,
            state: field(was?.state, db?.state),
            questdbVersion: field(was?.questdbVersion, db?.questdbVersion),
            sizeGiB: field(was?.sizeGiB, db?.volume.sizeGiB),
            ...(was?.endpoint ? { endpoint: was.endpoint } : {}),
            pending: pendingOf(was, db, moved.get(id)),
        };
    });
    const recorded = new Set(outputs.retiredIds);
    return {
        stack: inventory.region.stack,
        databases,
        pendingRetiredIds: inventory.region.retiredIds.filter((id) => !recorded.has(id)),
        refusals: checkTransitions(outputs.databases, inventory, outputs.retiredIds).map((p) => formatProblem(inventory.region.stack, p)),
    };
}

/** "active", or "active -> paused *" when the file asks for something else; "-" where absent. */
function cell(f: FieldStatus): string {
    const show = (v: string | number | undefined) => (v === undefined ? "-" : String(v));
    return f.differs ? `${show(f.deployed)} -> ${show(f.wanted)} *` : show(f.deployed);
}

const HEADER = ["ID", "STATE", "VERSION", "SIZE (GiB)", "ENDPOINT", "PENDING"];

/** The terminal rendering: deployed value, and `-> wanted *` where the file differs. */
export function formatStatus(status: StackStatus, source: string): string {
    const rows = status.databases.map((d) => [d.id, cell(d.state), cell(d.questdbVersion), cell(d.sizeGiB), d.endpoint ?? "-", d.pending.join("; ") || "in sync"]);
    const pending = status.databases.filter((d) => d.pending.length > 0).length;
    const lines = [
        formatTable([HEADER, ...rows]),
        "",
        `Deployed (from ${source}) -> the file; * marks a difference. ${pending} of ${status.databases.length} database(s) with pending work.`,
    ];
    if (status.pendingRetiredIds.length > 0) {
        lines.push(`Retired ids not yet in the outputs: ${status.pendingRetiredIds.join(", ")}.`);
    }
    if (status.refusals.length > 0) {
        lines.push("The program refuses this file against what is deployed (`pulumi preview` fails):", ...status.refusals.map((r) => `  - ${r}`));
    }
    return lines.join("\n");
}

/** The command that reads a stack's outputs, as status runs it and as its messages print it. */
export function stackOutputCommand(stack: string): string[] {
    return ["pulumi", "stack", "output", "--json", "--stack", stack];
}

/**
 * The outputs as JSON text: the `--outputs` file, else `pulumi stack output --json` run in the
 * project directory. Any failure is one line that names `--outputs`, the way round it.
 */
export function readOutputsText(target: Target, outputsFile: string | undefined, projectDir: string): { text: string; source: string } {
    const command = stackOutputCommand(target.stack);
    const printed = command.map(shellWord).join(" ");
    if (outputsFile !== undefined) {
        try {
            return { text: fs.readFileSync(outputsFile, "utf8"), source: outputsFile };
        } catch (error) {
            throw new QdbError(`${outputsFile}: cannot read the outputs file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Write it with \`${printed} > ${shellWord(outputsFile)}\``);
        }
    }
    try {
        const text = execFileSync(command[0], command.slice(1), { cwd: projectDir, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
        return { text, source: `\`${printed}\`` };
    } catch (error) {
        const err = error as NodeJS.ErrnoException & { stderr?: string };
        const why = err.code === "ENOENT" ? "the pulumi CLI is not installed" : (err.stderr || err.message).trim().split("\n").filter(Boolean).pop() ?? "it failed";
        throw new QdbError(`cannot read stack "${target.stack}"'s outputs with \`${printed}\` (${why}). ` +
            `Fix: where the CLI and the backend's credentials are, write them to a file with \`${printed} > outputs.json\`, then pass the file: \`npx qdb status ${target.flag} --outputs outputs.json\``);
    }
}

/** Parses the outputs text with the program's parser; unreadable outputs name the file. */
export function parseOutputsText(text: string, source: string, stack: string): StackOutputs {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        throw new QdbError(`${source}: not JSON (${(error as Error).message}); it must be what \`${stackOutputCommand(stack).map(shellWord).join(" ")}\` prints`);
    }
    try {
        return parseStackOutputs(json, stack);
    } catch (error) {
        throw error instanceof InventoryError ? new QdbError(`${source}: ${error.message}`) : error;
    }
}
