/**
 * The one table of expected downtimes. impact prints these texts, README's operations table and
 * the runbook state the same figures, and a test (test/inventory/downtimes.test.ts) holds the
 * docs to this table, so a figure changes here or nowhere.
 */

export interface DowntimeFigure {
    /** What the database goes through, e.g. "one pod restart". */
    readonly what: string;
    /** The usual range, in minutes. */
    readonly minMinutes: number;
    readonly maxMinutes: number;
    /** Why it takes that long: what happens in that time. */
    readonly why: string;
    /** The rows of README's operations table (first column) whose downtime this is. */
    readonly operations: readonly string[];
}

export const DOWNTIMES = {
    restart: {
        what: "one pod restart",
        minMinutes: 1,
        maxMinutes: 2,
        why: "QuestDB stops (SIGTERM, 120 s grace at most) and starts again on the same node and volume; WAL replay can make it longer",
        operations: ["QuestDB version", "server.conf"],
    },
    podMove: {
        what: "one pod move",
        minMinutes: 1,
        maxMinutes: 3,
        why: "the new node is Ready before the old one drains; the volume detaches, attaches to the new node, and QuestDB starts",
        operations: ["instance type", "node image"],
    },
    provisionerMove: {
        what: "one pod move to the other provisioner's node",
        minMinutes: 2,
        maxMinutes: 5,
        why: "onto Karpenter, nothing launches until the node group's node has drained (the pod still fits it), then Karpenter launches a node for the pending pod (about a minute), it joins, the volume attaches and QuestDB starts; back onto a node group, its node is Ready before the NodePool's node drains, as in a pod move",
        operations: ["node provisioner"],
    },
    start: {
        what: "starts",
        minMinutes: 3,
        maxMinutes: 5,
        why: "a node launches in the volume's subnet, joins the cluster, then the pod starts on the kept volume",
        operations: ["resume"],
    },
    nodeFailure: {
        what: "node replaced",
        minMinutes: 5,
        maxMinutes: 40,
        why: "an EC2 status-check failure is replaced within minutes; a node that is only NotReady waits 30 minutes for EKS node auto repair; then a new instance, the EBS detach and attach, QuestDB start",
        operations: ["node failure"],
    },
} as const satisfies Record<string, DowntimeFigure>;

export type DowntimeKey = keyof typeof DOWNTIMES;

/** The figure as tools and docs print it: "one pod restart, 1-2 min". */
export function downtimeText(key: DowntimeKey): string {
    const figure: DowntimeFigure = DOWNTIMES[key];
    return `${figure.what}, ${figure.minMinutes}-${figure.maxMinutes} min`;
}
