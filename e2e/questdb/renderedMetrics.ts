import { Render } from "../../render";
import { parsePromql } from "../../test/observability/promql";
import { OBS_TYPES } from "../../test/observability/support";
import { TYPES, resourcesOfDatabase } from "../../test/support/stacks";

/** Every rendered PrometheusRule group of a render, or of one database. */
export function renderedRuleGroups(render: Render, id?: string): { name: string; rules: { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] {
    const resources = id === undefined ? render.resources : resourcesOfDatabase(render, id);
    return resources
        .filter((r) => r.type === OBS_TYPES.prometheusRule)
        .flatMap((r) => (r.inputs as { spec: { groups: ReturnType<typeof renderedRuleGroups> } }).spec.groups);
}

/** The PromQL of every panel of the rendered Grafana dashboard(s). */
export function dashboardExpressions(render: Render): string[] {
    return render.resources
        .filter((r) => r.type === TYPES.configMap && r.name.endsWith("-dashboard"))
        .flatMap((r) => Object.values((r.inputs as { data: Record<string, string> }).data))
        .flatMap((json) => (JSON.parse(json) as { panels: { targets?: { expr: string }[] }[] }).panels)
        .flatMap((panel) => (panel.targets ?? []).map((t) => t.expr));
}

/** QuestDB's own metrics; `questdb_cloud_*` are what our backup and drill scripts push (PUSHED_METRICS), not QuestDB's. */
function questdbMetrics(expressions: readonly string[]): string[] {
    return [...new Set(expressions.flatMap((e) => parsePromql(e).metrics).filter((m) => m.startsWith("questdb_") && !m.startsWith("questdb_cloud_")))].sort();
}

/** The questdb_* metrics a database's rendered alert rules select. */
export function questdbMetricsOfRules(render: Render, id: string): string[] {
    return questdbMetrics(renderedRuleGroups(render, id).flatMap((g) => g.rules.map((r) => r.expr)));
}

/** The questdb_* metrics the rendered dashboard selects. */
export function questdbMetricsOfDashboard(render: Render): string[] {
    const expressions = dashboardExpressions(render);
    if (expressions.length === 0) {
        throw new Error(`the render of ${render.stack} has no dashboard panels`);
    }
    return questdbMetrics(expressions);
}
