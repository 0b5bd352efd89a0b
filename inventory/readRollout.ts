/**
 * The region's `rollout` block, read for `qdb rollout` (docs/decisions.md, "Rollout waves and
 * gates"). The program renders nothing from it; it is validated here so that a typo fails
 * `pulumi preview` and `qdb validate` alike, not the first rollout.
 */
import { DEFAULTS } from "./defaults";
import { FieldReader } from "./fields";
import type { RolloutSpec } from "./types";

const ROLLOUT_FIELDS = ["prometheusUrl", "canaryBakeHours", "waveBakeHours", "halted"];

/**
 * An http(s) base URL without user info, query or fragment: credentials never sit in plain
 * config (they come from the environment, tools/qdb/rollout/prometheus.ts), and the tool appends the path.
 */
export const PROMETHEUS_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/;

/** Up to a month: a bake longer than that is a stalled rollout, not a gate. */
const BAKE_RULE = { min: 1, max: 720, unit: "hours" } as const;

export function readRollout(r: FieldReader): RolloutSpec {
    const base: RolloutSpec = { ...DEFAULTS.rollout };
    const o = r.optionalObject("rollout", "{prometheusUrl: https://prometheus.monitoring.example:9090, canaryBakeHours: 24, waveBakeHours: 12}");
    if (!o) {
        return base;
    }
    o.rejectUnknownFields(ROLLOUT_FIELDS);
    const withCredentials = typeof o.raw("prometheusUrl") === "string" && /\/\/[^/]*@/.test(o.raw("prometheusUrl") as string);
    if (withCredentials) {
        // The value is not echoed: it holds a secret.
        o.problem("prometheusUrl", "carries credentials in plain config",
            "remove the user:password@ part and put the token in QDB_PROMETHEUS_TOKEN or a file named by QDB_PROMETHEUS_TOKEN_FILE", "(redacted)");
    }
    const prometheusUrl = withCredentials ? undefined : o.optionalString("prometheusUrl", { pattern: PROMETHEUS_URL, expected: "an http(s) base URL such as https://prometheus.monitoring.example:9090, without credentials or query" });
    const halted = o.optionalString("halted", { expected: "the reason `qdb rollout` wrote, or nothing: `npx qdb unset --stack <stack> rollout.halted` removes it" });
    return {
        ...(prometheusUrl ? { prometheusUrl } : {}),
        canaryBakeHours: o.optionalInteger("canaryBakeHours", BAKE_RULE) ?? base.canaryBakeHours,
        waveBakeHours: o.optionalInteger("waveBakeHours", BAKE_RULE) ?? base.waveBakeHours,
        ...(halted ? { halted } : {}),
    };
}
