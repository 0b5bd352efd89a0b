/**
 * The drills namespace's ResourceQuota and LimitRange, like every tenant namespace's
 * (components/deployment/tenantIsolation.ts): sized for every scheduled drill running at once,
 * each a runner pod (scriptCronJobSpec's requests) and a throwaway QuestDB (scripts/backup/drill.sh).
 */
import type * as k8s from "@pulumi/kubernetes";
import { DRILL_NAMESPACE } from "../inventory";
import { QUOTA_NAME, LIMIT_RANGE_NAME, STRAY_CONTAINER_REQUEST } from "./deployment/tenantIsolation";

/** What one drill asks of the namespace: the runner (50m, 128Mi) and the throwaway QuestDB (500m, 1Gi). */
export const DRILL_FOOTPRINT = { pods: 2, claims: 1, cpuMillis: 550, memoryMi: 1152 } as const;

export function drillQuotaArgs(drills: number, labels: Record<string, string>, namespace = DRILL_NAMESPACE): k8s.core.v1.ResourceQuotaArgs {
    return {
        metadata: { name: QUOTA_NAME, namespace, labels },
        spec: {
            hard: {
                pods: String(DRILL_FOOTPRINT.pods * drills),
                persistentvolumeclaims: String(DRILL_FOOTPRINT.claims * drills),
                services: "0",
                "services.loadbalancers": "0",
                // The runner's script, the tenant volume list and kube-root-ca.crt.
                configmaps: "3",
                secrets: "0",
                "requests.cpu": `${DRILL_FOOTPRINT.cpuMillis * drills}m`,
                "requests.memory": `${DRILL_FOOTPRINT.memoryMi * drills}Mi`,
            },
        },
    };
}

/** Default requests for a container that sets none (the throwaway QuestDB's init container), so the quota can count it. */
export function drillLimitRangeArgs(labels: Record<string, string>, namespace = DRILL_NAMESPACE): k8s.core.v1.LimitRangeArgs {
    return {
        metadata: { name: LIMIT_RANGE_NAME, namespace, labels },
        spec: { limits: [{ type: "Container", defaultRequest: { ...STRAY_CONTAINER_REQUEST } }] },
    };
}
