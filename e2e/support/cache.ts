import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Where the real-components tier keeps what it installs or builds: outside the checkout, so a
 * fresh clone on the same machine (CI's) reuses it. `QDB_E2E_CACHE` overrides the location.
 */
export function cacheRoot(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return process.env.QDB_E2E_CACHE || path.join(base, "questdb-cloud-e2e");
}

/** A directory under the cache for one component at one pinned version, e.g. `questdb/9.0.3`. */
export function cacheDir(...parts: string[]): string {
    const dir = path.join(cacheRoot(), ...parts);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

/**
 * Runs an install or build step once per pinned version and reports what it did and how long
 * it took. The marker file is written last, so a step interrupted halfway runs again.
 */
export async function installOnce(component: string, version: string, dir: string, install: () => Promise<void>): Promise<void> {
    const marker = path.join(dir, ".installed");
    if (fs.existsSync(marker)) {
        console.log(`[e2e] ${component} ${version}: cached in ${dir}`);
        return;
    }
    const started = Date.now();
    console.log(`[e2e] ${component} ${version}: installing into ${dir}`);
    await install();
    fs.writeFileSync(marker, new Date().toISOString());
    console.log(`[e2e] ${component} ${version}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
