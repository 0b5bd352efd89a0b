import { PROBES, ProbeTiming, TERMINATION_GRACE_SECONDS } from "./podSpec";

/** What one rollout of the single QuestDB pod waits for, in order. */
export interface RolloutTiming {
    /** The old pod's termination grace period. */
    readonly terminationGraceSeconds: number;
    /**
     * The EBS volume detaching from the old node and attaching to the new one. Kubernetes
     * force-detaches after 6 minutes when the old node does not confirm the unmount
     * (maxWaitForUnmountDuration), then the attach itself takes up to a minute.
     */
    readonly volumeAttachSeconds: number;
    /** Pulling the QuestDB image onto a fresh node. */
    readonly imagePullSeconds: number;
    /** Until the startup probe may give up: WAL replay after a crash. */
    readonly startupProbe: ProbeTiming;
    /** Until the first readiness success. */
    readonly readinessProbe: ProbeTiming;
}

export const ROLLOUT_TIMING: RolloutTiming = {
    terminationGraceSeconds: TERMINATION_GRACE_SECONDS,
    volumeAttachSeconds: 6 * 60 + 60,
    imagePullSeconds: 5 * 60,
    startupProbe: PROBES.startup,
    readinessProbe: PROBES.readiness,
};

/**
 * How long `pulumi up` may wait for one StatefulSet rollout before it calls the update failed:
 * the worst case of every step, rounded up to whole minutes. The provider's default is 10 minutes
 * (pulumi-kubernetes DefaultStatefulSetTimeoutMins), shorter than a slow but healthy rollout.
 */
export function rolloutTimeoutMinutes(t: RolloutTiming = ROLLOUT_TIMING): number {
    const seconds = t.terminationGraceSeconds + t.volumeAttachSeconds + t.imagePullSeconds
        + t.startupProbe.periodSeconds * t.startupProbe.failureThreshold + t.readinessProbe.periodSeconds;
    return Math.ceil(seconds / 60);
}

/** The StatefulSet's customTimeouts; the Kubernetes provider prefers them to its own defaults. */
export function rolloutTimeouts(t: RolloutTiming = ROLLOUT_TIMING): { create: string; update: string } {
    const limit = `${rolloutTimeoutMinutes(t)}m`;
    return { create: limit, update: limit };
}
