// The promtool case builder of the real-components tier, checked without promtool (npm test).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CASES_ELSEWHERE, alertTests, expandAnnotation, healthySeries, selectorLabels } from "../../e2e/promtool/ruleTests";

describe("promtool cases for the rendered alert rules", () => {
    it("reads each selector's equality matchers, ignoring regex and negative matchers", () => {
        const labels = selectorLabels('a{namespace="ns", phase=~"P.*", x!="y"} / b{namespace="ns"} > 0.8 and on (node) c');
        assert.deepEqual([...labels], [["a", { namespace: "ns" }], ["b", { namespace: "ns" }], ["c", {}]]);
    });
    it("expands the annotation templates the rules use, as Prometheus renders them, and refuses others", () => {
        assert.equal(expandAnnotation("{{ $value | humanizePercentage }} full", 81 / 100), "81% full");
        assert.equal(expandAnnotation("{{ $value }} table(s)", 2), "2 table(s)");
        assert.throws(() => expandAnnotation("{{ $labels.pod }}", 1), /cannot expand/);
    });
    it("fails on an alert it has no cases for, instead of skipping it", () => {
        assert.throws(() => alertTests([{ name: "g", rules: [{ alert: "NewAlert", expr: "up == 0" }] }], new Map()), /no promtool cases for alert NewAlert/);
    });
    it("leaves the backup alerts to e2e/backup/alerts.e2e.test.ts only while that file tests each of them", () => {
        for (const alert of Object.keys(CASES_ELSEWHERE)) {
            assert.deepEqual(alertTests([{ name: "g", rules: [{ alert, expr: "up == 0" }] }], new Map()), [], alert);
        }
        assert.ok(Object.keys(CASES_ELSEWHERE).includes("QuestDbBackupStale"));
    });
    it("takes the QuestDB series name from what the real QuestDB served, and fails when it served no such gauge", () => {
        const rule = { alert: "QuestDbTablesSuspended", expr: 'questdb_suspended_tables{namespace="ns"} > 0', for: "5m", labels: { severity: "warning" } };
        assert.throws(() => alertTests([{ name: "g", rules: [rule] }], new Map()), /served as nothing, not a gauge/);
        const tests = alertTests([{ name: "g", rules: [rule] }], new Map([["questdb_suspended_tables", "gauge"]]));
        assert.deepEqual(tests.map((t) => t.input_series[0].series), ['questdb_suspended_tables{namespace="ns", job="questdb", instance="10.0.0.1:9003"}', 'questdb_suspended_tables{namespace="ns", job="questdb", instance="10.0.0.1:9003"}']);
    });
    it("keeps every alerted database up in the baseline", () => {
        const groups = [{ name: "a", rules: [{ alert: "QuestDbDown", expr: 'absent(up{job="questdb", namespace="qdb-a"} == 1)' }] }];
        assert.deepEqual(healthySeries(groups), [{ series: 'up{job="questdb", namespace="qdb-a"}', values: "1x40" }]);
    });
});
