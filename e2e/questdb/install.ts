import * as fs from "fs";
import * as path from "path";
import { cacheDir, installOnce } from "../support/cache";
import { requireCommand, runChecked } from "../support/process";
import { localRepositoryOf, nearestPublished, versionsInMetadata } from "./versions";

const ARTIFACT = "org.questdb:questdb";
/** The dependency plugin's `copy` goal takes `-Dartifact` without a project from 3.x on. */
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1";
export const JAVA_INSTALL_STEP = "apt-get install -y openjdk-17-jre-headless";
export const MAVEN_INSTALL_STEP = "apt-get install -y maven";

export interface InstalledQuestDb {
    /** The version the program renders (the image tag). */
    readonly wanted: string;
    /** The Maven Central release that stands in for it (docs/testing.md says why it may differ). */
    readonly version: string;
    readonly jar: string;
}

/** QuestDB 7 and later need Java 17. */
export async function requireJava(): Promise<void> {
    const out = await requireCommand("java", ["-version"], JAVA_INSTALL_STEP);
    const major = Number(/version "(\d+)/.exec(out)?.[1] ?? "0");
    if (major < 17) {
        throw new Error(`QuestDB needs Java 17 or newer; \`java -version\` says ${major}: run \`${JAVA_INSTALL_STEP}\``);
    }
}

/** One mvn run per process answers every version a cold cache asks about. */
let questDbVersions: Promise<string[]> | undefined;

/**
 * Which release stands in for `wanted`, resolved once through Maven's own resolver and the
 * machine's Maven settings (mirrors, proxies), and remembered in the cache, so that a warm run
 * asks no registry.
 */
async function resolveVersion(wanted: string): Promise<string> {
    const remembered = path.join(cacheDir("questdb"), `resolved-${wanted}`);
    if (fs.existsSync(remembered)) {
        return fs.readFileSync(remembered, "utf8").trim();
    }
    questDbVersions ??= publishedVersions(ARTIFACT);
    const version = nearestPublished(wanted, await questDbVersions);
    fs.writeFileSync(remembered, `${version}\n`);
    return version;
}

/**
 * Every published version of `artifact`. Resolving a version range (of the small pom, not the
 * jar) makes Maven's resolver fetch the artifact's version metadata into the local repository,
 * whose location the debug log states; the versions are read from there.
 */
export async function publishedVersions(artifact: string): Promise<string[]> {
    await requireCommand("mvn", ["-v"], MAVEN_INSTALL_STEP);
    const { stdout } = await runChecked("mvn", ["-X", "-B", "-U", "-Dstyle.color=never", `${DEPENDENCY_PLUGIN}:get`, `-Dartifact=${artifact}:[0,):pom`]);
    const [group, name] = artifact.split(":");
    const dir = path.join(localRepositoryOf(stdout), ...group.split("."), name);
    const files = fs.readdirSync(dir).filter((f) => /^maven-metadata-.*\.xml$/.test(f));
    const versions = files.flatMap((f) => versionsInMetadata(fs.readFileSync(path.join(dir, f), "utf8")));
    if (versions.length === 0) {
        throw new Error(`mvn resolved ${artifact} but ${dir} holds no version metadata`);
    }
    return [...new Set(versions)];
}

/**
 * Copies one jar from Maven Central with mvn, once per version, into `<cache>/<component>/<version>/`
 * (the jar alone: its dependencies are the caller's business). Returns the jar's path.
 */
export async function installMavenJar(component: string, artifact: string, version: string): Promise<string> {
    const dir = cacheDir(component, version);
    const jar = path.join(dir, `${artifact.split(":")[1]}-${version}.jar`);
    await installOnce(artifact, version, dir, async () => {
        await requireCommand("mvn", ["-v"], MAVEN_INSTALL_STEP);
        await runChecked("mvn", ["-q", "-B", `${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${artifact}:${version}`, `-DoutputDirectory=${dir}`]);
        if (!fs.existsSync(jar)) {
            throw new Error(`mvn reported success but ${jar} is missing`);
        }
    });
    return jar;
}

/** Installs `org.questdb:questdb` from Maven Central with mvn, once per version, into the tier's cache. */
export async function installQuestDb(wanted: string): Promise<InstalledQuestDb> {
    await requireJava();
    const version = await resolveVersion(wanted);
    const jar = await installMavenJar("questdb", ARTIFACT, version);
    if (version !== wanted) {
        console.log(`[e2e] QuestDB ${wanted} is not on Maven Central; using ${version}, the nearest published release`);
    }
    return { wanted, version, jar };
}
