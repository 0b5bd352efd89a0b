/**
 * The rules, wrapped as @pulumi/policy resource policies. Only types are imported from
 * @pulumi/policy: index.ts is the one module that constructs the PolicyPack (which starts serving
 * on import), so tests can call these validateResource functions with hand-built arguments.
 */
// From "@pulumi/policy/policy", not the package root: the root index.d.ts of 1.21.0 re-exports two
// names its proxy.d.ts does not declare, which fails `tsc` without skipLibCheck.
import type { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy/policy";
import { RULES, Rule } from "./rules";

export const PACK_NAME = "questdb-cloud-guardrails";

export function toPolicy(rule: Rule): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: "mandatory",
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            // `protect` is a resource option; the policy SDK hands options over in args.opts.
            for (const message of rule.check(args.type, args.props, { protect: args.opts?.protect })) {
                reportViolation(message);
            }
        },
    };
}

export function policies(): ResourceValidationPolicy[] {
    return RULES.map(toPolicy);
}
