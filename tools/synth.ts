/**
 * `npm run synth -- --stack <name> [--config-file <path>] [--outputs <file> | --base <ref>] [--json] [--out <dir>]`
 *
 * Judges the change as `pulumi preview` will (the program's transition checks, against the base
 * tools/transitionBase.ts resolves), then renders the stack offline under Pulumi's mocks (through
 * render/, like every tool), prints a tree of databases and their resources, writes every
 * Kubernetes object as YAML under out/<stack>/ and validates each against the Kubernetes OpenAPI
 * schema. Exit codes (tools/exitCodes.ts): 0 ok, 1 an object is invalid or the render failed, 2 a
 * config or usage error, 5 the program refuses the change (nothing written for 2 and 5).
 */
import * as path from "path";
import { parseArgs } from "util";
import { InventoryError, StackFileError, formatProblems, offlineInventoryOf } from "../inventory";
import { Render, RenderError, renderInChild, requestFromStackFile } from "../render";
import { PROJECT_DIR } from "../render/paths";
import { Manifest, hasOfflineSchema, manifestsOf, preloadSchemas, validateManifest, writeManifests } from "../render/manifests";
import { loadStackFile } from "../render/stackSource";
import { formatTree } from "../render/tree";
import { EXIT_CODES } from "./exitCodes";
import { shellWord } from "./qdb/files";
import { judgeTransitions, resolveBase } from "./transitionBase";

class UsageError extends Error {}

const USAGE = "usage: npm run synth -- --stack <name> | --config-file <path> [--outputs <file> | --base <git-ref>] [--json] [--out <dir>]";

/** The --json document: every resource with every reviewed option spelled out. Secrets stay masked. */
export function synthJson(render: Render): unknown {
    return {
        stack: render.stack,
        resources: render.resources.map((r) => ({
            type: r.type,
            name: r.name,
            parent: r.parent ?? null,
            inputs: r.inputs,
            options: {
                protect: r.options.protect ?? false,
                retainOnDelete: r.options.retainOnDelete ?? false,
                deleteBeforeReplace: r.options.deleteBeforeReplace ?? false,
                replaceOnChanges: r.options.replaceOnChanges ?? [],
                ignoreChanges: r.options.ignoreChanges ?? [],
                import: r.options.import ?? null,
                dependsOn: r.options.dependsOn ?? [],
            },
        })),
        outputs: render.outputs,
    };
}

/** Validates every manifest; returns one line per problem ("file: /path message"). */
function problemsOf(manifests: readonly Manifest[], log: (line: string) => void): string[] {
    const problems: string[] = [];
    for (const m of manifests) {
        if (!hasOfflineSchema(m.object)) {
            log(`warning: ${m.file}: no offline schema for ${String(m.object.apiVersion)}/${String(m.object.kind)}; not validated`);
            continue;
        }
        problems.push(...validateManifest(m.object).map((p) => `${m.file}: ${p}`));
    }
    return problems;
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" }, "config-file": { type: "string" }, json: { type: "boolean" }, out: { type: "string" },
            outputs: { type: "string" }, base: { type: "string" },
        },
    });
    if (!values.stack && !values["config-file"]) {
        throw new UsageError("name a stack: --stack <name> (reads Pulumi.<name>.yaml) or --config-file <path>");
    }
    const file = loadStackFile({ stack: values.stack, configFile: values["config-file"] });
    // As the program: validation first, then the transitions against what is deployed.
    offlineInventoryOf(file);
    const base = resolveBase(file, { outputs: values.outputs, base: values.base });
    const refused = judgeTransitions(base, file, values["config-file"] ? `--config-file ${shellWord(path.resolve(values["config-file"]))}` : undefined);
    if (refused.length > 0) {
        process.stderr.write(`synth: judged against ${base.label}, the program refuses this change (\`pulumi preview\` will fail); nothing written. ` +
            `${formatProblems(file.stack, refused)}\n`);
        return EXIT_CODES.refused;
    }
    process.stderr.write(`synth: ${base.previous ? `transitions judged against ${base.label}` : base.label}\n`);
    const rendering = renderInChild(requestFromStackFile(file, false));
    // The child renders on one core; this process loads the schema models on the other meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    await preloadSchemas();
    const render = await rendering;
    const outDir = path.resolve(values.out ?? path.join(PROJECT_DIR, "out", file.stack));
    const manifests = manifestsOf(render);
    writeManifests(outDir, manifests);
    const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
    process.stdout.write(values.json ? `${JSON.stringify(synthJson(render), null, 2)}\n` : `${formatTree(render)}\n\n`);
    const problems = problemsOf(manifests, log);
    if (problems.length > 0) {
        process.stderr.write(`${problems.length} Kubernetes schema violation(s); fix the component that builds them:\n` +
            problems.map((p) => `  ${p}`).join("\n") + "\n");
        return 1;
    }
    log(`wrote ${manifests.length} Kubernetes objects to ${path.relative(process.cwd(), outDir) || "."}; all valid`);
    return 0;
}

if (require.main === module) {
    // exitCode, not exit(): exit() drops what a pipe has not taken yet, and --json on a large
    // stack is more than a pipe buffer holds.
    main().then((code) => (process.exitCode = code), (err: unknown) => {
        // The usage line only for a command line that could not be understood, not for a bad file.
        const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        const config = err instanceof StackFileError || err instanceof InventoryError || (err instanceof RenderError && err.configError);
        process.stderr.write(`synth: ${err instanceof Error ? err.message : String(err)}\n${usage ? `${USAGE}\n` : ""}`);
        process.exitCode = usage || config ? EXIT_CODES.config : EXIT_CODES.failed;
    });
}
