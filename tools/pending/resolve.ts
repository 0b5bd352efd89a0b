/**
 * Pending creates after a killed `pulumi up` (docs/runbook.md, "When a deployment was
 * interrupted"). The checkpoint records a create before the provider is called, so a killed CLI
 * leaves each in-flight create as a `creating` pending operation: the cloud may or may not hold
 * the resource. `pulumi refresh --clear-pending-creates` forgets them all, and the next `up` then
 * creates a second one of every AWS resource whose id AWS assigns (a volume, a launch template, a
 * node group named from a prefix): an orphan. `--import-pending-creates` does not help on the
 * CLI we run (3.274.1): it turns the operation into `importing`, which the refresh's checkpoint
 * then drops without recording the resource (pkg/backend/snapshot.go keeps only `creating`
 * operations; proven by e2e/engine/interrupted.e2e.test.ts). So the resolution is a state edit:
 * every AWS pending create is either imported with the id found by its tags, or declared absent;
 * Kubernetes ones are dropped, since the next `up`'s server-side apply takes over an object of the
 * same name. Pure: the CLI (tools/pendingCreates.ts) and the tests share it.
 */

/** The part of a `pulumi stack export` this reads and edits. */
export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly id?: string;
    readonly custom?: boolean;
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
    readonly [key: string]: unknown;
}

export interface PendingOperation {
    readonly type: string;
    readonly resource: StateResource;
}

export interface Deployment {
    readonly resources?: readonly StateResource[];
    readonly pending_operations?: readonly PendingOperation[];
    readonly [key: string]: unknown;
}

export interface StateExport {
    readonly version: number;
    readonly deployment: Deployment;
}

/** What the operator found for each AWS pending create: its id, or that AWS holds none. */
export interface Findings {
    readonly imports: ReadonlyMap<string, string>;
    readonly absent: ReadonlySet<string>;
}

export type ResolveResult =
    | { readonly ok: true; readonly state: StateExport; readonly imported: string[]; readonly dropped: string[] }
    | { readonly ok: false; readonly problems: string[] };

const isAws = (op: PendingOperation) => op.resource.type.startsWith("aws:");

export function pendingCreates(deployment: Deployment): PendingOperation[] {
    return (deployment.pending_operations ?? []).filter((op) => op.type === "creating");
}

/** The tags the program gave a resource: what to look it up by in AWS. */
export function tagsOf(resource: { readonly inputs?: Record<string, unknown> }): Record<string, string> {
    const tags = resource.inputs?.tags;
    return tags && typeof tags === "object" ? tags as Record<string, string> : {};
}

/** Every AWS pending create needs a decision; every decision must name a pending create. */
function problemsOf(creates: readonly PendingOperation[], findings: Findings): string[] {
    const urns = new Set(creates.map((op) => op.resource.urn));
    const undecided = creates.filter(isAws).filter((op) => !findings.imports.has(op.resource.urn) && !findings.absent.has(op.resource.urn));
    const unknown = [...findings.imports.keys(), ...findings.absent].filter((urn) => !urns.has(urn));
    const both = [...findings.imports.keys()].filter((urn) => findings.absent.has(urn));
    return [
        ...undecided.map((op) => `${op.resource.urn}: AWS may hold it (tags ${JSON.stringify(tagsOf(op.resource))}); give --import '${op.resource.urn}=<id>' with the id found by those tags, or --absent '${op.resource.urn}' if none is found`),
        ...unknown.map((urn) => `${urn}: not a pending create of this state`),
        ...both.map((urn) => `${urn}: both imported and absent`),
    ];
}

/**
 * The state with each imported pending create recorded as a resource with its id (its outputs
 * filled by the `pulumi refresh` that follows), and every pending create dropped. Appended after
 * the existing resources: what it depends on was created before it, and nothing depends on it yet.
 */
export function resolvePendingCreates(state: StateExport, findings: Findings): ResolveResult {
    const creates = pendingCreates(state.deployment);
    const problems = problemsOf(creates, findings);
    if (problems.length > 0) {
        return { ok: false, problems };
    }
    const imported = creates.filter((op) => findings.imports.has(op.resource.urn))
        .map((op) => ({ ...op.resource, id: findings.imports.get(op.resource.urn), outputs: op.resource.outputs ?? {} }));
    const deployment: Deployment = {
        ...state.deployment,
        resources: [...state.deployment.resources ?? [], ...imported],
        pending_operations: (state.deployment.pending_operations ?? []).filter((op) => op.type !== "creating"),
    };
    return {
        ok: true, state: { ...state, deployment },
        imported: imported.map((r) => r.urn),
        dropped: creates.filter((op) => !findings.imports.has(op.resource.urn)).map((op) => op.resource.urn),
    };
}
