/** One Prometheus alerting rule, as the PrometheusRule CRD spells it. */
export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<{ summary: string; description: string }>;
}

export interface RuleGroup {
    readonly name: string;
    readonly rules: readonly AlertRule[];
}
