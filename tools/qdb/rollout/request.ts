/** The command line of `qdb rollout [status] <field>=<value>`. */
import { ROLLOUT_FIELDS, RolloutField } from "../../../inventory";
import { parseAssignment } from "../args";
import { QdbError, USAGE_EXIT } from "../errors";

const USAGE = "usage: qdb rollout [status] --stack <stack> (questdbVersion=<version> | nodeImage=<release>) [--history <file>] [--now <ISO 8601>]";

export interface RolloutRequest {
    readonly field: RolloutField;
    readonly target: string;
    readonly status: boolean;
}

export function parseRolloutRequest(positionals: readonly string[]): RolloutRequest {
    const status = positionals[0] === "status";
    const rest = status ? positionals.slice(1) : positionals;
    if (rest.length !== 1 || !rest[0].includes("=")) {
        throw new QdbError(USAGE, USAGE_EXIT);
    }
    const a = parseAssignment(rest[0]);
    if (!(ROLLOUT_FIELDS as readonly string[]).includes(a.key)) {
        throw new QdbError(`rollout moves ${ROLLOUT_FIELDS.join(" or ")}, not "${a.key}". ${USAGE}`, USAGE_EXIT);
    }
    // A version is a string even where it reads as a number: "9.3" is refused by the validator, not turned into 9.3.
    return { field: a.key as RolloutField, target: typeof a.value === "string" ? a.value : a.text, status };
}

