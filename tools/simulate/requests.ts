/**
 * Pure: the policy simulations the drift workflow asks AWS for, from a stack's inventory and its
 * outputs. One `aws iam simulate-principal-policy` per deployed role and authorization of the
 * scripts' table (components/scriptAwsCalls.ts): each database's backup role for snapshot.sh, and
 * the drill runner's role for drill.sh on each database it drills (snapshot tags differ per
 * database). The simulator evaluates the role as IAM holds it, so a policy edited by hand, or one
 * the program renders too narrow for a Resource or Condition, shows up here and nowhere else.
 */
import { ScriptName, ScriptFacts, ConcreteAuthorization, scriptAuthorizations } from "../../components/scriptAwsCalls";
import { drilledDatabases } from "../../components/restoreDrills";
import { tagStackOf } from "../../components/deployment/context";
import type { Inventory, Problem, StackOutputs } from "../../inventory";

/** A drill's RUN_ID as drill.sh defaults it (the UTC time); the policy only asks that the tag exists. */
export const SAMPLE_RUN_ID = "20260101000000";

export type RoleKind = "backup" | "drill";

const SCRIPT_OF: Readonly<Record<RoleKind, ScriptName>> = { backup: "snapshot.sh", drill: "drill.sh" };
const OUTPUT_OF: Readonly<Record<RoleKind, "backupRoleArn" | "drillRoleArn">> = { backup: "backupRoleArn", drill: "drillRoleArn" };

/** One simulation: whose role, which authorization of which script, with what. */
export interface SimulationRequest extends ConcreteAuthorization {
    readonly stack: string;
    readonly database: string;
    readonly role: RoleKind;
    readonly roleArn: string;
}

/** `arn:<partition>:iam::<account>:role/<path/name>`: the account the role's EC2 ARNs are in. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/;

/** A problem of one database, as every tool prints it (inventory/problems.ts). */
export function databaseProblem(database: string, field: string, value: unknown, reason: string, fix: string): Problem {
    return { where: `database "${database}"`, field, value, reason, fix };
}

/**
 * The requests for a stack, and a problem for each role the outputs do not name (a stack deployed
 * before the outputs carried the ARNs) or name in a form that is no role ARN: nothing is guessed.
 */
export function simulationRequests(inventory: Inventory, outputs: StackOutputs): { requests: SimulationRequest[]; problems: Problem[] } {
    const stack = inventory.region.stack;
    const drilled = new Set(drilledDatabases(inventory.databases).map((d) => d.id));
    const requests: SimulationRequest[] = [];
    const problems: Problem[] = [];
    for (const database of inventory.databases.filter((d) => d.state !== "decommissioned")) {
        const out = outputs.databases[database.id];
        const roles: RoleKind[] = drilled.has(database.id) ? ["backup", "drill"] : ["backup"];
        for (const role of roles) {
            const field = `databases.${database.id}.${OUTPUT_OF[role]}`;
            const roleArn = out?.[OUTPUT_OF[role]];
            const account = roleArn === undefined ? undefined : ROLE_ARN.exec(roleArn)?.[1];
            if (roleArn === undefined || account === undefined) {
                problems.push(databaseProblem(database.id, `stack output ${field}`, roleArn,
                    roleArn === undefined ? `names no ${role} role, so its policy cannot be simulated` : "is not an IAM role ARN",
                    `deploy this program's version once (\`pulumi up --stack ${stack}\`), which exports it, then write the outputs again with \`pulumi stack output --json --show-secrets --stack ${stack}\``));
                continue;
            }
            if (role === "backup" && out?.volumeId === undefined) {
                problems.push(databaseProblem(database.id, `stack output databases.${database.id}.volumeId`, undefined,
                    "is missing, so snapshot.sh's volume ARN is unknown",
                    `write the outputs with \`pulumi stack output --json --show-secrets --stack ${stack}\` (without --show-secrets a secret reads "[secret]")`));
                continue;
            }
            const facts: ScriptFacts = {
                // The stack its snapshots are tagged with: its origin after a move between cells.
                awsRegion: inventory.region.awsRegion, accountId: account, stack: tagStackOf(database, inventory.region), database: database.id,
                volumeId: out?.volumeId ?? "", schedule: database.backup.schedule, runId: SAMPLE_RUN_ID,
            };
            for (const authorization of scriptAuthorizations(SCRIPT_OF[role], facts)) {
                requests.push({ ...authorization, stack, database: database.id, role, roleArn });
            }
        }
    }
    return { requests, problems };
}

/**
 * The AWS CLI's argv for one request (never a shell string). The context goes as JSON, not the
 * shorthand: a schedule tag such as `cron(0 3 * * ? *)` holds characters the shorthand splits on.
 */
export function simulateArgv(request: SimulationRequest): string[] {
    const context = request.context.map((c) => ({ ContextKeyName: c.key, ContextKeyValues: [...c.values], ContextKeyType: c.type }));
    return [
        "iam", "simulate-principal-policy",
        "--policy-source-arn", request.roleArn,
        "--action-names", request.action,
        "--resource-arns", ...request.resourceArns,
        ...(context.length > 0 ? ["--context-entries", JSON.stringify(context)] : []),
        "--output", "json",
    ];
}
