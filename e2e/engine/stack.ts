/**
 * The driver: the real program (index.ts, unchanged) as an Automation API inline program, run by
 * the CLI built from source, on a file backend with a passphrase, against the tier's cluster.
 * The only stand-ins are at the plugin boundary: the `aws` resource plugin (e2e/fakeaws) and an
 * `aws` executable on PATH that answers `aws eks get-token` with the cluster's token.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { parse, parseDocument } from "yaml";
import { EngineEvent, LocalWorkspace, OpType, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { NodeImageKey } from "../../components/karpenterNodeClasses";
import { CONFIG_NAMESPACE, StackFile, parseStackFile } from "../../inventory";
import { amiParameterName } from "../../stacks/karpenter";
import { NODE_ACCESS_ENTRY_TYPE } from "../../stacks/karpenterPreflight";
import { REQUIRED_ADDONS } from "../../stacks/preflight";
import { WorldEntry, accessEntryEntry, addonEntry, ssmParameterEntry, writeWorld } from "../fakeaws/provider";
import { Cluster } from "./cluster";
import { Components } from "./components";
import { KillPoint, killCli } from "./interrupt";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const PROJECT = "questdb-cloud";
const PASSPHRASE = "qdb-e2e-passphrase";
/** Longest wait for a kill point: a create of a few databases reaches each in well under this. */
const KILL_POINT_TIMEOUT_MS = 180_000;
const FAKE_AWS_MAIN = path.resolve(__dirname, "..", "fakeaws", "main.ts");

/** What one engine step did to one resource, from the engine's events. */
export interface Step {
    readonly op: OpType;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
}

/** When a resource's step started (`pre`) or finished (`done`), in the engine's event order. */
export interface StepEvent {
    readonly phase: "pre" | "done";
    readonly name: string;
    readonly op: OpType;
}

/** An `up` the test SIGKILLed (issue 25.1). */
export interface KilledRun {
    readonly point: string;
    /** The CLI and its plugins, all killed. */
    readonly processes: number;
    /** The steps the engine had started when it died. */
    readonly steps: Step[];
}

export interface RunResult {
    /** Every step that is not `same` (reads of the stack reference included). */
    readonly steps: Step[];
    /** Starts and finishes of those steps, in order: what ran after what. */
    readonly timeline: StepEvent[];
    /** The engine's summary: op to count. */
    readonly summary: Record<string, number>;
    readonly stdout: string;
}

function pluginVersion(pkg: string): string {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** The fake `aws` executable: only `aws eks get-token`, answered with the cluster's token. */
function writeFakeAwsCli(binDir: string, token: string): void {
    const credential = JSON.stringify({
        apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { token },
    });
    fs.writeFileSync(path.join(binDir, "aws"), [
        "#!/bin/sh",
        "# The e2e tier's aws CLI: the program's kubeconfig runs `aws eks get-token`; nothing else is answered.",
        `if [ "$1 $2" = "eks get-token" ]; then echo '${credential}'; exit 0; fi`,
        "echo \"fake aws CLI: not modelled: $*\" >&2; exit 1",
        "",
    ].join("\n"), { mode: 0o755 });
}

/** The fake `aws` resource plugin's executable: node running e2e/fakeaws/main.ts through tsx. */
function writeFakeAwsPlugin(dir: string): string {
    const file = path.join(dir, "pulumi-resource-aws");
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    fs.writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${FAKE_AWS_MAIN}" "$@"\n`, { mode: 0o755 });
    return file;
}

/**
 * The region's AWS side as the runbook prepares it and AWS publishes it: the cluster's EKS
 * add-ons (the EBS CSI driver, the VPC CNI with NetworkPolicy enforcement on, the Pod Identity
 * agent), the node role's EC2_LINUX access entry (what the preflights ask AWS for), and the public
 * SSM parameter of the EKS AL2023 AMI of the region's default node image, per architecture.
 */
function prepareRegion(worldFile: string, stackYaml: string): void {
    type Region = { clusterName?: string; nodeRoleArn?: string; defaults?: { nodeImage?: string } };
    const region = (parse(stackYaml) as { config: Record<string, Region | undefined> }).config[`${CONFIG_NAMESPACE}:region`] ?? {};
    const clusterName = region.clusterName as string;
    const nodeImage = region.defaults?.nodeImage;
    writeWorld(worldFile, Object.fromEntries([
        addonEntry(clusterName, REQUIRED_ADDONS.ebsCsi),
        addonEntry(clusterName, REQUIRED_ADDONS.vpcCni, JSON.stringify({ enableNetworkPolicy: "true" })),
        addonEntry(clusterName, REQUIRED_ADDONS.podIdentityAgent),
        accessEntryEntry(clusterName, region.nodeRoleArn as string, NODE_ACCESS_ENTRY_TYPE),
        ...(typeof nodeImage === "string" ? (["x86_64", "arm64"] as const).map((architecture) => publishedAmi({ nodeImage, architecture })) : []),
    ]));
}

/** The SSM parameter AWS publishes for an EKS AL2023 release, with a made-up AMI id of its own. */
export function publishedAmi(key: NodeImageKey): [string, WorldEntry] {
    const name = amiParameterName(key);
    return ssmParameterEntry(name, `ami-${crypto.createHash("sha256").update(name).digest("hex").slice(0, 17)}`);
}

/** A stack of the real program in a fresh backend, with the plugins installed from files. */
export class EngineStack {
    readonly worldFile: string;
    private constructor(
        readonly stack: Stack,
        readonly workDir: string,
        readonly stackName: string,
        readonly env: Record<string, string>,
        private readonly cli: string,
    ) {
        this.worldFile = env.QDB_E2E_FAKEAWS_WORLD;
    }

    /**
     * `sharing`: another stack of the tier whose backend, PULUMI_HOME, project directory and AWS
     * world this one uses (cells on one cluster, one account): `pulumi state move` needs both
     * stacks on one backend, and `qdb move` both files in one folder. @default a backend of its own
     */
    static async create(components: Components, cluster: Cluster, stackName: string, stackYaml: string, sharing?: EngineStack): Promise<EngineStack> {
        if (sharing) {
            return EngineStack.open(components, sharing.workDir, sharing.env, sharing.cli, stackName, stackYaml);
        }
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "qdb-e2e-engine-"));
        const [home, state, bin, work] = ["home", "state", "bin", "work"].map((d) => path.join(root, d));
        [home, state, bin, work].forEach((d) => fs.mkdirSync(d, { recursive: true }));
        writeFakeAwsCli(bin, cluster.token);
        const awsVersion = pluginVersion("@pulumi/aws");
        const env: Record<string, string> = {
            PULUMI_HOME: home,
            // No `.attrs` sidecar beside each state file: a CLI killed mid-write leaves it empty and
            // every later command fails with "failed to load checkpoint: EOF" (issue 25.1). Without
            // it a state write is one rename, atomic as an S3 PUT is, which is what CI's backend does.
            PULUMI_BACKEND_URL: `${pathToFileURL(state).href}?metadata=skip`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            // No Pulumi Cloud here: resolve plugin names locally, never through the registry.
            PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
            PATH: `${bin}:${process.env.PATH ?? ""}`,
            QDB_E2E_APISERVER: cluster.server,
            QDB_E2E_CA_DATA: Buffer.from(cluster.caPem).toString("base64"),
            QDB_E2E_FAKEAWS_WORLD: path.join(root, "aws-world.json"),
            QDB_E2E_FAKEAWS_VERSION: awsVersion,
        };
        const cli = path.join(components.pulumiRoot, "bin", "pulumi");
        const install = (kind: string, name: string, version: string, file: string) =>
            execFileSync(cli, ["plugin", "install", kind, name, version, "--file", file], { env: { ...process.env, ...env }, stdio: "pipe" });
        install("resource", "kubernetes", pluginVersion("@pulumi/kubernetes"), components.kubernetesProvider);
        install("resource", "aws", awsVersion, writeFakeAwsPlugin(root));
        prepareRegion(env.QDB_E2E_FAKEAWS_WORLD, stackYaml);
        return EngineStack.open(components, work, env, cli, stackName, stackYaml);
    }

    /** A stack in an existing backend and project directory, its plugins installed. */
    private static async open(components: Components, work: string, env: Record<string, string>, cli: string, stackName: string, stackYaml: string): Promise<EngineStack> {
        const home = env.PULUMI_HOME;
        fs.writeFileSync(path.join(work, `Pulumi.${stackName}.yaml`), stackYaml);
        const pulumiCommand = await PulumiCommand.get({ root: components.pulumiRoot });
        const program = async () => {
            // The program exactly as `pulumi up` runs it: index.ts's exported async function.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const main = require(path.join(PROJECT_DIR, "index.ts")) as () => Promise<Record<string, unknown>>;
            return main();
        };
        const workspace = await LocalWorkspace.create({
            workDir: work, pulumiHome: home, pulumiCommand, envVars: env, program,
            projectSettings: { name: PROJECT, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
        });
        const stack = await Stack.create(stackName, workspace);
        await stack.setConfig(`${CONFIG_NAMESPACE}:credentialsSeed`, { value: "e2e-seed-0123456789abcdef0123456789abcdef", secret: true });
        return new EngineStack(stack, work, stackName, env, cli);
    }

    get stackFilePath(): string {
        return path.join(this.workDir, `Pulumi.${this.stackName}.yaml`);
    }

    /** The stack file as the offline tools read it. */
    stackFile(): StackFile {
        return parseStackFile(fs.readFileSync(this.stackFilePath, "utf8"), this.stackFilePath, this.stackName);
    }

    /** Replaces the databases list in the stack file (the seed and salt stay). Returns the file before the edit. */
    setDatabases(databases: unknown[]): StackFile {
        const before = this.stackFile();
        const doc = parseDocument(fs.readFileSync(this.stackFilePath, "utf8"));
        doc.setIn(["config", `${CONFIG_NAMESPACE}:databases`], databases);
        fs.writeFileSync(this.stackFilePath, doc.toString());
        return before;
    }

    async up(): Promise<RunResult> {
        return this.upWith({});
    }

    /** `pulumi up --plan <file>`: the update may do only what the saved plan allows. */
    async upWithPlan(plan: string): Promise<RunResult> {
        return this.upWith({ plan });
    }

    private async upWith(options: { plan?: string }): Promise<RunResult> {
        const events: EngineEvent[] = [];
        const result = await this.stack.up({ ...options, onEvent: (e) => events.push(e), color: "never" });
        return { steps: stepsOf(events), timeline: timelineOf(events), summary: result.summary.resourceChanges as Record<string, number> ?? {}, stdout: result.stdout };
    }

    /**
     * `up` (or `up --plan`) killed with SIGKILL, CLI and plugins, at the kill point: the first
     * matching engine event, then whatever the point waits for. Fails if the up ends first.
     */
    async upKilledAt(point: KillPoint, options: { plan?: string } = {}): Promise<KilledRun> {
        const events: EngineEvent[] = [];
        let kill: Promise<number> | undefined;
        const onEvent = (e: EngineEvent) => {
            events.push(e);
            if (kill === undefined && point.at(e)) {
                // Kill even when the wait fails, or a hanging create would hold the up forever.
                kill = (point.then?.() ?? Promise.resolve()).then(
                    () => killCli(this.cli),
                    (err: Error) => { killCli(this.cli); throw err; },
                );
                // Awaited once the up has ended; until then a failed wait is not unhandled.
                kill.catch(() => undefined);
            }
        };
        // A kill point that never comes must not leave a hanging create holding the test.
        const guard = setTimeout(() => {
            if (kill === undefined) {
                kill = Promise.reject(new Error(`no "${point.name}" within ${KILL_POINT_TIMEOUT_MS / 1000} s`));
                kill.catch(() => undefined);
                killCli(this.cli);
            }
        }, KILL_POINT_TIMEOUT_MS);
        const ended = await this.stack.up({ ...options, onEvent, color: "never" }).then(() => undefined, (err: Error) => err).finally(() => clearTimeout(guard));
        if (kill === undefined) {
            throw new Error(`the up ended before its kill point "${point.name}": ${ended?.message.slice(0, 2000) ?? "it succeeded"}`);
        }
        const processes = await kill;
        if (ended === undefined) {
            throw new Error(`the up succeeded though it was killed at "${point.name}"`);
        }
        return { point: point.name, processes, steps: stepsOf(events) };
    }

    async preview(): Promise<RunResult> {
        const events: EngineEvent[] = [];
        const result = await this.stack.preview({ onEvent: (e) => events.push(e), color: "never" });
        return { steps: stepsOf(events), timeline: timelineOf(events), summary: result.changeSummary as Record<string, number>, stdout: result.stdout };
    }

    /** The stack's outputs, as the next run's self-reference reads them. */
    async outputs(): Promise<Record<string, unknown>> {
        const out = await this.stack.outputs();
        return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
    }

    /** The CLI itself, for what the Automation API does not wrap. */
    cliRun(args: string[]): string {
        return execFileSync(this.cli, args, { cwd: this.workDir, env: { ...process.env, ...this.env }, encoding: "utf8", maxBuffer: 256 * 1024 ** 2 });
    }
}

/** The steps the engine reported, one per resource, from its resource-pre events. */
export function stepsOf(events: readonly EngineEvent[]): Step[] {
    const steps: Step[] = [];
    for (const e of events) {
        const m = e.resourcePreEvent?.metadata;
        if (m && m.op !== "same") {
            steps.push({ op: m.op, type: m.type, name: m.urn.split("::").pop() as string, urn: m.urn });
        }
    }
    return steps;
}

/** The start and finish of every step that is not `same`, in the order the engine reported them. */
export function timelineOf(events: readonly EngineEvent[]): StepEvent[] {
    const timeline: StepEvent[] = [];
    for (const e of events) {
        const [phase, m] = e.resourcePreEvent ? ["pre" as const, e.resourcePreEvent.metadata] : e.resOutputsEvent ? ["done" as const, e.resOutputsEvent.metadata] : [undefined, undefined];
        if (phase && m && m.op !== "same") {
            timeline.push({ phase, op: m.op, name: m.urn.split("::").pop() as string });
        }
    }
    return timeline;
}
