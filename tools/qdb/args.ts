import { parseArgs } from "util";
import { parse } from "yaml";
import { closest } from "../../inventory";
import { QdbError, USAGE_EXIT } from "./errors";

/** The command line, parsed but not yet checked against what each command needs. */
export interface CliArgs {
    readonly command: string | undefined;
    readonly positionals: readonly string[];
    readonly stack?: string;
    readonly configFile?: string;
    readonly projectDir?: string;
    readonly all: boolean;
    /** `backups --live`: read snapshot ages from EBS with the operator's AWS credentials. */
    readonly live: boolean;
    /** `list`, `status`, `backups --json`: print JSON instead of a table. */
    readonly json: boolean;
    /**
     * `--outputs <file>`: the stack's outputs (`pulumi stack output --json`) from a file; `status`
     * shows them, `validate` judges transitions against them (tools/transitionBase.ts).
     */
    readonly outputs?: string;
    readonly dryRun: boolean;
    readonly impact: boolean;
    readonly help: boolean;
    readonly instanceType?: string;
    readonly size?: string;
    readonly az?: string;
    /** `validate --base <ref>`: judge transitions against the file at a git revision. */
    readonly base?: string;
    /** `promote --now`, `set`: the instant (ISO 8601) windows are checked at. @default the clock */
    readonly now?: string;
    /** `move --from <stack> --to <stack>`: the cells a database moves between. */
    readonly from?: string;
    readonly to?: string;
    /** `rollout --history <file>`: the stack's `pulumi stack history --json`, else the CLI is run. */
    readonly history?: string;
}

const OPTIONS = {
    "stack": { type: "string", short: "s" },
    "config-file": { type: "string", short: "f" },
    "project-dir": { type: "string" },
    "all": { type: "boolean" },
    "live": { type: "boolean" },
    "json": { type: "boolean" },
    "outputs": { type: "string" },
    "dry-run": { type: "boolean", short: "n" },
    "no-impact": { type: "boolean" },
    "help": { type: "boolean", short: "h" },
    "instance-type": { type: "string" },
    "size": { type: "string" },
    "az": { type: "string" },
    "base": { type: "string" },
    "now": { type: "string" },
    "from": { type: "string" },
    "to": { type: "string" },
    "history": { type: "string" },
} as const;

/**
 * Node's parseArgs messages, made short and whole: an unknown option names the closest known one
 * (Node's own text ends in a stray quote), and no message ends in a doubled full stop.
 */
function parseArgsMessage(error: Error & { code?: string }): string {
    const option = /'(-[^']*)'/.exec(error.message)?.[1];
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
        const guess = closest(option.replace(/^-+/, ""), Object.keys(OPTIONS));
        return `unknown option ${option}${guess ? `; did you mean --${guess}?` : ""}`;
    }
    return error.message.replace(/\.+$/, "");
}

/** Parses argv (without node and the script). Unknown flags are errors, never ignored. */
export function parseCli(argv: readonly string[]): CliArgs {
    let parsed;
    try {
        parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
        const message = parseArgsMessage(error as Error & { code?: string });
        throw new QdbError(`${message}${message.endsWith("?") ? "" : "."} Run \`qdb --help\` for usage`, USAGE_EXIT);
    }
    const { values, positionals } = parsed;
    return {
        command: positionals[0],
        positionals: positionals.slice(1),
        stack: values.stack,
        configFile: values["config-file"],
        projectDir: values["project-dir"],
        all: values.all ?? false,
        live: values.live ?? false,
        json: values.json ?? false,
        outputs: values.outputs,
        dryRun: values["dry-run"] ?? false,
        impact: !(values["no-impact"] ?? false),
        help: values.help ?? false,
        instanceType: values["instance-type"],
        size: values.size,
        az: values.az,
        base: values.base,
        now: values.now,
        from: values.from,
        to: values.to,
        history: values.history,
    };
}

/** What `qdb set` can write: a scalar, or a list of scalars such as an allowlist. */
export type Value = string | number | boolean | readonly (string | number | boolean)[];

/**
 * A command-line value as YAML would type it: whole and decimal numbers, true/false, a flow
 * list such as `[203.0.113.0/24, 198.51.100.0/24]` (or `[]`), and otherwise a string. Quotes
 * force a string, for values such as "8.2" that look like numbers.
 */
export function parseValue(text: string): Value {
    if (text.startsWith("[") && text.endsWith("]")) {
        return parseList(text);
    }
    return parseScalar(text);
}

function parseList(text: string): (string | number | boolean)[] {
    let list: unknown;
    try {
        list = parse(text);
    } catch (error) {
        throw new QdbError(`"${text}" is not a list: ${(error as Error).message}. Write it like [203.0.113.0/24, 198.51.100.0/24], or [] for an empty list`, USAGE_EXIT);
    }
    if (!Array.isArray(list) || list.some((item) => item === null || typeof item === "object")) {
        throw new QdbError(`"${text}" must be a flat list of values, like [203.0.113.0/24, 198.51.100.0/24]`, USAGE_EXIT);
    }
    return list as (string | number | boolean)[];
}

export function parseScalar(text: string): string | number | boolean {
    const quoted = /^"(.*)"$|^'(.*)'$/.exec(text);
    if (quoted) {
        return quoted[1] ?? quoted[2];
    }
    if (text === "true" || text === "false") {
        return text === "true";
    }
    if (/^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) {
        return Number(text);
    }
    return text;
}

/** One `key=value` of `qdb set`, with the key split into the path inside a database entry. */
export interface Assignment {
    readonly key: string;
    readonly path: readonly string[];
    readonly value: Value;
    /** The value as typed, before typing. */
    readonly text: string;
}

/**
 * `volume.sizeGiB=500` sets volume → sizeGiB. server.conf keys contain dots themselves, so
 * everything after `serverConf.` is one key: `serverConf.query.timeout.sec=120`.
 */
export function parseAssignment(text: string): Assignment {
    const eq = text.indexOf("=");
    const key = eq > 0 ? text.slice(0, eq) : "";
    if (key === "" || eq === text.length - 1) {
        throw new QdbError(`"${text}" is not a key=value assignment. Write it like volume.sizeGiB=500 or serverConf.query.timeout.sec=120`, USAGE_EXIT);
    }
    return { key, path: keyPath(key), value: parseValue(text.slice(eq + 1)), text: text.slice(eq + 1) };
}

/** A dotted key as a path; everything after `serverConf.` is one server.conf key. */
export function keyPath(key: string): string[] {
    const path = key.startsWith("serverConf.") ? ["serverConf", key.slice("serverConf.".length)] : key.split(".");
    if (path.some((part) => part === "")) {
        throw new QdbError(`"${key}" has an empty part. Write dotted keys like volume.sizeGiB`, USAGE_EXIT);
    }
    return path;
}
