/**
 * `npx tsx tools/simulatePolicies.ts --stack <s> --outputs <file> [--project-dir <dir>]`: asks AWS's
 * policy simulator whether the deployed backup and drill roles allow every AWS call
 * scripts/backup/snapshot.sh and drill.sh make (components/scriptAwsCalls.ts), with the Resource
 * ARNs and request context keys AWS would evaluate. The nightly drift workflow runs it after the
 * preview (docs/ci.md); `--outputs` is `pulumi stack output --json --show-secrets --stack <s>`.
 * Exit 0 when everything is `allowed`; 1 with every problem at once, each naming the stack, the
 * database, the role, the action and the decision; 2 for a wrong command line or stack file.
 */
import * as fs from "fs";
import * as path from "path";
import { EXIT_CODES } from "./exitCodes";
import { InventoryError, formatProblem, parseStackOutputs } from "../inventory";
import { StackFileError, offlineInventoryOf, readStackFile, stackFilePath } from "../inventory/stackFile";
import { simulationRequests } from "./simulate/requests";
import { AwsCli, awsCli, runSimulations } from "./simulate/run";

const USAGE = "usage: npx tsx tools/simulatePolicies.ts --stack <stack> --outputs <pulumi stack output --json --show-secrets file> [--project-dir <dir>]";

/** `--name value` pairs; undefined for anything else. */
export function parseArgs(argv: readonly string[]): { stack: string; outputs: string; projectDir: string } | undefined {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [name, value] = [argv[i], argv[i + 1]];
        if (!["--stack", "--outputs", "--project-dir"].includes(name) || value === undefined || value.startsWith("--")) {
            return undefined;
        }
        values[name] = value;
    }
    if (!values["--stack"] || !values["--outputs"]) {
        return undefined;
    }
    return { stack: values["--stack"], outputs: values["--outputs"], projectDir: values["--project-dir"] ?? process.cwd() };
}

/** The whole run, with the CLI and the output streams injectable for tests; resolves the exit code. */
export async function main(argv: readonly string[], cli: AwsCli = awsCli, out = process.stdout, err = process.stderr): Promise<number> {
    const args = parseArgs(argv);
    if (!args) {
        err.write(`${USAGE}\n`);
        return EXIT_CODES.config;
    }
    let inventory;
    let outputs;
    try {
        inventory = offlineInventoryOf(readStackFile(stackFilePath(args.projectDir, args.stack)));
        const text = fs.readFileSync(path.resolve(args.outputs), "utf8");
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            err.write(`${args.outputs}: not JSON; it must be what \`pulumi stack output --json --show-secrets --stack ${args.stack}\` prints\n`);
            return EXIT_CODES.config;
        }
        outputs = parseStackOutputs(json, args.stack);
    } catch (error) {
        if (error instanceof InventoryError || error instanceof StackFileError || (error as NodeJS.ErrnoException).code === "ENOENT") {
            err.write(`${(error as Error).message}\n`);
            return EXIT_CODES.config;
        }
        throw error;
    }
    const { requests, problems } = simulationRequests(inventory, outputs);
    problems.push(...await runSimulations(requests, cli));
    if (problems.length > 0) {
        const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
        err.write(`Stack "${args.stack}": ${count} in ${requests.length} simulations of the backup and drill roles by AWS's policy simulator:\n`);
        err.write(problems.map((p) => `  - ${formatProblem(args.stack, p)}\n`).join(""));
        return EXIT_CODES.failed;
    }
    out.write(`stack "${args.stack}": ${requests.length} simulations of the backup and drill roles, every AWS call of snapshot.sh and drill.sh allowed\n`);
    return EXIT_CODES.ok;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
        process.stderr.write(`${(error as Error).stack ?? error}\n`);
        process.exit(EXIT_CODES.failed);
    });
}
