/** Markdown (for a PR comment) and terminal renderings of an ImpactReport. */
import { DatabaseImpact, ImpactKind, ImpactReport, ResourceImpact } from "./types";

const ICON: Readonly<Record<ImpactKind, string>> = {
    "no-op": "⚪", held: "⏸️", "moved-out": "➡️", "moved-in": "⬅️", released: "⚪", adopted: "⚪", "in-place-update": "🟢", created: "🆕", starts: "🟡", "volume-change": "🟢", converge: "🟡",
    "rolling-restart": "🟡", "rolling-node-update": "🟡", "node-replacement": "🟠", "provisioner-move": "🟠", down: "🔴", decommission: "🔴", "data-at-risk": "⛔", refused: "🚫",
};

function warnings(report: ImpactReport, failure?: string): string[] {
    const lines: string[] = [];
    if (failure) {
        lines.push(`**Check failed:** ${failure}.`);
    }
    if (report.refused) {
        lines.push("**Refused: the program refuses this change; `pulumi preview` will fail and nothing is deployed.** Fix every refusal below:",
            ...report.refusals.map((r) => `- ${r}`));
    }
    if (report.dataAtRisk) {
        lines.push("**Data at risk:** a data volume (or its PV/PVC) would be deleted or replaced. Do not merge as is.");
    }
    if (report.previewWillFail && !report.refused) {
        lines.push("**`pulumi preview` will fail:** a protected resource would be deleted or replaced " +
            "(protect: true). Revert the edit; unprotecting is never a fix, only a reviewed step of a data migration plan (docs/offline-tools.md, \"Protected resources\").");
    }
    return [...report.notes.map((n) => `Note: ${n}`), ...lines];
}

function resourceRow(r: ResourceImpact): string {
    const replace = r.replaceBecause.length > 0 ? ` (replace: ${r.replaceBecause.join(", ")})` : "";
    const blocked = r.blockedByProtect ? " — protected, preview fails" : "";
    return `| \`${r.name}\` | ${r.type} | ${r.action}${replace} | ${r.kind}${blocked} | ${r.reason.replace(/\|/g, "\\|")} |`;
}

function databaseSection(d: DatabaseImpact): string[] {
    return [
        `### ${ICON[d.kind]} \`${d.id}\`: ${d.kind}${d.lifecycle ? ` (${d.lifecycle})` : ""}`,
        "",
        `Expected downtime: ${d.downtime}`,
        "",
        ...(d.refusals ?? []).map((r) => `- refused: ${r}`),
        ...(d.refusals?.length ? [""] : []),
        ...(d.resources.length > 0 ? [
            `Resource changes: ${d.kinds.filter((k) => k !== "refused").join(", ")}`,
            "",
            "| Resource | Type | Action | Impact | Change |",
            "|---|---|---|---|---|",
            ...d.resources.map(resourceRow),
            "",
        ] : []),
        ...(d.held?.length ? [
            "Held until `adopt.step: converge` (nothing changes now):",
            "",
            "| Resource | Type | At converge | Impact then | Change |",
            "|---|---|---|---|---|",
            ...d.held.map((h) => `| \`${h.name}\` | ${h.type} | ${h.atConverge} | ${h.kindAtConverge} | ${h.reason.replace(/\|/g, "\\|")} |`),
            "",
        ] : []),
    ];
}

/** A Markdown report for a pull-request comment; `failure` is why a check failed (e.g. --max-databases). */
export function formatImpactMarkdown(report: ImpactReport, failure?: string): string {
    const header = `## Change impact: stack \`${report.stack}\``;
    const top = warnings(report, failure).flatMap((w) => [w, ""]);
    if (report.databases.length === 0) {
        return [header, "", ...top, "No-op: nothing the program registers changes.", ""].join("\n");
    }
    const summary = [
        "| Database | Impact | Expected downtime |",
        "|---|---|---|",
        ...report.databases.map((d) => `| \`${d.id}\`${d.database ? "" : " (region-wide)"} | ${ICON[d.kind]} ${d.kind}${d.lifecycle?.includes("->") ? ` (${d.lifecycle})` : ""} | ${d.downtime} |`),
    ];
    const untouched = report.untouched.length > 0 ? [`Untouched: ${report.untouched.length} database(s).`, ""] : [];
    return [header, "", ...top, ...summary, "", ...untouched, ...report.databases.flatMap(databaseSection)].join("\n");
}

/** A few terminal lines: one per touched database, plus the warnings. */
export function formatImpactSummary(report: ImpactReport): string {
    const warn = warnings(report).map((w) => `  ! ${w.replace(/\*\*|`/g, "")}`);
    if (report.databases.length === 0) {
        return [`${report.stack}: no-op (nothing changes)`, ...warn].join("\n");
    }
    const width = Math.max(...report.databases.map((d) => d.id.length));
    const lines = report.databases.map((d) => `  ${d.id.padEnd(width)}  ${d.kind.padEnd(19)} downtime: ${d.downtime}`);
    const held = report.databases.filter((d) => d.database && d.kind === "held").length;
    return [`${report.stack}: ${report.touchedDatabases} database(s) touched, ${held > 0 ? `${held} held until converge, ` : ""}${report.untouched.length} untouched`,
        ...lines, ...warn].join("\n");
}
