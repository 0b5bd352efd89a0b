/** Pure helpers that pick which published QuestDB release stands in for a version the program runs. */

/** The numeric parts of a release such as `8.2.3`; undefined for a build such as `6.5.2-jdk8`. */
export function releaseParts(version: string): number[] | undefined {
    return /^\d+(\.\d+)*$/.test(version) ? version.split(".").map(Number) : undefined;
}

export function compareReleases(a: string, b: string): number {
    const pa = releaseParts(a) ?? [];
    const pb = releaseParts(b) ?? [];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) {
            return d;
        }
    }
    return 0;
}

/** The local repository an `mvn -X` run used, from its debug log ("Using local repository at <dir>"). */
export function localRepositoryOf(debugLog: string): string {
    const dir = /^\[DEBUG\] Using local repository at (.+)$/m.exec(debugLog)?.[1]?.trim();
    if (!dir) {
        throw new Error("mvn -X did not say which local repository it used (no \"Using local repository at\" line)");
    }
    return dir;
}

/** The `<version>` entries of a Maven `maven-metadata.xml`. */
export function versionsInMetadata(xml: string): string[] {
    return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]);
}

/**
 * The published release nearest to `wanted`: itself; else the newest earlier release of the same
 * minor line, then of the same major; else the oldest later release of the same major. A release
 * of another major is never a stand-in: its data format and config keys differ.
 */
export function nearestPublished(wanted: string, published: readonly string[]): string {
    const want = releaseParts(wanted);
    if (!want) {
        throw new Error(`QuestDB version "${wanted}" is not a release number such as 8.2.3`);
    }
    const releases = published.filter((v) => releaseParts(v) !== undefined).sort(compareReleases);
    if (releases.includes(wanted)) {
        return wanted;
    }
    const sameLine = (v: string, parts: number) => releaseParts(v)!.slice(0, parts).join(".") === want.slice(0, parts).join(".");
    const earlier = releases.filter((v) => compareReleases(v, wanted) < 0);
    const later = releases.filter((v) => compareReleases(v, wanted) > 0);
    const found = earlier.filter((v) => sameLine(v, 2)).pop() ?? earlier.filter((v) => sameLine(v, 1)).pop() ?? later.find((v) => sameLine(v, 1));
    if (!found) {
        throw new Error(`no published org.questdb:questdb release of major ${want[0]} stands in for ${wanted}; published: ${releases.join(", ")}`);
    }
    return found;
}
