import { DEFAULTS } from "./defaults";
import { FieldReader } from "./fields";
import { MonitoringSpec } from "./types";

const MONITORING_FIELDS = ["prometheusOperator", "grafanaDashboards", "labels"];
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/**
 * The region's `monitoring` block, each field defaulted from `DEFAULTS.monitoring`. A bad field
 * records a problem (so validation throws) and falls back to its default here.
 */
export function readMonitoring(r: FieldReader): MonitoringSpec {
    const base = DEFAULTS.monitoring;
    const m = r.optionalObject("monitoring", "{prometheusOperator: true, grafanaDashboards: true, labels: {}}");
    if (!m) {
        return base;
    }
    m.rejectUnknownFields(MONITORING_FIELDS);
    const flag = (key: "prometheusOperator" | "grafanaDashboards"): boolean => {
        const value = m.raw(key);
        if (value === undefined || typeof value === "boolean") {
            return value ?? base[key];
        }
        m.problem(key, "expected true or false", `set ${m.path(key)} to true or false (unquoted)`);
        return base[key];
    };
    const labels: Record<string, string> = {};
    const l = m.optionalObject("labels", "{<label key>: <label value>}, such as {release: kube-prometheus-stack}");
    for (const [key, value] of l?.entries() ?? []) {
        if (!LABEL_KEY.test(key) || key.length > 317) {
            l?.problem(key, "is not a Kubernetes label key", "use a key such as release or example.com/team");
        } else if (typeof value !== "string" || !LABEL_VALUE.test(value)) {
            l?.problem(key, "expected a Kubernetes label value: up to 63 letters, digits, '-', '_' or '.'", `quote the value, such as ${key}: "kube-prometheus-stack"`);
        } else {
            labels[key] = value;
        }
    }
    return { prometheusOperator: flag("prometheusOperator"), grafanaDashboards: flag("grafanaDashboards"), labels };
}
