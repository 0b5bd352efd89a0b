import { cidrProblem } from "./cidr";
import { FieldReader } from "./fields";
import { AccessSpec } from "./types";

const ACCESS_FIELDS = ["allowedCidrs"];
const EXPECTED = '{allowedCidrs: ["203.0.113.0/24", ...]}; [] means no access from outside the cluster';

/**
 * An `access` block: every CIDR checked, each bad one a problem. `fallback` undefined means the
 * block is required (the region default); otherwise a missing block inherits it whole.
 */
export function readAccess(r: FieldReader, fallback: AccessSpec | undefined, requiredFix?: string): AccessSpec | undefined {
    if (!r.has("access")) {
        if (!fallback && requiredFix) {
            r.problem("access", "this field is required: who may connect to a database has no safe default", requiredFix);
        }
        return fallback;
    }
    const a = r.optionalObject("access", EXPECTED);
    if (!a) {
        return undefined;
    }
    a.rejectUnknownFields(ACCESS_FIELDS);
    const list = a.raw("allowedCidrs");
    if (!Array.isArray(list)) {
        a.problem("allowedCidrs", list === undefined ? "this field is required" : "expected a list of CIDRs", `write ${a.path("allowedCidrs")} as a list, such as ["203.0.113.0/24"], or [] for no external access`);
        return undefined;
    }
    let ok = true;
    const seen = new Set<string>();
    Array.from(list, (item: unknown, index) => {
        const problem = typeof item === "string" ? cidrProblem(item) : { reason: "expected a CIDR string", fix: 'quote it, such as "203.0.113.0/24"' };
        const duplicate = typeof item === "string" && seen.has(item);
        if (problem || duplicate) {
            ok = false;
            a.problem(`allowedCidrs[${index}]`, problem?.reason ?? "is listed twice", problem?.fix ?? "remove the duplicate", item);
        }
        if (typeof item === "string") seen.add(item);
    });
    return ok ? { allowedCidrs: list as string[] } : undefined;
}
