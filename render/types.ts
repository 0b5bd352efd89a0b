import type { MockCluster } from "./mocks";

/** The resource options a reviewer cares about, as the program set them. */
export interface RecordedOptions {
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
    readonly deleteBeforeReplace?: boolean;
    readonly replaceOnChanges?: string[];
    readonly ignoreChanges?: string[];
    readonly import?: string;
    /** Logical names of the resources this one explicitly depends on. */
    readonly dependsOn?: string[];
    /** How long the engine waits for create, update and delete, e.g. "25m". */
    readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

/** One resource as the program registered it. Secret values read "[secret]". */
export interface RenderedResource {
    readonly type: string;
    readonly name: string;
    /** Logical name of the parent; undefined for children of the stack itself. */
    readonly parent?: string;
    /** False for component resources. */
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
    readonly options: RecordedOptions;
}

export interface Render {
    readonly stack: string;
    readonly preview: boolean;
    readonly resources: RenderedResource[];
    readonly outputs: Record<string, unknown>;
    /** How often each invoke token was called. */
    readonly invokes: Record<string, number>;
    /**
     * The inputs of every IAM policy simulation the program asked for (its preflight), in call
     * order: the actions, resource ARNs and context keys the IAM checks (e2e/aws) judge by IAM's
     * own database. Absent from renders made before it was recorded.
     */
    readonly simulations?: readonly Record<string, unknown>[];
}

/** The invoke the preflight simulates IAM policies with (stacks/simulation.ts). */
export const SIMULATION_TOKEN = "aws:iam/getPrincipalPolicySimulation:getPrincipalPolicySimulation";

/** What to render: a stack's config exactly as the Pulumi CLI would pass it. */
export interface RenderRequest {
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** Run as `pulumi preview` of a new stack (computed values unknown) rather than `up`. */
    readonly preview: boolean;
    /**
     * The stack's outputs from its last deployment, as its self-reference reads them back.
     * @default {} (a stack never deployed)
     */
    readonly previousOutputs?: Record<string, unknown>;
    /**
     * Record secret inputs as their values instead of "[secret]". Only the real-components tier
     * sets it, to log into a real QuestDB with the credentials the Secret carries.
     * @default false
     */
    readonly revealSecrets?: boolean;
    /**
     * What the mocks answer about the cluster (render/mocks.ts `MockCluster`), to render a CA
     * rotation, a new endpoint or a missing add-on. @default FAKE_CLUSTER
     */
    readonly cluster?: Partial<MockCluster>;
}

export const SECRET_MASK = "[secret]";
