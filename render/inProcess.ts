import * as pulumi from "@pulumi/pulumi";
import { MockRecord, RecordingMocks, maskSecrets } from "./mocks";
import { MAIN_PROGRAM } from "./paths";
import { RecordedOptions, Render, RenderRequest, RenderedResource, SECRET_MASK, SIMULATION_TOKEN } from "./types";

export { MAIN_PROGRAM, PROJECT_DIR } from "./paths";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

interface PulumiInternals {
    readonly __name?: string;
}

function logicalNameOf(resource: unknown): string | undefined {
    return (resource as PulumiInternals | undefined)?.__name;
}

function dependsOnNames(dependsOn: unknown): string[] | undefined {
    if (dependsOn === undefined) {
        return undefined;
    }
    const list = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    return list.map(logicalNameOf).filter((n): n is string => n !== undefined);
}

interface CapturedOptions {
    readonly parent?: string;
    readonly options: RecordedOptions;
}

/** Options as the program passed them; mocks never see options (pulumi/pulumi#14421). */
function captureOptions(opts: pulumi.CustomResourceOptions): CapturedOptions {
    const parent = opts.parent && (opts.parent as unknown as { __pulumiType?: string }).__pulumiType !== ROOT_STACK_TYPE
        ? logicalNameOf(opts.parent) : undefined;
    const options: RecordedOptions = {
        protect: opts.protect,
        retainOnDelete: opts.retainOnDelete,
        deleteBeforeReplace: opts.deleteBeforeReplace,
        replaceOnChanges: opts.replaceOnChanges,
        ignoreChanges: opts.ignoreChanges,
        import: opts.import as string | undefined,
        dependsOn: dependsOnNames(opts.dependsOn),
        customTimeouts: opts.customTimeouts,
    };
    const defined = Object.entries(options).filter(([, v]) => v !== undefined);
    return { parent, options: Object.fromEntries(defined) };
}

function joinRecords(records: MockRecord[], captured: Map<string, CapturedOptions>, mask: string | undefined): RenderedResource[] {
    return records
        .filter((r) => r.type !== ROOT_STACK_TYPE)
        .map((r) => {
            const extra = captured.get(`${r.type}::${r.name}`) ?? { options: {} };
            return {
                type: r.type,
                name: r.name,
                parent: extra.parent,
                custom: r.custom,
                inputs: maskSecrets(r.inputs, mask) as Record<string, unknown>,
                options: extra.options,
            };
        });
}

/**
 * The SDK records a stack trace on every promise it creates (several per output property) for a
 * leak report an offline render never shows. Mapping those through tsx's source maps was 40% of a
 * render and formatting them another 30%; without frames (stackTraceLimit 0) they cost next to
 * nothing. QDB_RENDER_STACKS=1 keeps full, mapped traces for debugging the program.
 */
function quietStackTraces(): void {
    if (process.env.QDB_RENDER_STACKS === "1") {
        // Compiled code (.build/) maps its traces to the TypeScript sources through its .js.map files.
        process.setSourceMapsEnabled(true);
        return;
    }
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
}

/** A Pulumi program: the path of its entry module, or its exported function itself. */
export type Program = string | (() => unknown);

/** Loads the program the way Pulumi's Node.js runtime does: an exported function is called and awaited. */
export async function runProgram(program: Program): Promise<Record<string, unknown>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = typeof program === "string" ? require(program) : program;
    const outputs = typeof exported === "function" ? await exported() : exported;
    return { ...outputs };
}

/**
 * Runs the real program once under Pulumi's mock runtime and records what it registers. The mock
 * runtime is global to the process: call this at most once per process (see render/child.ts).
 */
export async function renderInProcess(request: RenderRequest, program: Program = MAIN_PROGRAM): Promise<Render> {
    quietStackTraces();
    const mocks = new RecordingMocks(request.preview, request.previousOutputs, request.cluster);
    const captured = new Map<string, CapturedOptions>();
    pulumi.runtime.setAllConfig(request.config, request.secretKeys);
    await pulumi.runtime.setMocks(mocks, "questdb-cloud", request.stack, request.preview, "organization");
    let programError: unknown;
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            captured.set(`${args.type}::${args.name}`, captureOptions(args.opts));
            return undefined;
        });
        // The SDK reports an error thrown here as an unhandled rejection; keep it and rethrow.
        try {
            return await runProgram(program);
        } catch (err) {
            programError = err;
            return {};
        }
    });
    await pulumi.runtime.disconnect();
    if (programError !== undefined) {
        throw programError;
    }
    const mask = request.revealSecrets ? undefined : SECRET_MASK;
    return {
        stack: request.stack,
        preview: request.preview,
        resources: joinRecords(mocks.records, captured, mask),
        outputs: maskSecrets(outputs ?? {}, mask) as Record<string, unknown>,
        invokes: { ...mocks.invokes },
        simulations: mocks.calls.filter((c) => c.token === SIMULATION_TOKEN).map((c) => c.inputs),
    };
}
