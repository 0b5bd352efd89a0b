/**
 * `npx tsx tools/stackMatrix.ts [dir]`: the stacks of the project as a JSON list, for the CI
 * workflows' matrix. Adding a region is one file (`Pulumi.<stack>.yaml`), so the matrix is derived
 * from the files, never hard-coded. Order: dev first, prod last, the others alphabetically between:
 * `up` runs the matrix one stack at a time in this order, so a change reaches prod last.
 */
import * as fs from "fs";
import * as path from "path";
import { stackNameOf } from "../inventory/stackFile";

const FIRST = "dev";
const LAST = "prod";

/** Stack names in deployment order. */
export function orderStacks(stacks: readonly string[]): string[] {
    const rank = (s: string) => (s === FIRST ? 0 : s === LAST ? 2 : 1);
    return [...new Set(stacks)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The stacks whose `Pulumi.<stack>.yaml` is in `dir`, in deployment order. */
export function stackMatrix(dir: string): string[] {
    return orderStacks(fs.readdirSync(dir).filter((name) => /^Pulumi\..+\.ya?ml$/.test(name)).map(stackNameOf));
}

if (require.main === module) {
    const stacks = stackMatrix(path.resolve(process.argv[2] ?? path.join(__dirname, "..")));
    if (stacks.length === 0) {
        process.stderr.write("stackMatrix: no Pulumi.<stack>.yaml files\n");
        process.exitCode = 1;
    } else {
        process.stdout.write(`${JSON.stringify(stacks)}\n`);
    }
}
