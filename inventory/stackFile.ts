import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { Inventory } from "./types";
import { RawStackConfig, validateInventory } from "./validate";

/** The namespace of this project's config keys. */
export const CONFIG_NAMESPACE = "questdb-cloud";

/** A stack file read from disk: the raw config plus what Pulumi would pass the program. */
export interface StackFile {
    readonly stack: string;
    readonly path: string;
    /** Every config key, as the Pulumi CLI passes it (`ns:key` to a JSON or plain string). */
    readonly config: Record<string, string>;
    /** Keys whose values are `secure:` ciphertext, which cannot be decrypted offline. */
    readonly secretKeys: string[];
    readonly raw: RawStackConfig;
}

export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The stack name a file belongs to: `Pulumi.<stack>.yaml`, or the file's base name otherwise. */
export function stackNameOf(file: string): string {
    const base = path.basename(file);
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
    return match ? match[1] : base.replace(/\.ya?ml$/, "");
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && "secure" in value;
}

/**
 * The yaml library's first message line, without its own " at line L, column C:" (the message
 * starts with file:line:col already) and so without the colon that introduced its code excerpt.
 */
export function yamlReason(message: string): string {
    return message.split("\n")[0].replace(/ at line \d+, column \d+:?\s*$/, "").replace(/[\s:]+$/, "");
}

/** Parses a stack file's text. Malformed YAML names the line and column. */
export function parseStackFile(text: string, file: string, stack = stackNameOf(file)): StackFile {
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const [line, col] = first.linePos?.[0] ? [first.linePos[0].line, first.linePos[0].col] : ["?", "?"];
        throw new StackFileError(`${file}:${line}:${col}: malformed YAML: ${yamlReason(first.message)}`);
    }
    const body = doc.toJS() ?? {};
    const entries = Object.entries((body.config ?? {}) as Record<string, unknown>);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of entries) {
        if (isSecure(value)) {
            secretKeys.push(key);
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const values = Object.fromEntries(entries);
    return {
        stack, path: file, config, secretKeys,
        raw: {
            stack,
            awsRegion: values["aws:region"],
            region: values[`${CONFIG_NAMESPACE}:region`],
            databases: values[`${CONFIG_NAMESPACE}:databases`],
            hasCredentialsSeed: `${CONFIG_NAMESPACE}:credentialsSeed` in values,
        },
    };
}

export function readStackFile(file: string): StackFile {
    if (!fs.existsSync(file)) {
        throw new StackFileError(`${file}: no such stack file. Create it with \`pulumi stack init\`, or pass --config-file`);
    }
    return parseStackFile(fs.readFileSync(file, "utf8"), file);
}

/**
 * A stack file's raw config as offline tools validate it. The credentials seed is a `secure:`
 * value that only `pulumi config set --secret` can write, so they check everything else and
 * take the seed as set (the render does the same: render/request.ts).
 */
export function offlineRawOf(file: StackFile): RawStackConfig {
    return { ...file.raw, hasCredentialsSeed: true };
}

/** The inventory of a stack file, validated offline (see `offlineRawOf`). */
export function offlineInventoryOf(file: StackFile): Inventory {
    return validateInventory(offlineRawOf(file));
}
