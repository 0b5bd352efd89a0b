import { compareVersions } from "./compare";
import { KEYS as V8_1_4 } from "./v8_1_4";
import { KEYS as V8_2_0 } from "./v8_2_0";
import { KEYS as V9_0_3 } from "./v9_0_3";
import { KEYS as V9_3_4 } from "./v9_3_4";
import type { KeyList } from "./keyList";

export type { KeyList } from "./keyList";

/** The shipped lists, oldest first (KEY_LIST_VERSIONS; a test keeps the two in step). */
export const SHIPPED_KEY_LISTS: readonly KeyList[] = [V8_1_4, V8_2_0, V9_0_3, V9_3_4];

export interface KeysOf {
    readonly list: KeyList;
    /** The known keys, built once per list. */
    readonly known: ReadonlySet<string>;
    /** Why another release's list stands in, for error texts; undefined when the list is the version's own. */
    readonly standIn?: string;
}

const known = new Map<string, ReadonlySet<string>>();

/**
 * The key list that judges a database on `version`: its own; else the nearest lower shipped list
 * (a release Maven Central lacks, such as 8.2.3, is judged by 8.2.0's); a version older than
 * every list by the oldest (docs/decisions.md, "server.conf keys from QuestDB's own jars").
 */
export function keysOf(version: string): KeysOf {
    const lower = SHIPPED_KEY_LISTS.filter((l) => compareVersions(l.version, version) <= 0);
    const list = lower[lower.length - 1] ?? SHIPPED_KEY_LISTS[0];
    if (!known.has(list.version)) {
        known.set(list.version, new Set(list.keys));
    }
    const newest = SHIPPED_KEY_LISTS[SHIPPED_KEY_LISTS.length - 1];
    const standIn = list.version === version ? undefined
        : list === newest ? `QuestDB ${version} is newer than every shipped key list; ${list.version}'s stands in`
        : lower.length === 0 ? `QuestDB ${version} is older than every shipped key list; ${list.version}'s stands in`
        : `QuestDB ${version} has no shipped key list; ${list.version}'s, the nearest lower, stands in`;
    return { list, known: known.get(list.version)!, standIn };
}
