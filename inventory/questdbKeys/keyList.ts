/** The server.conf keys one QuestDB release knows, read from its jar (e2e/questdb/propertyKeys.ts). */
export interface KeyList {
    /** The release the list was read from, e.g. "9.0.3". */
    readonly version: string;
    /** Every `io.questdb.PropertyKey` property path, sorted. */
    readonly keys: readonly string[];
    /** Keys the release still reads but deprecates, with QuestDB's note ("Replaced by `...`", "No longer used"). */
    readonly deprecated: Readonly<Record<string, string>>;
    /** Keys the release no longer reads, with QuestDB's note. */
    readonly obsolete: Readonly<Record<string, string>>;
}

/**
 * The releases whose lists the program ships: every version the shipped stacks and tests run
 * that Maven Central publishes (8.2.1-8.2.4 are not there; 8.2.0 stands in), and the newest.
 */
export const KEY_LIST_VERSIONS = ["8.1.4", "8.2.0", "9.0.3", "9.3.4"] as const;
