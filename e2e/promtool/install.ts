import { commandVersion, ensureDebianTool } from "../support/debian";


/**
 * promtool from Debian's `prometheus` package, installed on first use when root
 * (e2e/support/debian.ts); elsewhere a missing promtool is an error naming the install step.
 */
export function ensurePromtool(): Promise<string> {
    return ensureDebianTool({ pkg: "prometheus", what: "promtool", present: () => commandVersion("promtool", ["--version"]) });
}
