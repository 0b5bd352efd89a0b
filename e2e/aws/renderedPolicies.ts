// Every IAM policy document a render registers, and every policy simulation it asks for, in the
// shape e2e/aws/checkPolicies.py reads. Pure: the render is all it looks at.
import { Render, RenderedResource } from "../../render";
import { TYPES, resourcesOfType } from "../../test/support/stacks";

/** An identity policy (what a role may do) or a trust policy (who may assume the role). */
export type PolicyKind = "identity" | "trust";

export interface PolicyUnderCheck {
    /** Unique in the render: `<stack>/<resource name>`, with `(trust)` for a role's trust policy. */
    readonly id: string;
    /**
     * The same for every database: the resource name with the database id replaced by
     * `<database>`, so that the known false positives (e2e/aws/knownFalsePositives.ts) are listed
     * once per policy, not once per database and stack.
     */
    readonly label: string;
    readonly kind: PolicyKind;
    readonly document: Record<string, unknown>;
}

/** The inputs of one `getPrincipalPolicySimulation` (stacks/simulation.ts). */
export interface SimulationUnderCheck {
    readonly id: string;
    readonly label: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
    readonly contextKeys: readonly string[];
}

/**
 * IAM resource types that carry no policy document, each with why it needs no check. Any other
 * `aws:iam/` type in a render fails `policiesOf`, so a new kind of policy is never left unchecked.
 */
export const IAM_TYPES_WITHOUT_DOCUMENT: Readonly<Record<string, string>> = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "attaches a managed policy by ARN; the document is AWS's or another resource's",
    "aws:iam/instanceProfile:InstanceProfile": "names a role; the role's own policies are checked",
};

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const MANAGED_POLICY = "aws:iam/policy:Policy";

/** A document as the provider receives it: a JSON string or an object; anything else is unresolved. */
export function parseDocument(value: unknown, where: string): Record<string, unknown> {
    if (typeof value === "string") {
        return JSON.parse(value) as Record<string, unknown>;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        return value as Record<string, unknown>;
    }
    throw new Error(`${where}: the policy is ${JSON.stringify(value)}, not a document: render with preview=false so that outputs resolve`);
}

/** `acme-analytics-backup-policy` -> `<database>-backup-policy`, for each database id of the render. */
export function genericName(name: string, databaseIds: readonly string[]): string {
    const id = [...databaseIds].sort((a, b) => b.length - a.length).find((d) => name === d || name.startsWith(`${d}-`));
    return id ? `<database>${name.slice(id.length)}` : name;
}

/** Every policy document of the render: roles' trust and inline policies, role policies, managed policies. */
export function policiesOf(render: Render): PolicyUnderCheck[] {
    const ids = resourcesOfType(render, TYPES.deployment).map((r) => r.name);
    const found: PolicyUnderCheck[] = [];
    const add = (r: RenderedResource, kind: PolicyKind, value: unknown, suffix = "") => found.push({
        id: `${render.stack}/${r.name}${suffix}`, label: `${genericName(r.name, ids)}${suffix}`, kind, document: parseDocument(value, `${r.type} ${r.name}${suffix}`),
    });
    for (const r of render.resources.filter((x) => x.type.startsWith("aws:iam/"))) {
        if (r.type === ROLE) {
            add(r, "trust", r.inputs.assumeRolePolicy, " (trust)");
            for (const [i, inline] of ((r.inputs.inlinePolicies ?? []) as { policy?: unknown }[]).entries()) {
                add(r, "identity", inline.policy, ` (inline ${i})`);
            }
        } else if (r.type === ROLE_POLICY || r.type === MANAGED_POLICY) {
            add(r, "identity", r.inputs.policy);
        } else if (!(r.type in IAM_TYPES_WITHOUT_DOCUMENT)) {
            throw new Error(`${r.type} ${r.name}: an IAM resource type the checks do not know; read its policy in e2e/aws/renderedPolicies.ts`);
        }
    }
    return found;
}

/** Every simulation the render asked IAM for, by the role it simulates. */
export function simulationsOf(render: Render): SimulationUnderCheck[] {
    return (render.simulations ?? []).map((s) => {
        const role = String(s.policySourceArn);
        return {
            id: `${render.stack}/simulation of ${role}`,
            label: `simulation of ${role.split("/").pop()}`,
            actions: (s.actionNames ?? []) as string[],
            resources: (s.resourceArns ?? []) as string[],
            contextKeys: ((s.contexts ?? []) as { key: string }[]).map((c) => c.key),
        };
    });
}
