/**
 * The bake gate's clock source: the stack's update history (`pulumi stack history --json`).
 * The program reads no clock (a preview and its up must agree), so no deploy time can sit in its
 * outputs; the backend records each update's `endTime`, `result` and the `config` it ran with, and
 * that config, resolved by the program's own validator, says what each database was deployed at.
 * docs/decisions.md, "Rollout waves and gates".
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { CONFIG_NAMESPACE, InventoryError, RolloutField, validateInventory } from "../../../inventory";
import { isPlainObject } from "../../../inventory/fields";
import { QdbError } from "../errors";
import { Target, shellWord } from "../files";

/** One update of the stack, as far as the gates need it. */
export interface Update {
    readonly version: number;
    readonly kind: string;
    /** "succeeded", "failed" or "in-progress". */
    readonly result: string;
    readonly endTime?: Date;
    /** Per database id, the values it was deployed with; undefined when the update's config does not validate today (then nothing is assumed of it). */
    readonly deployed?: ReadonlyMap<string, Readonly<Record<RolloutField, string>>>;
}

/**
 * The command the gates read the history with: no `--show-secrets`, so no secret is ever printed
 * or held; 100 updates, not the CLI's default page of 10, so that a revert finds what ran before a
 * wave even after many deployments (a shorter history only shortens what qdb can prove: the bake
 * then starts later, and a revert it cannot compute is refused).
 */
export function historyCommand(stack: string): string[] {
    return ["pulumi", "stack", "history", "--json", "--page-size", "100", "--page", "1", "--stack", stack];
}

/** A config value of the history: `objectValue` for an object (CLI 3.274 prints both), else the plain string or the JSON text in `value`. */
function configValue(config: Record<string, unknown>, key: string): unknown {
    const entry = config[key];
    if (isPlainObject(entry) && entry.objectValue !== undefined) {
        return entry.objectValue;
    }
    const value = isPlainObject(entry) ? entry.value : undefined;
    if (typeof value !== "string") {
        return value;
    }
    try {
        return /^[[{]/.test(value.trim()) ? JSON.parse(value) : value;
    } catch {
        return value;
    }
}

/** What each database ran with under the update's config, resolved by the program's validator (channels and defaults included). */
function deployedOf(config: unknown, stack: string): Update["deployed"] {
    if (!isPlainObject(config)) {
        return undefined;
    }
    try {
        const inventory = validateInventory({
            stack, awsRegion: configValue(config, "aws:region"), region: configValue(config, `${CONFIG_NAMESPACE}:region`),
            databases: configValue(config, `${CONFIG_NAMESPACE}:databases`), hasCredentialsSeed: true,
        });
        return new Map(inventory.databases.filter((d) => d.state !== "decommissioned").map((d) => [d.id, { questdbVersion: d.questdbVersion, nodeImage: d.nodeImage }]));
    } catch (error) {
        if (error instanceof InventoryError) {
            return undefined;
        }
        throw error;
    }
}

/**
 * Parses the history JSON, newest update first. The CLI lists newest first; Pulumi Cloud numbers
 * updates, but a self-managed (file, S3) backend reports `version: 0` for every one (seen with
 * CLI 3.274.1), so the order is by version, then by end time, then as listed.
 */
export function parseHistory(json: unknown, stack: string, source: string): Update[] {
    if (!Array.isArray(json)) {
        throw new QdbError(`${source}: not a stack history (expected the JSON list \`${historyCommand(stack).map(shellWord).join(" ")}\` prints)`);
    }
    return json.filter(isPlainObject).map((u): Update => {
        const end = typeof u.endTime === "string" ? new Date(u.endTime) : undefined;
        return {
            version: typeof u.version === "number" ? u.version : 0,
            kind: String(u.kind ?? ""),
            result: String(u.result ?? ""),
            ...(end && !Number.isNaN(end.getTime()) ? { endTime: end } : {}),
            deployed: u.kind === "update" && u.result === "succeeded" ? deployedOf(u.config, stack) : undefined,
        };
    }).map((u, listed) => ({ u, listed }))
        .sort((a, b) => (b.u.version - a.u.version) || ((b.u.endTime?.getTime() ?? 0) - (a.u.endTime?.getTime() ?? 0)) || (a.listed - b.listed))
        .map(({ u }) => u);
}

/** The updates that deployed something: succeeded `update`s (a refresh or a failed update establishes no version). */
function deployments(history: readonly Update[]): Update[] {
    return history.filter((u) => u.kind === "update" && u.result === "succeeded" && u.endTime);
}

/** What the newest successful update deployed the database at; undefined when unknown. */
export function deployedValue(history: readonly Update[], id: string, field: RolloutField): string | undefined {
    return deployments(history)[0]?.deployed?.get(id)?.[field];
}

/**
 * Since when the database has run `target` without a break: the end of the oldest successful
 * update of the newest run of successful updates that all had it at `target`. Undefined when the
 * newest successful update did not deploy it (not deployed yet), or its config cannot be read.
 */
export function deployedSince(history: readonly Update[], id: string, field: RolloutField, target: string): Date | undefined {
    let since: Date | undefined;
    for (const update of deployments(history)) {
        if (update.deployed?.get(id)?.[field] !== target) {
            break;
        }
        since = update.endTime;
    }
    return since;
}

/** The value the database ran before its newest run at `target`: what a revert writes back. Undefined when the history does not reach that far. */
export function valueBefore(history: readonly Update[], id: string, field: RolloutField, target: string): string | undefined {
    for (const update of deployments(history)) {
        if (!update.deployed) {
            return undefined;
        }
        const value = update.deployed.get(id)?.[field];
        if (value !== undefined && value !== target) {
            return value;
        }
    }
    return undefined;
}

/**
 * The database has run `target` since it was created, as far as the history shows: every
 * successful update back to one that did not have it at all ran it at `target`. A revert has
 * nothing to set it back to; false when the history stops first or an update's config is unreadable.
 */
export function createdAtTarget(history: readonly Update[], id: string, field: RolloutField, target: string): boolean {
    for (const update of deployments(history)) {
        if (!update.deployed) {
            return false;
        }
        const value = update.deployed.get(id)?.[field];
        if (value === undefined) {
            return true;
        }
        if (value !== target) {
            return false;
        }
    }
    return false;
}

/** The `--history` file, else `pulumi stack history --json` run in the project directory; a failure names both ways. */
export function readHistory(target: Target, file: string | undefined, projectDir: string): { history: Update[]; source: string } {
    const command = historyCommand(target.stack);
    const printed = command.map(shellWord).join(" ");
    let text: string;
    let source: string;
    if (file !== undefined) {
        try {
            text = fs.readFileSync(file, "utf8");
        } catch (error) {
            throw new QdbError(`${file}: cannot read the history file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Write it with \`${printed} > ${shellWord(file)}\``);
        }
        source = file;
    } else {
        try {
            // 100 updates, each with the stack's whole config, pass execFileSync's 1 MiB default for a region of a few dozen databases.
            text = execFileSync(command[0], command.slice(1), { cwd: projectDir, encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 ** 2 });
        } catch (error) {
            const err = error as NodeJS.ErrnoException & { stderr?: string };
            const why = err.code === "ENOENT" ? "the pulumi CLI is not installed" : (err.stderr || err.message).trim().split("\n").filter(Boolean).pop() ?? "it failed";
            throw new QdbError(`cannot read stack "${target.stack}"'s history with \`${printed}\` (${why}). ` +
                `Fix: where the CLI and the backend's credentials are, run \`${printed} > history.json\`, then pass --history history.json`);
        }
        source = `\`${printed}\``;
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        throw new QdbError(`${source}: not JSON (${(error as Error).message}); it must be what \`${printed}\` prints`);
    }
    return { history: parseHistory(json, target.stack, source), source };
}
