/**
 * Region-level edits (`qdb set --stack <s> channels.canary=8.2.5 defaults.instanceType=...`) and
 * removing a field (`qdb unset`). Both are Document edits handed to applyEdit, so they take the
 * write path database edits take: the one validator, the program's transition refusals, the
 * impact report.
 */
import { Document, isMap } from "yaml";
import { CONFIG_NAMESPACE } from "../../inventory";
import { Io, applyEdit } from "./apply";
import { Assignment, CliArgs, keyPath, parseAssignment } from "./args";
import { DATABASES_PATH, indexOfDatabase } from "./edits";
import { QdbError, USAGE_EXIT } from "./errors";
import { Target, shellWord } from "./files";

export const REGION_PATH = ["config", `${CONFIG_NAMESPACE}:region`] as const;

/** The region fields qdb edits: release channels, the defaults every database inherits, and `qdb rollout`'s settings (`rollout.prometheusUrl`, `unset rollout.halted` to resume). */
export const REGION_EDITABLE = ["channels", "defaults", "rollout"] as const;

/** A region key (`channels.canary`, `defaults.volume.sizeGiB`) rather than a database id, which has no dot. */
export function isRegionKey(key: string): boolean {
    return REGION_EDITABLE.some((field) => key.startsWith(`${field}.`));
}

/** YAML's spellings of null, unquoted: `channel=null` would otherwise write the string "null". */
const NULLS = ["null", "Null", "NULL", "~"];

/**
 * `key=null` is refused rather than read as unset: a value that looks like an edit but removes a
 * field would hide a deletion in a `set`, and quoting (`'key="null"'`) still writes the string.
 */
export function refuseNull(assignments: readonly Assignment[], flag: string, id: string | undefined): void {
    const nulls = assignments.filter((a) => NULLS.includes(a.text));
    if (nulls.length > 0) {
        const keys = nulls.map((a) => a.key);
        throw new QdbError(`${keys.map((k) => `${k}=${nulls.find((a) => a.key === k)?.text}`).join(", ")}: qdb set does not write null. ` +
            `To remove the field, run \`npx qdb unset ${flag}${id ? ` ${id}` : ""} ${keys.join(" ")}\``, USAGE_EXIT);
    }
}

function refuseOtherRegionKeys(keys: readonly string[]): void {
    const other = keys.filter((k) => !isRegionKey(k));
    if (other.length > 0) {
        throw new QdbError(`${other.join(", ")}: qdb edits the region's ${REGION_EDITABLE.map((f) => `${f}.*`).join(", ").replace(/, ([^,]*)$/, " and $1")} only ` +
            "(a database field goes after its id: qdb set --stack <stack> <id> key=value); edit other region fields in the file and run `qdb validate`", USAGE_EXIT);
    }
}

const describeAll = (assignments: readonly Assignment[]) => assignments.map((a) => `${a.key}=${JSON.stringify(a.value)}`).join(", ");

/** `qdb set --stack <s> channels.canary=8.2.5 ...`: region fields, one Document edit. */
export async function setRegion(target: Target, texts: readonly string[], args: CliArgs, io: Io): Promise<number> {
    const assignments = texts.map(parseAssignment);
    refuseOtherRegionKeys(assignments.map((a) => a.key));
    refuseNull(assignments, target.flag, undefined);
    return applyEdit(target, (doc) => {
        for (const a of assignments) {
            doc.setIn([...REGION_PATH, ...a.path], Array.isArray(a.value) ? doc.createNode([...a.value], { flow: true }) : a.value);
        }
        return `set ${describeAll(assignments)} in the region (questdb-cloud:region)`;
    }, args, io);
}

/** Deletes the field at `path`, then each parent map the deletion left empty (a bare `volume:` would be null). */
export function deleteField(doc: Document, base: readonly (string | number)[], path: readonly string[]): boolean {
    if (!doc.hasIn([...base, ...path])) {
        return false;
    }
    doc.deleteIn([...base, ...path]);
    for (let depth = path.length - 1; depth > 0; depth--) {
        const parent = doc.getIn([...base, ...path.slice(0, depth)]);
        if (!isMap(parent) || parent.items.length > 0) {
            break;
        }
        doc.deleteIn([...base, ...path.slice(0, depth)]);
    }
    return true;
}

const UNSET_USAGE = "usage: qdb unset --stack <stack> <id> <field>... (e.g. channel, serverConf.query.timeout.sec), or qdb unset --stack <stack> channels.<name> | defaults.<field>";

/**
 * `qdb unset --stack <s> <id> <field>...` removes fields of a database entry (its default then
 * applies); `qdb unset --stack <s> channels.canary` removes region fields. A field that is not
 * there is "already so".
 */
export async function unset(target: Target, positionals: readonly string[], args: CliArgs, io: Io): Promise<number> {
    const region = positionals.length > 0 && isRegionKey(positionals[0]);
    const [id, keys] = region ? [undefined, positionals] : [positionals[0], positionals.slice(1)];
    if (keys.length === 0 || keys.some((k) => k.includes("="))) {
        throw new QdbError(UNSET_USAGE, USAGE_EXIT);
    }
    if (region) {
        refuseOtherRegionKeys(keys);
    } else if (keys.includes("id")) {
        throw new QdbError(`database "${id}": id cannot be removed: every resource of the database is named after it`, USAGE_EXIT);
    }
    return applyEdit(target, (doc, loaded) => {
        const base = id === undefined ? [...REGION_PATH] : [...DATABASES_PATH, indexOfDatabase(doc, id, loaded.target)];
        for (const key of keys) {
            deleteField(doc, base, keyPath(key));
        }
        return `unset ${keys.map(shellWord).join(", ")} ${id === undefined ? "in the region (questdb-cloud:region)" : `on database "${id}"`}`;
    }, args, io);
}
