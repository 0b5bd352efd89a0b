import type { AlertRule, RuleGroup } from "./alertRules";
import { PROMETHEUS_METRICS, PUSHGATEWAY_SCRAPE_JOB } from "./metrics";

/** What the region's Pushgateway alert needs to know. */
export interface PushgatewayAlertInput {
    /** Pulumi stack; named in the alert and labelled on it. */
    readonly stack: string;
    /** AWS region; labelled on the alert so a fleet-wide Alertmanager can route by it. */
    readonly awsRegion: string;
    /** The namespace the Pushgateway runs in: its scrape target's `namespace` label. */
    readonly namespace: string;
}

/**
 * The region's one Pushgateway alert. Without a scraped Pushgateway every pushed backup and drill
 * metric goes stale and QuestDbCheckpointHeldLong cannot fire, silently; the kube-state-metrics
 * backup alerts keep working, which is why they stay (docs/decisions.md).
 */
export function pushgatewayRuleGroup(input: PushgatewayAlertInput): RuleGroup {
    const rule: AlertRule = {
        alert: "QuestDbPushgatewayDown",
        // absent(... == 1): fires when the scrape fails and when there is no target at all.
        expr: `absent(${PROMETHEUS_METRICS.up}{job="${PUSHGATEWAY_SCRAPE_JOB}", namespace="${input.namespace}"} == 1)`,
        for: "10m",
        labels: { stack: input.stack, aws_region: input.awsRegion, severity: "warning" },
        annotations: {
            summary: `The backup metrics Pushgateway of stack ${input.stack} (${input.awsRegion}) is not scraped`,
            description: `No successful scrape of ${input.namespace}/${PUSHGATEWAY_SCRAPE_JOB} for 10 minutes: backup and drill results pushed meanwhile are lost and QuestDbCheckpointHeldLong cannot fire. Check \`kubectl -n ${input.namespace} get pods -l app.kubernetes.io/name=${PUSHGATEWAY_SCRAPE_JOB}\` and docs/runbook.md, "Backup alerts".`,
        },
    };
    return { name: `questdb.pushgateway.${input.stack}`, rules: [rule] };
}
