/**
 * `npx tsx tools/pendingCreates.ts --stack <s> --state <export.json> [--import '<urn>=<id>']...
 * [--absent '<urn>']... [--out <file>]`: resolves the pending creates a killed `pulumi up` left
 * (tools/pending/resolve.ts says why a state edit, not `--import-pending-creates`). Without a
 * decision for every AWS pending create it lists them, each with the AWS lookup by its tags, and
 * exits 1; with one for each it writes the edited state to --out and prints the two commands
 * that load it. Exit 0 when nothing is pending; 2 for a wrong command line or file. `--check`
 * writes nothing and exits 1 only while an AWS create is pending: CI's deploy runs it before its
 * preview, so no `up` forgets a resource AWS may hold.
 */
import * as fs from "fs";
import { EXIT_CODES } from "./exitCodes";
import { Findings, StateExport, StateResource, pendingCreates, resolvePendingCreates, tagsOf } from "./pending/resolve";

const USAGE = "usage: npx tsx tools/pendingCreates.ts --stack <stack> --state <pulumi stack export file> [--check | [--import '<urn>=<id>']... [--absent '<urn>']... [--out <file>]]";

interface Args {
    readonly stack: string;
    readonly state: string;
    readonly out?: string;
    readonly check: boolean;
    readonly findings: Findings;
}

export function parseArgs(argv: readonly string[]): Args | undefined {
    const single: Record<string, string> = {};
    const imports = new Map<string, string>();
    const absent = new Set<string>();
    const check = argv.includes("--check");
    argv = argv.filter((a) => a !== "--check");
    for (let i = 0; i < argv.length; i += 2) {
        const [name, value] = [argv[i], argv[i + 1]];
        if (value === undefined || value.startsWith("--")) {
            return undefined;
        }
        if (name === "--import") {
            const at = value.lastIndexOf("=");
            if (at <= 0 || at === value.length - 1) {
                return undefined;
            }
            imports.set(value.slice(0, at), value.slice(at + 1));
        } else if (name === "--absent") {
            absent.add(value);
        } else if (["--stack", "--state", "--out"].includes(name)) {
            single[name] = value;
        } else {
            return undefined;
        }
    }
    if (!single["--stack"] || !single["--state"] || (check && (single["--out"] || imports.size > 0 || absent.size > 0))) {
        return undefined;
    }
    return { stack: single["--stack"], state: single["--state"], out: single["--out"], check, findings: { imports, absent } };
}

/** The lookup of one pending AWS create: IAM by name (the tagging API lists no IAM roles), the rest by the database's tags. */
function lookupOf(resource: StateResource): string | undefined {
    const inputs = resource.inputs ?? {};
    if (resource.type === "aws:iam/role:Role" && typeof inputs.name === "string") {
        return `aws iam get-role --role-name ${inputs.name} --query Role.RoleName --output text`;
    }
    if (resource.type === "aws:iam/rolePolicy:RolePolicy" && typeof inputs.role === "string" && typeof inputs.name === "string") {
        return `aws iam get-role-policy --role-name ${inputs.role} --policy-name ${inputs.name} --query PolicyName --output text`;
    }
    const tags = tagsOf(resource);
    const filters = ["questdb.cloud/stack", "questdb.cloud/database"].filter((k) => tags[k]).map((k) => `Key=${k},Values=${tags[k]}`);
    return filters.length > 0 ? `aws resourcegroupstaggingapi get-resources --tag-filters ${filters.join(" ")} --query 'ResourceTagMappingList[].ResourceARN'` : undefined;
}

/** One lookup per database's tags and per IAM name, in the order of the pending creates. */
export function lookupCommands(state: StateExport): string[] {
    const lookups = pendingCreates(state.deployment).filter((p) => p.resource.type.startsWith("aws:")).map((p) => lookupOf(p.resource));
    return [...new Set(lookups.filter((l): l is string => l !== undefined))];
}

/** Where the tool writes: stdout and stderr, or a test's capture. */
export interface Writer {
    write(text: string): unknown;
}

export function main(argv: readonly string[], out: Writer = process.stdout, err: Writer = process.stderr): number {
    const args = parseArgs(argv);
    if (!args) {
        err.write(`${USAGE}\n`);
        return EXIT_CODES.config;
    }
    let state: StateExport;
    try {
        state = JSON.parse(fs.readFileSync(args.state, "utf8")) as StateExport;
    } catch (e) {
        err.write(`stack "${args.stack}": cannot read ${args.state} (${(e as Error).message}); write it with: pulumi stack export --stack ${args.stack} --file ${args.state}\n`);
        return EXIT_CODES.config;
    }
    if (args.check && pendingCreates(state.deployment).length === 0) {
        out.write(`stack "${args.stack}": no create is pending\n`);
        return EXIT_CODES.ok;
    }
    if (pendingCreates(state.deployment).length === 0) {
        // A refresh clears every other kind of pending operation by itself.
        out.write(`stack "${args.stack}": no pending creates. Then run:\n  pulumi refresh --yes --stack ${args.stack}\n`);
        return EXIT_CODES.ok;
    }
    const result = resolvePendingCreates(state, args.findings);
    if (args.check && result.ok) {
        out.write(`stack "${args.stack}": no AWS create is pending; the Kubernetes ones are applied again by the next update (docs/runbook.md, "When a deployment was interrupted")\n`);
        return EXIT_CODES.ok;
    }
    if (!result.ok) {
        err.write(`stack "${args.stack}": ${result.problems.length} pending create(s) need a decision; nothing was written:\n`);
        result.problems.forEach((p) => err.write(`  - ${p}\n`));
        err.write(`Find them (an id is the last part of its ARN; a node group's is <cluster>:<name>; a role's is its name; a role policy's <role>:<name>):\n`);
        lookupCommands(state).forEach((c) => err.write(`  ${c}\n`));
        err.write(`Then follow docs/runbook.md, "When a deployment was interrupted": no update may run until they are decided.\n`);
        return EXIT_CODES.failed;
    }
    const file = args.out ?? `${args.state}.resolved.json`;
    fs.writeFileSync(file, JSON.stringify(result.state, null, 2));
    out.write(`stack "${args.stack}": ${result.imported.length} imported, ${result.dropped.length} dropped; wrote ${file}. Then run:\n`);
    out.write(`  pulumi stack import --stack ${args.stack} --file ${file}\n  pulumi refresh --yes --stack ${args.stack}\n`);
    return EXIT_CODES.ok;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
