/**
 * Pure: what AWS's answer to one simulation means. The simulator now answers one EvaluationResult
 * per action, whose EvalDecision is the most restrictive across the resources, with each resource's
 * own decision in ResourceSpecificResults (IAM API reference, "EvaluationResult"); older answers
 * had one result per resource. Both are read, and every resource's decision counts: IAM allows a
 * call only when every resource it names is allowed (CreateSnapshot: the volume and the snapshot).
 */
import type { Problem } from "../../inventory";
import { SimulationRequest, databaseProblem } from "./requests";

/** One decision of the simulator, on one resource. */
export interface Decision {
    readonly action: string;
    readonly resource: string;
    readonly decision: string;
    /** Context keys the role's policies read that the request did not carry. */
    readonly missingContext: readonly string[];
}

interface ResourceResult { EvalResourceName?: string; EvalResourceDecision?: string; MissingContextValues?: string[] }
interface EvaluationResult { EvalActionName?: string; EvalResourceName?: string; EvalDecision?: string; MissingContextValues?: string[]; ResourceSpecificResults?: ResourceResult[] }

/** Every decision in an answer (`aws ... --output json`); undefined when it is no simulator answer. */
export function decisionsOf(answer: unknown): Decision[] | undefined {
    const results = (answer as { EvaluationResults?: unknown } | null)?.EvaluationResults;
    if (!Array.isArray(results)) {
        return undefined;
    }
    return (results as EvaluationResult[]).flatMap((r) => {
        const action = r.EvalActionName ?? "(no action)";
        const missing = r.MissingContextValues ?? [];
        const own: Decision = { action, resource: r.EvalResourceName ?? "*", decision: r.EvalDecision ?? "(no decision)", missingContext: missing };
        const perResource = (r.ResourceSpecificResults ?? []).map((s): Decision => ({
            action, resource: s.EvalResourceName ?? own.resource, decision: s.EvalResourceDecision ?? "(no decision)", missingContext: s.MissingContextValues ?? missing,
        }));
        // The top-level decision aggregates the resources' own: it says more only when none of them is denied.
        return perResource.some((d) => d.decision !== "allowed") ? perResource : [own, ...perResource];
    });
}

const where = (r: SimulationRequest) => `${r.role} role ${r.roleArn}`;

/** What to do about a denial: the deployed policy or the program's policy is wrong, not the check. */
function denialFix(r: SimulationRequest): string {
    const source = r.role === "backup" ? "backupPolicyDocument in components/deployment/backup.ts" : "drillPolicyDocument in components/restoreDrills.ts";
    return `if the role was edited by hand, \`pulumi up --stack ${r.stack}\` restores the program's policy; if the program's own policy denies it, ` +
        `${source} must allow ${r.script}'s ${r.call} (the table in components/scriptAwsCalls.ts says which resources and context keys AWS sets)`;
}

/** The problems of one answered request: each resource's decision that is not `allowed`, or an unreadable answer. */
export function answerProblems(r: SimulationRequest, answer: unknown): Problem[] {
    const decisions = decisionsOf(answer);
    const field = `${where(r)}: ${r.action} (${r.script} ${r.call})`;
    if (decisions === undefined || !decisions.some((d) => d.action === r.action)) {
        return [databaseProblem(r.database, field, answer, "the simulator's answer has no EvaluationResults for this action",
            "run the printed request by hand with `aws iam simulate-principal-policy` and read its answer; the AWS CLI may be too old for the simulator")];
    }
    const denied = decisions.filter((d) => d.decision !== "allowed");
    const seen = new Set<string>();
    return denied.filter((d) => !seen.has(`${d.resource} ${d.decision}`) && seen.add(`${d.resource} ${d.decision}`)).map((d) => databaseProblem(r.database,
        `${field} on ${d.resource}`, d.decision,
        `AWS's policy simulator does not allow it${d.missingContext.length > 0 ? `; the policies read context keys the request did not carry: ${d.missingContext.join(", ")}` : ""}`,
        denialFix(r)));
}

/** A request the CLI could not carry out (denied to the preview role, throttled, no CLI). */
export function failureProblem(r: SimulationRequest, error: string): Problem {
    const denied = /AccessDenied|not authorized/i.test(error);
    return databaseProblem(r.database, `${where(r)}: ${r.action} (${r.script} ${r.call})`, error.trim().split("\n").slice(-3).join(" "),
        "the simulation itself failed",
        denied ? `give the role that runs the drift check iam:SimulatePrincipalPolicy on ${r.roleArn} (docs/ci.md, AWS_PREVIEW_ROLE_ARN)`
            : "check that `aws` (the AWS CLI) is on PATH and has credentials, then run the workflow again");
}
