/**
 * The AWS calls scripts/backup/snapshot.sh and drill.sh make, in one table: per call the IAM action,
 * the resources IAM authorizes it against (as ARN forms) and the request context keys AWS sets for
 * them. Two readers keep it honest: e2e/aws/scripts.e2e.test.ts asserts that the calls the scripts
 * really make against moto are exactly the table's actions, and tools/simulatePolicies.ts asks AWS's
 * policy simulator about each row against the deployed roles. A call added to a script without a
 * row fails the first; a row whose policy does not allow it fails the second.
 */
import { DATABASE_LABEL, SCHEDULE_TAG, SNAPSHOT_KIND_TAG, STACK_TAG } from "../inventory";
import { partitionOf } from "./deployment/backup";
import { DRILL_TAG } from "./restoreDrills";

export type ScriptName = "snapshot.sh" | "drill.sh";

/**
 * A resource an action is authorized against. `*`: the action has no resource type (Describe*).
 * The others are EC2's ARN forms: the database's own volume (by id), a snapshot (snapshot ARNs have
 * no account), a volume; a resource the call creates has no id yet, so its ARN ends in `*`.
 */
export type ResourceForm = "*" | "ownVolume" | "snapshot" | "newVolume";

/**
 * Context AWS sets for the call. `requestTags`: `aws:RequestTag/<key>` for each tag the call writes,
 * and `aws:TagKeys`. `snapshotTags` / `drillVolumeTags`: `ec2:ResourceTag/<key>` and
 * `aws:ResourceTag/<key>` of the resource acted on, as the scripts tagged it. `createAction`:
 * `ec2:CreateAction`, set when tags are applied by a create call.
 */
export type ContextForm = "requestTags" | "snapshotTags" | "drillVolumeTags" | "createAction";

/** One authorization IAM makes for a request. */
export interface Authorization {
    readonly action: string;
    readonly resources: readonly ResourceForm[];
    readonly context: readonly ContextForm[];
}

/** One AWS call of a script: its own authorization, and those AWS makes with it. */
export interface ScriptCall extends Authorization {
    /** Why the script makes it (the line of the script, in words). */
    readonly why: string;
    /**
     * What AWS authorizes besides the call's own action: a create with `--tag-specifications` also
     * needs `ec2:CreateTags` on the new resource, with `ec2:CreateAction` set (EC2 user guide,
     * "Grant permission to tag resources during creation"). The proxy never sees these: no request
     * of their own.
     */
    readonly implied: readonly Authorization[];
}

const tagOnCreate = (resource: ResourceForm): Authorization => ({ action: "ec2:CreateTags", resources: [resource], context: ["createAction", "requestTags"] });

export const SCRIPT_AWS_CALLS: Readonly<Record<ScriptName, readonly ScriptCall[]>> = {
    "snapshot.sh": [
        { action: "ec2:CreateSnapshot", resources: ["ownVolume", "snapshot"], context: ["requestTags"], implied: [tagOnCreate("snapshot")],
            why: "snapshot the database's volume inside the checkpoint, tagged as its scheduled snapshot" },
        { action: "ec2:DescribeSnapshots", resources: ["*"], context: [], implied: [],
            why: "wait for the new snapshot to leave pending, and find this database's old scheduled ones" },
        { action: "ec2:DeleteSnapshot", resources: ["snapshot"], context: ["snapshotTags"], implied: [],
            why: "retire this database's scheduled snapshots older than RETAIN_DAYS" },
    ],
    "drill.sh": [
        { action: "ec2:DescribeSnapshots", resources: ["*"], context: [], implied: [],
            why: "find the newest completed snapshot of the database and stack" },
        { action: "ec2:CreateVolume", resources: ["snapshot", "newVolume"], context: ["snapshotTags", "requestTags"], implied: [tagOnCreate("newVolume")],
            why: "a scratch gp3 volume from that snapshot in the database's AZ, tagged with the run" },
        { action: "ec2:DescribeVolumes", resources: ["*"], context: [], implied: [],
            why: "wait for the volume, read its size, and find it by the run's tag on cleanup" },
        { action: "ec2:DeleteVolume", resources: ["newVolume"], context: ["drillVolumeTags"], implied: [],
            why: "delete the scratch volume, and only it" },
    ],
};

/** The IAM actions of a script's own requests, sorted: what the proxy records the script calling. */
export function scriptActions(script: ScriptName): string[] {
    return [...new Set(SCRIPT_AWS_CALLS[script].map((c) => c.action))].sort();
}

/** The implied authorizations of the calls among `actions` (a run that failed early made fewer). */
export function impliedActions(script: ScriptName, actions: Iterable<string>): string[] {
    const made = new Set(actions);
    return [...new Set(SCRIPT_AWS_CALLS[script].filter((c) => made.has(c.action)).flatMap((c) => c.implied.map((i) => i.action)))].sort();
}

/** What the concrete ARNs and tag values come from: the region, the role's account, the database. */
export interface ScriptFacts {
    readonly awsRegion: string;
    readonly accountId: string;
    readonly stack: string;
    readonly database: string;
    /** The database's data volume (the stack output), for snapshot.sh's own-volume ARN. */
    readonly volumeId: string;
    /** `backup.schedule`: snapshot.sh writes it as a tag. */
    readonly schedule: string;
    /** A drill's RUN_ID; the scripts default it to the UTC time, so any sample of that form. */
    readonly runId: string;
}

/** A context entry as IAM's simulator takes it. */
export interface ContextEntry {
    readonly key: string;
    readonly type: "string" | "stringList";
    readonly values: readonly string[];
}

/** One authorization with its ARNs and context filled in; `call` is the script's request it comes with. */
export interface ConcreteAuthorization {
    readonly script: ScriptName;
    readonly call: string;
    readonly action: string;
    readonly resourceArns: readonly string[];
    readonly context: readonly ContextEntry[];
}

/** snapshot.sh's `tags` function, key to value. */
export function scheduledSnapshotTags(f: Pick<ScriptFacts, "database" | "stack" | "schedule">): Record<string, string> {
    return {
        [DATABASE_LABEL]: f.database, [STACK_TAG]: f.stack, [SCHEDULE_TAG]: f.schedule, [SNAPSHOT_KIND_TAG]: "scheduled",
        "managed-by": "questdb-cloud-backup", Name: `qdb-${f.database}-data-scheduled`,
    };
}

/** drill.sh's `--tag-specifications` on the scratch volume, key to value. */
export function drillVolumeTags(f: Pick<ScriptFacts, "database" | "stack" | "runId">): Record<string, string> {
    return { [DRILL_TAG]: f.runId, [DATABASE_LABEL]: f.database, [STACK_TAG]: f.stack, Name: `drill-${f.database}-${f.runId}` };
}

function resourceArn(form: ResourceForm, f: ScriptFacts): string {
    const ec2 = `arn:${partitionOf(f.awsRegion)}:ec2:${f.awsRegion}`;
    switch (form) {
        case "*": return "*";
        case "ownVolume": return `${ec2}:${f.accountId}:volume/${f.volumeId}`;
        case "snapshot": return `${ec2}::snapshot/*`;
        case "newVolume": return `${ec2}:${f.accountId}:volume/*`;
    }
}

const string = (key: string, value: string): ContextEntry => ({ key, type: "string", values: [value] });
const resourceTags = (tags: Record<string, string>): ContextEntry[] =>
    Object.entries(tags).flatMap(([k, v]) => [string(`ec2:ResourceTag/${k}`, v), string(`aws:ResourceTag/${k}`, v)]);

/** The context of one authorization of a call; `created` is what the call creates and tags. */
function contextOf(forms: readonly ContextForm[], call: string, f: ScriptFacts): ContextEntry[] {
    const written = call === "ec2:CreateSnapshot" ? scheduledSnapshotTags(f) : drillVolumeTags(f);
    return forms.flatMap((form): ContextEntry[] => {
        switch (form) {
            case "requestTags": return [
                ...Object.entries(written).map(([k, v]) => string(`aws:RequestTag/${k}`, v)),
                { key: "aws:TagKeys", type: "stringList", values: Object.keys(written) },
            ];
            case "snapshotTags": return resourceTags(scheduledSnapshotTags(f));
            case "drillVolumeTags": return resourceTags(drillVolumeTags(f));
            case "createAction": return [string("ec2:CreateAction", call.replace(/^ec2:/, ""))];
        }
    });
}

/** Every authorization a script's run asks IAM for, concrete, in table order (each call, then what it implies). */
export function scriptAuthorizations(script: ScriptName, facts: ScriptFacts): ConcreteAuthorization[] {
    return SCRIPT_AWS_CALLS[script].flatMap((call) => [call, ...call.implied].map((a) => ({
        script, call: call.action, action: a.action,
        resourceArns: a.resources.map((r) => resourceArn(r, facts)),
        context: contextOf(a.context, call.action, facts),
    })));
}
