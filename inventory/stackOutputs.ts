import { DeployedFacts } from "./deployedFacts";
import { isPlainObject } from "./fields";
import { InventoryError } from "./problems";
import { parseRetainedVolumeIds } from "./retainedVolumes";
import { parseDeployedFacts, parseRetiredIds } from "./transitions";

/** A database as the last deployment exported it: the facts, and the handles on-call looks up. */
export interface DeployedDatabase extends DeployedFacts {
    /** Its HTTPS endpoint; absent while paused or decommissioned (no pod to serve). */
    readonly endpoint?: string;
    readonly volumeId?: string;
    readonly nodeGroupName?: string;
    readonly finalSnapshotId?: string;
    /** The backup job's IAM role; absent once decommissioned, and before the first deployment that exported it. */
    readonly backupRoleArn?: string;
    /** The region's drill runner role, on each database it drills. */
    readonly drillRoleArn?: string;
}

/** The stack outputs the program writes (index.ts): per database its facts and handles, the retired ids and removed databases' volumes. */
export interface StackOutputs {
    readonly databases: Record<string, DeployedDatabase>;
    readonly retiredIds: readonly string[];
    /** Removed databases' retained volumes, database id to volume id (inventory/retainedVolumes.ts). */
    readonly retainedVolumeIds: Readonly<Record<string, string>>;
}

/** What `pulumi stack output --json` prints for a secret without `--show-secrets`. */
const SECRET_PLACEHOLDER = "[secret]";

const HANDLES = ["endpoint", "volumeId", "nodeGroupName", "finalSnapshotId", "backupRoleArn", "drillRoleArn"] as const;

/**
 * Reads the program's outputs, `databases`, `retiredIds` and `retainedVolumeIds`, with the parsers the program
 * reads its own last outputs with (stacks/previous.ts), so a tool and `pulumi preview` read the
 * same facts. `outputs` is `pulumi stack output --json` (or the values it holds); a handle
 * that is not a string (`pulumi` prints a secret as "[secret]") is left out, never guessed.
 */
export function parseStackOutputs(outputs: unknown, stack = "(this stack)"): StackOutputs {
    if (outputs !== undefined && outputs !== null && !isPlainObject(outputs)) {
        throw new InventoryError(stack, [{
            where: "region", field: "stack outputs", value: outputs, reason: "are not a JSON object of outputs",
            fix: `write them with \`pulumi stack output --json --stack ${stack} > outputs.json\``,
        }]);
    }
    const all = (outputs ?? {}) as Record<string, unknown>;
    const facts = parseDeployedFacts(all.databases, stack);
    const databases: Record<string, DeployedDatabase> = {};
    for (const [id, fact] of Object.entries(facts)) {
        const raw: Record<string, unknown> = { ...fact };
        for (const handle of HANDLES) {
            if (typeof raw[handle] !== "string" || raw[handle] === SECRET_PLACEHOLDER) {
                delete raw[handle];
            }
        }
        databases[id] = raw as unknown as DeployedDatabase;
    }
    return {
        databases,
        retiredIds: parseRetiredIds(all.retiredIds, stack),
        retainedVolumeIds: parseRetainedVolumeIds(all.retainedVolumeIds, stack),
    };
}
