/**
 * What restarts or moves a database: the fields a maintenance window holds back (docs/decisions.md,
 * "Maintenance windows"), and the facts of them a deployment records so that the next change can
 * be compared with what runs. Pure; shared by the program, impact and qdb.
 */
import * as crypto from "crypto";
import { renderServerConf } from "./serverConf";
import type { NodeProvisioner } from "./nodeProvisioner";

/** The entry fields a `pending:` block may hold: each one restarts the pod or moves it to a new node. */
export const PENDING_FIELDS = ["questdbVersion", "channel", "serverConf", "nodeImage", "instanceType", "nodeProvisioner"] as const;
export type PendingField = (typeof PENDING_FIELDS)[number];

/** The resolved values those fields decide, as recorded in the `databases` stack output. */
export interface DisruptiveFacts {
    /** The QuestDB image tag (pinned, from the channel, or the region default). */
    readonly questdbVersion: string;
    /** sha256 of the rendered server.conf: the pod template's checksum annotation, which rolls the pod. */
    readonly serverConfChecksum: string;
    /** The EKS AMI release version of its node. */
    readonly nodeImage: string;
    /** The EC2 instance type of its node. */
    readonly instanceType: string;
    /** Managed node group or Karpenter NodePool. */
    readonly nodeProvisioner: NodeProvisioner;
}

/** In the order refusals name them. */
export const DISRUPTIVE_FACTS: readonly (keyof DisruptiveFacts)[] = ["questdbVersion", "serverConfChecksum", "nodeImage", "instanceType", "nodeProvisioner"];

/** The checksum the StatefulSet's template carries (components/deployment/server.ts), from the overrides alone. */
export function serverConfChecksum(serverConf: Readonly<Record<string, string>>): string {
    return crypto.createHash("sha256").update(renderServerConf(serverConf)).digest("hex");
}

export function disruptiveFactsOf(database: {
    readonly questdbVersion: string; readonly serverConf: Readonly<Record<string, string>>; readonly nodeImage: string;
    readonly instanceType: string; readonly nodeProvisioner: NodeProvisioner;
}): DisruptiveFacts {
    return {
        questdbVersion: database.questdbVersion,
        serverConfChecksum: serverConfChecksum(database.serverConf),
        nodeImage: database.nodeImage,
        instanceType: database.instanceType,
        nodeProvisioner: database.nodeProvisioner,
    };
}

/**
 * A raw entry with its pending block moved into the live fields: what `qdb promote` writes and
 * what the validator checks a pending block as. A version and a channel exclude each other, so a
 * pending one replaces the live other.
 */
export function promotedEntry(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const { pending, ...live } = entry;
    const promoted: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries((pending ?? {}) as Record<string, unknown>)) {
        promoted[key] = value;
        if (key === "questdbVersion") {
            delete promoted.channel;
        } else if (key === "channel") {
            delete promoted.questdbVersion;
        }
    }
    return promoted;
}
