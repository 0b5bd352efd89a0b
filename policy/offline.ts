/**
 * The same rules, run offline over a render (render/: every resource the program registers under
 * mocks, with its inputs and options). Tests and tools call this, so CI enforces exactly what
 * `pulumi preview --policy-pack policy` enforces, without a Pulumi CLI. Structural types only:
 * the pack stays installable from this folder alone.
 */
import { Props, RuleOptions, checkResource } from "./rules";

/** The part of render/types.ts RenderedResource that the rules read. */
export interface CheckedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Props;
    readonly options: RuleOptions;
}

export interface ResourceViolation {
    readonly type: string;
    readonly name: string;
    readonly rule: string;
    readonly message: string;
}

/** A render records an option only when the program set it; unset means false, as in the engine. */
export function violationsOf(resources: readonly CheckedResource[]): ResourceViolation[] {
    return resources.flatMap((r) => checkResource(r.type, r.inputs, { protect: r.options.protect ?? false, retainOnDelete: r.options.retainOnDelete ?? false })
        .map((v) => ({ type: r.type, name: r.name, ...v })));
}

export function formatViolation(v: ResourceViolation): string {
    return `${v.type} ${v.name}: [${v.rule}] ${v.message}`;
}
