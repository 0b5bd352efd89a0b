// Builds `promtool test rules` cases for the rendered alert rules: for every alert, series that
// make it fire and series that must not, with label sets read from the rendered expressions.
import * as fs from "fs";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";

export interface Rule {
    readonly alert: string;
    readonly expr: string;
    readonly for?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
}

export interface Group {
    readonly name: string;
    readonly rules: readonly Rule[];
}

interface Series {
    readonly series: string;
    readonly values: string;
}

interface ExpectedAlert {
    readonly exp_labels: Record<string, string>;
    readonly exp_annotations: Record<string, string>;
}

export interface AlertTest {
    readonly name: string;
    readonly interval: string;
    readonly input_series: Series[];
    readonly alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }[];
}

/** The equality matchers of every vector selector of an expression, by metric name. */
export function selectorLabels(expr: string): Map<string, Record<string, string>> {
    const found = new Map<string, Record<string, string>>();
    let metric: string | undefined;
    let labelName: string | undefined;
    let equality = false;
    parser.parse(expr).iterate({
        enter(node) {
            const text = expr.slice(node.from, node.to);
            if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
                metric = text;
                found.set(metric, found.get(metric) ?? {});
            } else if (node.name === "LabelName") {
                labelName = text;
            } else if (node.name === "EqlSingle") {
                equality = true;
            } else if (node.name === "StringLiteral" && metric && labelName && equality) {
                found.get(metric)![labelName] = JSON.parse(text) as string;
            }
            if (node.name.endsWith("LabelMatcher")) {
                labelName = undefined;
                equality = false;
            }
        },
    });
    return found;
}

function seriesText(metric: string, labels: Record<string, string>): string {
    const body = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
    return `${metric}{${body}}`;
}

/** Alert annotations as Prometheus renders them, for the two templates the rules use. */
export function expandAnnotation(text: string, value: number): string {
    const expanded = text
        .replace(/\{\{ \$value \| humanizePercentage \}\}/g, `${Number((value * 100).toPrecision(4))}%`)
        .replace(/\{\{ \$value \}\}/g, String(value));
    if (expanded.includes("{{")) {
        throw new Error(`annotation template the test cannot expand: ${text}`);
    }
    return expanded;
}

function expected(rule: Rule, seriesLabels: Record<string, string>, value: number): ExpectedAlert {
    const annotations = Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, expandAnnotation(v, value)]));
    return { exp_labels: { ...seriesLabels, ...rule.labels }, exp_annotations: annotations };
}

function metricOf(rule: Rule, prefix: string): [string, Record<string, string>] {
    const entry = [...selectorLabels(rule.expr)].find(([m]) => m.startsWith(prefix));
    if (!entry) {
        throw new Error(`alert ${rule.alert} selects no ${prefix}* metric: ${rule.expr}`);
    }
    return entry;
}

/** What a case needs besides the rule: healthy `up` series for every alerted database. */
export interface CaseContext {
    /** `up` series that keep QuestDbDown quiet for every database but the one under test. */
    readonly healthy: readonly Series[];
    /** Names and types the real QuestDB served on /metrics. */
    readonly served: ReadonlyMap<string, string>;
}

type CaseBuilder = (rule: Rule, ctx: CaseContext) => AlertTest[];

function test(name: string, series: Series[], checks: AlertTest["alert_rule_test"], ctx: CaseContext, keepUp = true): AlertTest {
    return { name, interval: "1m", input_series: [...(keepUp ? ctx.healthy : []), ...series], alert_rule_test: checks };
}

/** The up series of `rule`'s database is replaced, not added to, in the QuestDbDown cases. */
function withoutUpOf(ctx: CaseContext, labels: Record<string, string>): CaseContext {
    const own = seriesText("up", labels);
    return { ...ctx, healthy: ctx.healthy.filter((s) => s.series !== own) };
}

const BUILDERS: Readonly<Record<string, CaseBuilder>> = {
    QuestDbDown(rule, ctx) {
        const [metric, labels] = metricOf(rule, "up");
        const others = withoutUpOf(ctx, labels);
        const up = (values: string) => ({ series: seriesText(metric, { ...labels, instance: "10.0.0.1:9003" }), values });
        return [
            test(`${rule.alert}: a failing scrape fires after ${rule.for}, not before`, [up("0x15")], [
                { eval_time: "4m", alertname: rule.alert, exp_alerts: [] },
                { eval_time: "6m", alertname: rule.alert, exp_alerts: [expected(rule, {}, 1)] },
            ], others),
            test(`${rule.alert}: no target at all fires`, [], [
                { eval_time: "6m", alertname: rule.alert, exp_alerts: [expected(rule, {}, 1)] },
            ], others),
            test(`${rule.alert}: a successful scrape does not fire`, [up("1x15")], [
                { eval_time: "10m", alertname: rule.alert, exp_alerts: [] },
            ], others),
        ];
    },
    QuestDbVolumeAlmostFull(rule, ctx) {
        const entries = [...selectorLabels(rule.expr)];
        const at = (percent: number) => entries.map(([m, labels]) => ({ series: seriesText(m, labels), values: `${m.includes("capacity") ? 100 : percent}x30` }));
        const labels = entries[0][1];
        return [
            test(`${rule.alert}: 81% full fires after ${rule.for}, not before`, at(81), [
                { eval_time: "14m", alertname: rule.alert, exp_alerts: [] },
                { eval_time: "16m", alertname: rule.alert, exp_alerts: [expected(rule, labels, 0.81)] },
            ], ctx),
            test(`${rule.alert}: 79% full does not fire`, at(79), [
                { eval_time: "30m", alertname: rule.alert, exp_alerts: [] },
            ], ctx),
        ];
    },
    QuestDbNodeNotReady(rule, ctx) {
        const [condition, conditionLabels] = metricOf(rule, "kube_node_status_condition");
        const [podInfo, podLabels] = metricOf(rule, "kube_pod_info");
        const node = { node: "ip-10-0-0-1.ec2.internal" };
        const nodeSeries = (ready: number) => ({ series: seriesText(condition, { ...conditionLabels, ...node }), values: `${ready}x10` });
        const pod = (namespace: string) => ({ series: seriesText(podInfo, { ...podLabels, namespace, pod: "questdb-0", ...node }), values: "1x10" });
        return [
            test(`${rule.alert}: the database's node not Ready fires after ${rule.for}`, [nodeSeries(0), pod(podLabels.namespace)], [
                { eval_time: "4m", alertname: rule.alert, exp_alerts: [] },
                { eval_time: "6m", alertname: rule.alert, exp_alerts: [expected(rule, { ...conditionLabels, ...node }, 0)] },
            ], ctx),
            test(`${rule.alert}: a Ready node does not fire`, [nodeSeries(1), pod(podLabels.namespace)], [
                { eval_time: "10m", alertname: rule.alert, exp_alerts: [] },
            ], ctx),
            test(`${rule.alert}: another tenant's node not Ready does not fire`, [nodeSeries(0), pod(`${podLabels.namespace}-other`)], [
                { eval_time: "10m", alertname: rule.alert, exp_alerts: [] },
            ], ctx),
        ];
    },
    QuestDbPodPending(rule, ctx) {
        const [metric, labels] = metricOf(rule, "kube_pod_status_phase");
        const seriesLabels = { ...labels, pod: "questdb-0" };
        const pending = (minutes: number) => ({ series: seriesText(metric, seriesLabels), values: `1x${minutes} 0x10` });
        return [
            test(`${rule.alert}: Pending for 9 minutes does not fire`, [pending(9)], [
                { eval_time: "9m", alertname: rule.alert, exp_alerts: [] },
                { eval_time: "12m", alertname: rule.alert, exp_alerts: [] },
            ], ctx),
            test(`${rule.alert}: Pending for 11 minutes fires`, [pending(11)], [
                { eval_time: "11m", alertname: rule.alert, exp_alerts: [expected(rule, seriesLabels, 1)] },
            ], ctx),
        ];
    },
    QuestDbTablesSuspended(rule, ctx) {
        const [metric, labels] = metricOf(rule, "questdb_");
        if (ctx.served.get(metric) !== "gauge") {
            throw new Error(`${rule.alert} selects ${metric}, which the real QuestDB served as ${ctx.served.get(metric) ?? "nothing"}, not a gauge`);
        }
        const seriesLabels = { ...labels, job: "questdb", instance: "10.0.0.1:9003" };
        const suspended = (n: number) => ({ series: seriesText(metric, seriesLabels), values: `${n}x10` });
        return [
            test(`${rule.alert}: two suspended tables fire after ${rule.for}`, [suspended(2)], [
                { eval_time: "4m", alertname: rule.alert, exp_alerts: [] },
                { eval_time: "6m", alertname: rule.alert, exp_alerts: [expected(rule, seriesLabels, 2)] },
            ], ctx),
            test(`${rule.alert}: no suspended table does not fire`, [suspended(0)], [
                { eval_time: "10m", alertname: rule.alert, exp_alerts: [] },
            ], ctx),
        ];
    },
};

/** `up` series that say every database of these groups is scraped successfully. */
export function healthySeries(groups: readonly Group[]): Series[] {
    return groups.flatMap((g) => g.rules.filter((r) => r.alert === "QuestDbDown"))
        .map((r) => ({ series: seriesText("up", metricOf(r, "up")[1]), values: "1x40" }));
}

/**
 * The backup and drill alerts (kube-state-metrics and Pushgateway series) and the region's
 * Pushgateway alert have their firing and silent cases in their own real-tier file, built on the
 * same `alertRuleGroup` and `pushgatewayRuleGroup`. Delegated explicitly, and checked: an alert
 * that file stops testing is an error here again.
 */
export const CASES_ELSEWHERE: Readonly<Record<string, string>> = Object.fromEntries(
    ["QuestDbBackupFailed", "QuestDbBackupStale", "QuestDbCheckpointHeld", "QuestDbCheckpointHeldLong", "QuestDbDrillFailed", "QuestDbDrillStale", "QuestDbPushgatewayDown"]
        .map((alert) => [alert, "e2e/backup/alerts.e2e.test.ts"]));

function testedElsewhere(alert: string): boolean {
    const file = CASES_ELSEWHERE[alert];
    return file !== undefined && fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8").includes(`alertname: "${alert}"`);
}

/** Cases for every alert of the groups; an alert without cases here or in CASES_ELSEWHERE is an error, never skipped. */
export function alertTests(groups: readonly Group[], served: ReadonlyMap<string, string>): AlertTest[] {
    const ctx: CaseContext = { healthy: healthySeries(groups), served };
    return groups.flatMap((g) => g.rules.flatMap((rule) => {
        const build = BUILDERS[rule.alert];
        if (!build && testedElsewhere(rule.alert)) {
            return [];
        }
        if (!build) {
            throw new Error(`no promtool cases for alert ${rule.alert} (group ${g.name}): add them to e2e/promtool/ruleTests.ts`);
        }
        return build(rule, ctx).map((t) => ({ ...t, name: `${g.name}: ${t.name}` }));
    }));
}

/** A stack-wide case: with every alerted database up, QuestDbDown is silent, paused ones included. */
export function quietStackTest(groups: readonly Group[], pausedIds: readonly string[]): AlertTest {
    return {
        name: `every database up, ${pausedIds.length} paused (${pausedIds.join(", ")}) with no target: no QuestDbDown`,
        interval: "1m",
        input_series: healthySeries(groups),
        alert_rule_test: [{ eval_time: "30m", alertname: "QuestDbDown", exp_alerts: [] }],
    };
}
