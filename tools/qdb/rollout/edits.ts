/**
 * The two edits `qdb rollout` writes, each a Document edit through applyEdit (the one validator,
 * the program's transition refusals, the impact report): the next wave, and the revert of the
 * last one. Both reuse `qdb set`'s pending machinery: a database with a maintenance window gets
 * the change under `pending:` (tools/qdb/maintenance.ts), every other one live.
 */
import { Document, Scalar } from "yaml";
import { RolloutField, StackFile, Wave, majorOf } from "../../../inventory";
import type { Edit } from "../apply";
import type { Assignment } from "../args";
import { DATABASES_PATH, indexOfDatabase } from "../edits";
import { REGION_PATH, deleteField } from "../fieldEdits";
import { Target } from "../files";
import { pendingAssignments, setPendingField } from "../maintenance";

function assignment(field: RolloutField, value: string): Assignment {
    return { key: field, path: [field], value, text: JSON.stringify(value) };
}

/**
 * Sets `field` on one database the way `qdb set` would: under `pending:` when its window holds
 * it back, else live; a live version replaces the channel it followed (a version and a channel
 * exclude each other, as in promotedEntry).
 */
function setOne(doc: Document, parsed: StackFile, where: Target, id: string, field: RolloutField, value: string): "pending" | "live" {
    const a = assignment(field, value);
    if (pendingAssignments(parsed, id, [a]).length > 0) {
        setPendingField(doc, where, id, a);
        return "pending";
    }
    doc.setIn([...DATABASES_PATH, indexOfDatabase(doc, id, where), field], quoted(value));
    if (field === "questdbVersion") {
        doc.deleteIn([...DATABASES_PATH, indexOfDatabase(doc, id, where), "channel"]);
    }
    return "live";
}

/** Versions and image releases look like numbers to a YAML reader ("8.2"): always written quoted. */
function quoted(value: string): Scalar {
    const node = new Scalar(value);
    node.type = "QUOTE_DOUBLE";
    return node;
}

/** The next wave: every database of it that does not have the target yet. */
export function waveEdit(wave: Wave, ids: readonly string[], field: RolloutField, target: string): Edit {
    return (doc, loaded) => {
        const how = ids.map((id) => `${id} (${setOne(doc, loaded.parsed, loaded.target, id, field, target)})`);
        return `rollout ${field}=${target}: wave ${wave.index}${wave.index === 0 ? " (canary)" : ""}: ${how.join(", ")}`;
    };
}

/**
 * The revert of the last wave: a pending target is dropped (it never ran), a live one is set back
 * to what ran before (`before`: only the databases whose live field has the target, each to its
 * value from the history), and the region records the halt so that no
 * wave is written until a human removes it (`qdb unset --stack <s> rollout.halted`).
 */
export function revertEdit(wave: Wave, field: RolloutField, target: string, before: ReadonlyMap<string, string>, halted: string): Edit {
    return (doc, loaded) => {
        const how: string[] = [];
        for (const id of wave.ids) {
            const entry = [...DATABASES_PATH, indexOfDatabase(doc, id, loaded.target)];
            if (doc.getIn([...entry, "pending", field]) === target) {
                deleteField(doc, entry, ["pending", field]);
                how.push(`${id} (pending ${field} dropped)`);
            }
            const old = before.get(id);
            if (old !== undefined) {
                how.push(`${id} (${field} ${old}, ${setOne(doc, loaded.parsed, loaded.target, id, field, old)})`);
                // The program refuses a major downgrade without it (inventory/transitions.ts); the
                // reviewer sees it in the diff, and the runbook says when the snapshot is the way back.
                if (field === "questdbVersion" && majorOf(old) < majorOf(target)) {
                    doc.setIn([...entry, "allowMajorDowngrade"], true);
                    how.push(`${id} (allowMajorDowngrade: a major downgrade, check docs/runbook.md before merging)`);
                }
            }
        }
        doc.setIn([...REGION_PATH, "rollout", "halted"], halted);
        return `rollout ${field}=${target} halted: revert of wave ${wave.index}: ${how.join(", ")}`;
    };
}
