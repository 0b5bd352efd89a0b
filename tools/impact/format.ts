/** Markdown (for a PR comment) and terminal renderings of an ImpactReport. */
import { DatabaseImpact, ImpactKind, ImpactReport, ResourceImpact } from "./types";

const ICON: Readonly<Record<ImpactKind, string>> = {
    "no-op": "⚪", released: "⚪", adopted: "⚪", "in-place-update": "🟢", created: "🆕", "volume-change": "🟢", converge: "🟡", "rolling-restart": "🟡",
    "rolling-node-update": "🟡", "node-replacement": "🟠", down: "🔴", "data-at-risk": "⛔",
};

function warnings(report: ImpactReport): string[] {
    const lines: string[] = [];
    if (report.dataAtRisk) {
        lines.push("**Data at risk:** a data volume (or its PV/PVC) would be deleted or replaced. Do not merge as is.");
    }
    if (report.refusals.length > 0) {
        lines.push("**The program refuses this change;** `pulumi preview` will fail with:", ...report.refusals.map((r) => `- ${r}`));
    }
    for (const note of report.notes) {
        lines.push(`**Note:** ${note}`);
    }
    if (report.previewWillFail && report.refusals.length === 0) {
        lines.push("**`pulumi preview` will fail:** a protected resource would be deleted or replaced " +
            "(protect: true). Unprotect it deliberately (`pulumi state unprotect`) only after a data migration plan.");
    }
    return lines;
}

function resourceRow(r: ResourceImpact): string {
    const replace = r.replaceBecause.length > 0 ? ` (replace: ${r.replaceBecause.join(", ")})` : "";
    const blocked = r.blockedByProtect ? " — protected, preview fails" : "";
    return `| \`${r.name}\` | ${r.type} | ${r.action}${replace} | ${r.kind}${blocked} | ${r.reason.replace(/\|/g, "\\|")} |`;
}

function databaseSection(d: DatabaseImpact): string[] {
    return [
        `### ${ICON[d.kind]} \`${d.id}\`: ${d.kinds.join(", ")}`,
        "",
        `Expected downtime: ${d.downtime}`,
        "",
        "| Resource | Type | Action | Impact | Change |",
        "|---|---|---|---|---|",
        ...d.resources.map(resourceRow),
        "",
    ];
}

/** A Markdown report for a pull-request comment. */
export function formatImpactMarkdown(report: ImpactReport): string {
    const header = `## Change impact: stack \`${report.stack}\``;
    if (report.databases.length === 0) {
        return `${header}\n\nNo-op: nothing the program registers changes.\n`;
    }
    const summary = [
        "| Database | Impact | Expected downtime |",
        "|---|---|---|",
        ...report.databases.map((d) => `| \`${d.id}\`${d.database ? "" : " (region-wide)"} | ${ICON[d.kind]} ${d.kind} | ${d.downtime} |`),
    ];
    const untouched = report.untouched.length > 0 ? [`Untouched: ${report.untouched.length} database(s).`, ""] : [];
    return [header, "", ...warnings(report).flatMap((w) => [w, ""]), ...summary, "", ...untouched,
        ...report.databases.flatMap(databaseSection)].join("\n");
}

/** A few terminal lines: one per touched database, plus the warnings. */
export function formatImpactSummary(report: ImpactReport): string {
    if (report.databases.length === 0) {
        return `${report.stack}: no-op (nothing changes)`;
    }
    const width = Math.max(...report.databases.map((d) => d.id.length));
    const lines = report.databases.map((d) => `  ${d.id.padEnd(width)}  ${d.kind.padEnd(19)} downtime: ${d.downtime}`);
    const warn = warnings(report).map((w) => `  ! ${w.replace(/\*\*|`/g, "")}`);
    return [`${report.stack}: ${report.touchedDatabases} database(s) touched, ${report.untouched.length} untouched`,
        ...lines, ...warn].join("\n");
}
