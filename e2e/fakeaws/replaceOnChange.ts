/**
 * The properties whose change forces a replacement, per AWS type the program uses, as the
 * Terraform provider that pulumi-aws bridges declares them: shared/reference/aws-replace-on-change.json,
 * kept beside the repository (CI clones it next to the checkout; QDB_SHARED_DIR overrides).
 */
import * as fs from "fs";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FILE = path.join("reference", "aws-replace-on-change.json");

/** Where the shared reference directory is: QDB_SHARED_DIR, else ../shared beside the checkout. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
    return env.QDB_SHARED_DIR ? path.resolve(env.QDB_SHARED_DIR) : path.resolve(REPO_ROOT, "..", "shared");
}

interface Reference {
    readonly resources: Readonly<Record<string, { readonly replaceOnChange: readonly string[] }>>;
}

let cached: Readonly<Record<string, readonly string[]>> | undefined;

/** Type token to its replacing properties; throws, naming the path and the fix, when the file is missing. */
export function awsReplaceOnChange(dir = sharedDir()): Readonly<Record<string, readonly string[]>> {
    if (cached && dir === sharedDir()) {
        return cached;
    }
    const file = path.join(dir, FILE);
    if (!fs.existsSync(file)) {
        throw new Error(`fake aws: ${file} is missing; it is the reference of AWS replacements. Clone the shared directory beside the checkout (../shared) or set QDB_SHARED_DIR to it`);
    }
    const reference = JSON.parse(fs.readFileSync(file, "utf8")) as Reference;
    const table = Object.fromEntries(Object.entries(reference.resources).map(([type, r]) => [type, r.replaceOnChange]));
    if (dir === sharedDir()) {
        cached = table;
    }
    return table;
}
