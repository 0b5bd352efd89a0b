import { closest } from "./closest";
import { FieldReader } from "./fields";
import { keysOf } from "./questdbKeys";

/**
 * Reads `allowUnknownServerConf`: server.conf keys this database may set although the key list
 * of its QuestDB version does not know them (a deliberate override, reviewed per database). Each
 * must be unknown to that list, so that the override never outlives its reason unseen.
 */
export function readAllowedUnknown(d: FieldReader, version: string | undefined): Set<string> | undefined {
    const raw = d.raw("allowUnknownServerConf");
    if (raw === undefined) {
        return new Set();
    }
    const fix = "list the serverConf keys QuestDB's key list does not know, such as allowUnknownServerConf: [my.new.key]";
    if (!Array.isArray(raw)) {
        d.problem("allowUnknownServerConf", "expected a list of server.conf keys", fix);
        return undefined;
    }
    const keys = version ? keysOf(version) : undefined;
    let ok = true;
    for (const [i, key] of Array.from(raw).entries()) {
        if (typeof key !== "string" || key === "") {
            d.problem(`allowUnknownServerConf.${i}`, "is not a server.conf key", fix, key);
            ok = false;
        } else if (keys?.known.has(key)) {
            d.problem(`allowUnknownServerConf.${i}`, `is a known key of QuestDB ${keys.list.version}; it needs no override`, "remove it from allowUnknownServerConf", key);
            ok = false;
        }
    }
    return ok ? new Set(raw as string[]) : undefined;
}

/** Why `key` is refused as unknown to `version`'s key list, or undefined when it is known or allowed. */
export function unknownKeyProblem(key: string, version: string | undefined, allowed: ReadonlySet<string>): { reason: string; fix: string } | undefined {
    if (!version || allowed.has(key)) {
        return undefined;
    }
    const { list, known, standIn } = keysOf(version);
    if (known.has(key)) {
        return undefined;
    }
    const obsolete = list.obsolete[key];
    const near = obsolete === undefined ? closest(key, list.keys) : undefined;
    const reason = `is not a server.conf key of QuestDB ${version}` +
        (standIn ? ` (${standIn})` : "") +
        (obsolete !== undefined ? `: QuestDB no longer reads it (${obsolete})` : "") +
        (near ? `; did you mean ${near}?` : "");
    const fix = `${near ? `rename it to ${near}, or ` : ""}remove it; if QuestDB ${version} does read it, add "${key}" to this database's allowUnknownServerConf list after review`;
    return { reason, fix };
}
